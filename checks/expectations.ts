/**
 * What each call should do, derived only from the stack's declared intent (a user's `dynamodbAccess`
 * and `keyUser` in the stack outputs), never from what a call returned.
 *
 * Order of the two gates, as AWS evaluates them: DynamoDB first authorizes the caller's IAM action;
 * only an authorized item call goes on to use the table's KMS key on the caller's behalf, which the key
 * policy must allow (https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html#dynamodb-authz).
 * So a readonly key user's PutItem is stopped by IAM, and a full-access non-key user's GetItem by KMS.
 */
import type { DeclaredIntent, DynamodbAccess } from "../infra/principal";
import type { ExpectedOutcome, Operation } from "./types";

/** The DynamoDB IAM action each call needs; GetCallerIdentity needs none (STS answers any valid key). */
export const IAM_ACTION: Record<Exclude<Operation, "GetCallerIdentity">, string> = {
  DescribeTable: "dynamodb:DescribeTable",
  PutItem: "dynamodb:PutItem",
  GetItem: "dynamodb:GetItem",
  Query: "dynamodb:Query",
  UpdateItem: "dynamodb:UpdateItem",
  DeleteItem: "dynamodb:DeleteItem",
};

const READ_OPERATIONS: ReadonlySet<Operation> = new Set(["DescribeTable", "GetItem", "Query"]);
const WRITE_OPERATIONS: ReadonlySet<Operation> = new Set(["PutItem", "UpdateItem", "DeleteItem"]);

/** Item calls read or write table data, which DynamoDB encrypts with the table's KMS key; DescribeTable does not. */
export const TABLE_KEY_CALLS: ReadonlySet<Operation> = new Set([
  "PutItem",
  "GetItem",
  "Query",
  "UpdateItem",
  "DeleteItem",
]);

/** Whether an access level's IAM permissions include an operation (readonly reads, readwrite and full also write). */
export function accessAllows(access: DynamodbAccess, operation: Operation): boolean {
  if (operation === "GetCallerIdentity") {
    return true;
  }
  switch (access) {
    case "readonly":
      return READ_OPERATIONS.has(operation);
    case "readwrite":
    case "full":
      return READ_OPERATIONS.has(operation) || WRITE_OPERATIONS.has(operation);
  }
}

/**
 * `keyUsable` false: the key is disabled, pending deletion or deleted, which stops every item call of
 * every user at KMS ("Key states of AWS KMS keys": cryptographic operations need an Enabled key); IAM
 * still decides first.
 */
export function expectedOutcome(
  user: DeclaredIntent,
  operation: Operation,
  keyUsable = true,
): ExpectedOutcome {
  if (!accessAllows(user.dynamodbAccess, operation)) {
    return "denied-by-iam";
  }
  if (TABLE_KEY_CALLS.has(operation) && (!user.keyUser || !keyUsable)) {
    return "denied-by-kms";
  }
  return "allowed";
}
