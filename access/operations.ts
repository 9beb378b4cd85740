/**
 * What the access matrix asks for each table: the DynamoDB operations the sandbox's operation table marks
 * for it (sandbox/dynamodb/operations.ts, `accessMatrix`), each authorized as its probe is, and KMS Decrypt
 * called directly on the table's key (the path around DynamoDB: a principal that may decrypt directly can
 * read any ciphertext of the key it obtains, e.g. from a backup or an export).
 */
import {
  ACCESS_MATRIX_OPERATIONS,
  cellChecks,
  matrixActionOf,
  usesTableKey,
  type AccessMatrixOperation,
  type CellCheck,
} from "../sandbox/engine";

/** DynamoDB operations, in the order the matrix shows them. */
export const TABLE_OPERATIONS: readonly AccessMatrixOperation[] = ACCESS_MATRIX_OPERATIONS;

export type TableOperation = AccessMatrixOperation;

/**
 * The direct KMS call, as the matrix names it: the KMS operation table's one `accessMatrix` entry
 * (sandbox/kms/operations.ts; a test holds the two together).
 */
export const DIRECT_DECRYPT = "kms:Decrypt";

export type MatrixOperation = TableOperation | typeof DIRECT_DECRYPT;

/** Whether an operation reads or writes items, and so needs the table's key: the sandbox's one list. */
export { usesTableKey };

/**
 * The IAM action the operation table's probe of an operation is authorized as (a transaction's probe is one
 * part: TransactWriteItems one Put, dynamodb:PutItem). The matrix asks a cell with `checksOf`, every kind
 * of part of a transaction.
 */
export function iamActionOf(operation: TableOperation): string {
  return matrixActionOf(operation);
}

/**
 * Every IAM check of a cell, as the sandbox makes them: a transaction's each kind of part as its own
 * action inside the transaction (TransactWriteItems: PutItem, UpdateItem, DeleteItem, ConditionCheckItem
 * with dynamodb:EnclosingOperation TransactWriteItems), with the request-dependent condition keys UNKNOWN
 * so a decision that depends on them is Conditional. The cell is allowed only when every check is.
 */
export function checksOf(operation: TableOperation): readonly CellCheck[] {
  // Asked for every cell the proof decides (millions at account scale): each operation's checks are made once.
  let checks = checksByOperation.get(operation);
  if (checks === undefined) {
    checks = cellChecks(operation);
    checksByOperation.set(operation, checks);
  }
  return checks;
}

const checksByOperation = new Map<TableOperation, readonly CellCheck[]>();

export type { CellCheck };
