/**
 * The stack outputs of the program (contracts.md section 2), as plain data once resolved: what
 * `pulumi stack output --json --show-secrets` prints and what the checks and the sandbox read.
 */
/**
 * The access levels a data user can have: the one definition (config, components, checks use it).
 * `full` is the AWS managed policy AmazonDynamoDBFullAccess.
 */
export const DYNAMODB_ACCESS_LEVELS = ["readonly", "readwrite", "full"] as const;

export type DynamodbAccess = (typeof DYNAMODB_ACCESS_LEVELS)[number];

/** How a secret output prints without `--show-secrets` (`pulumi stack output`, `pulumi preview --json`). */
export const REDACTED = "[secret]";

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
