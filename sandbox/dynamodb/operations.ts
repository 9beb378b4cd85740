/**
 * The DynamoDB operations that read or write items, and so use the table's key: on a table encrypted
 * with a customer-managed key each needs kms:Decrypt for the caller through DynamoDB, besides its own
 * `dynamodb:<Action>` (DynamoDB developer guide, "Encryption at rest: how it works" and "Authorizing use
 * of your KMS key"). DescribeTable and ListTables touch no item and need no key access.
 *
 * One list for the sandbox's request path and for `npm run access`, so the two cannot disagree.
 * TransactGetItems and TransactWriteItems read and write items too (their parts' own actions are checked
 * per part: transactions.ts).
 */
export const TABLE_KEY_OPERATIONS: ReadonlySet<string> = new Set([
  "BatchGetItem",
  "BatchWriteItem",
  "DeleteItem",
  "GetItem",
  "PutItem",
  "Query",
  "Scan",
  "TransactGetItems",
  "TransactWriteItems",
  "UpdateItem",
]);

/** Whether an operation reads or writes items, and so needs the table's key. */
export function usesTableKey(operation: string): boolean {
  return TABLE_KEY_OPERATIONS.has(operation);
}
