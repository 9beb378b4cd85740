/**
 * What the access matrix asks for each table: every DynamoDB data operation, and KMS Decrypt called
 * directly on the table's key (the path around DynamoDB: a principal that may decrypt directly can read
 * any ciphertext of the key it obtains, e.g. from a backup or an export).
 */
import { usesTableKey } from "../sandbox/engine";

/** DynamoDB operations, in the order the matrix shows them (DynamoDB API reference, "Actions"). */
export const TABLE_OPERATIONS = [
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "Scan",
  "BatchGetItem",
  "BatchWriteItem",
  "TransactGetItems",
  "TransactWriteItems",
  "DescribeTable",
] as const;

export type TableOperation = (typeof TABLE_OPERATIONS)[number];

/** The direct KMS call, as the matrix names it. */
export const DIRECT_DECRYPT = "kms:Decrypt";

export type MatrixOperation = TableOperation | typeof DIRECT_DECRYPT;

/** Whether an operation reads or writes items, and so needs the table's key: the sandbox's one list. */
export { usesTableKey };

/**
 * The IAM action an operation is authorized as. Transactions have no action of their own: "Permissions
 * for Put, Update, Delete, and Get actions are governed by the permissions used for the underlying
 * PutItem, UpdateItem, DeleteItem, and GetItem operations" (DynamoDB developer guide, "Using IAM with
 * DynamoDB transactions"). The matrix's TransactWriteItems is a transaction of one Put. Limit: the
 * dynamodb:EnclosingOperation condition key is not set, so a policy conditioned on it is evaluated
 * as if the call were not a transaction.
 */
export function iamActionOf(operation: TableOperation): string {
  switch (operation) {
    case "TransactGetItems":
      return "dynamodb:GetItem";
    case "TransactWriteItems":
      return "dynamodb:PutItem";
    default:
      return `dynamodb:${operation}`;
  }
}
