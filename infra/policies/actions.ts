/**
 * IAM and KMS action lists, named by intent, in one module (as CDK's aws-kms and aws-dynamodb do).
 */

/**
 * What key administrators may do: manage the key, never use it. Mirrors CDK's key admin actions.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators
 */
export const KEY_ADMIN_ACTIONS = [
  "kms:Create*",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
];

/**
 * What key users need so DynamoDB can use the key on their behalf: DynamoDB calls Decrypt on every
 * item read and write, and GenerateDataKey/Encrypt when it refreshes the table key.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
 */
export const KEY_USER_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:DescribeKey",
];

/**
 * Key use: the cryptographic operations that read or make the data's keys, what the strict key policy keeps
 * to the key users (DescribeKey reads metadata only, and is not key use). KMS Developer Guide, "Default key
 * policy", "Allows key users to use the KMS key for cryptographic operations".
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-users-crypto
 */
export const KEY_USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"];

/** Grants that AWS services (DynamoDB) create on the key for their own resources. */
export const KEY_GRANT_ACTIONS = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"];

/** Item and table reads; scoped to the table and its indexes. */
export const DYNAMODB_READ_ACTIONS = [
  "dynamodb:BatchGetItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DescribeTable",
  "dynamodb:GetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
];

/** Item writes, on top of the reads for `readwrite`. */
export const DYNAMODB_WRITE_ACTIONS = [
  "dynamodb:BatchWriteItem",
  "dynamodb:DeleteItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
];

/** Account-level listing; has no table resource, so it needs `Resource: "*"`. */
export const DYNAMODB_LIST_ACTIONS = ["dynamodb:ListTables"];

/** The AWS managed policy behind `dynamodbAccess: full`, as in the seed exercise. */
export const DYNAMODB_FULL_ACCESS_POLICY = "AmazonDynamoDBFullAccess";
