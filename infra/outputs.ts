/**
 * The stack outputs of the program (contracts.md section 2), as plain data once resolved: what
 * `pulumi stack output --json --show-secrets` prints and what the checks and the sandbox read.
 */
export type DynamodbAccess = "readonly" | "readwrite" | "full";

export interface UserOutputs {
  arn: string;
  dynamodbAccess: DynamodbAccess;
  keyUser: boolean;
  accessKeyId: string;
  /** A Pulumi secret in the stack; plain text only where `--show-secrets` was asked for. */
  secretAccessKey: string;
}

/** A role of `kms-dynamodb:roles`: assumed by its trusted users, it has no keys of its own. */
export interface RoleOutputs {
  arn: string;
  dynamodbAccess: DynamodbAccess;
  keyUser: boolean;
}

export interface StackOutputs {
  region: string;
  accountId: string;
  keyArn: string;
  keyAlias: string;
  tableName: string;
  tableArn: string;
  users: Record<string, UserOutputs>;
  /** Present when the stack configures roles. */
  roles?: Record<string, RoleOutputs>;
}
