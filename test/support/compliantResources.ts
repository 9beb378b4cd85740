/**
 * A compliant baseline of each resource type the pack's rules look at, as pulumi/compliance-policies'
 * unit tests keep one per resource: a rule's test changes one field of it per case, so what a case shows
 * is that one change. Every baseline passes every rule of the pack (test/policy-pack/rules/index.test.ts).
 */
import { ACCOUNT_ID } from "./accounts";

export const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const REPLICA_KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;
export const MANAGED_ALIAS_ARN = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:alias/aws/dynamodb`;

export const TABLE = "aws:dynamodb/table:Table";
export const TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica";
export const NATIVE_TABLE = "aws-native:dynamodb:Table";
export const NATIVE_GLOBAL_TABLE = "aws-native:dynamodb:GlobalTable";
export const KMS_KEY = "aws:kms/key:Key";
export const KMS_EXTERNAL_KEY = "aws:kms/externalKey:ExternalKey";
export const KMS_KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy";
export const KMS_ALIAS = "aws:kms/alias:Alias";
export const NATIVE_KMS_KEY = "aws-native:kms:Key";
export const IAM_USER_POLICY = "aws:iam/userPolicy:UserPolicy";

type Props = Record<string, unknown>;

/** A key policy with the account's root statement (KMS developer guide, "Default key policy"), and more. */
export function keyPolicy(...statements: Props[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EnableRootAccess",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      ...statements,
    ],
  });
}

/** An identity policy document of the given statements. */
export function policyDocument(...statements: Props[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** aws.dynamodb.Table on a customer-managed key, with point-in-time recovery and deletion protection. */
export function table(overrides: Props = {}): Props {
  return {
    name: "orders",
    hashKey: "id",
    attributes: [{ name: "id", type: "S" }],
    billingMode: "PAY_PER_REQUEST",
    serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN },
    pointInTimeRecovery: { enabled: true },
    deletionProtectionEnabled: true,
    ...overrides,
  };
}

/** aws.dynamodb.TableReplica on a customer-managed key of its region. */
export function tableReplica(overrides: Props = {}): Props {
  return {
    globalTableArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT_ID}:table/orders`,
    kmsKeyArn: REPLICA_KEY_ARN,
    ...overrides,
  };
}

/** aws-native:dynamodb:Table with SSE of type KMS on a customer-managed key. */
export function nativeTable(overrides: Props = {}): Props {
  return {
    keySchema: [{ attributeName: "id", keyType: "HASH" }],
    sseSpecification: { sseEnabled: true, sseType: "KMS", kmsMasterKeyId: KEY_ARN },
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtectionEnabled: true,
    ...overrides,
  };
}

/** aws-native:dynamodb:GlobalTable whose every replica names its customer-managed key. */
export function nativeGlobalTable(overrides: Props = {}): Props {
  const replica = (region: string, kmsMasterKeyId: string) => ({
    region,
    sseSpecification: { kmsMasterKeyId },
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtectionEnabled: true,
  });
  return {
    sseSpecification: { sseEnabled: true, sseType: "KMS" },
    replicas: [replica("us-east-1", KEY_ARN), replica("eu-west-1", REPLICA_KEY_ARN)],
    ...overrides,
  };
}

/** aws.kms.Key: symmetric, rotated, a 30-day deletion window, the lockout check kept, a named policy. */
export function kmsKey(overrides: Props = {}): Props {
  return {
    description: "orders",
    keyUsage: "ENCRYPT_DECRYPT",
    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    bypassPolicyLockoutSafetyCheck: false,
    policy: keyPolicy(),
    ...overrides,
  };
}

/**
 * aws.kms.ExternalKey: a KMS key for imported key material (KMS developer guide, "Importing key material
 * for AWS KMS keys"), symmetric, with the same policy settings as kmsKey.
 */
export function externalKey(overrides: Props = {}): Props {
  return {
    description: "orders, imported material",
    keyUsage: "ENCRYPT_DECRYPT",
    keySpec: "SYMMETRIC_DEFAULT",
    deletionWindowInDays: 30,
    bypassPolicyLockoutSafetyCheck: false,
    policy: keyPolicy(),
    ...overrides,
  };
}

/** aws-native:kms:Key, as kmsKey. */
export function nativeKmsKey(overrides: Props = {}): Props {
  return {
    keyUsage: "ENCRYPT_DECRYPT",
    keySpec: "SYMMETRIC_DEFAULT",
    enableKeyRotation: true,
    pendingWindowInDays: 30,
    keyPolicy: JSON.parse(keyPolicy()) as Props,
    ...overrides,
  };
}

/** aws.iam.UserPolicy scoped to one key and one table. */
export function userPolicy(overrides: Props = {}): Props {
  return {
    user: "app",
    policy: policyDocument(
      { Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN },
      {
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
        Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT_ID}:table/orders`,
      },
    ),
    ...overrides,
  };
}

/** Every baseline, by the type it is a baseline of. */
export const COMPLIANT_BASELINES: Readonly<Record<string, () => Props>> = {
  [TABLE]: table,
  [TABLE_REPLICA]: tableReplica,
  [NATIVE_TABLE]: nativeTable,
  [NATIVE_GLOBAL_TABLE]: nativeGlobalTable,
  [KMS_KEY]: kmsKey,
  [KMS_EXTERNAL_KEY]: externalKey,
  [NATIVE_KMS_KEY]: nativeKmsKey,
  [IAM_USER_POLICY]: userPolicy,
};
