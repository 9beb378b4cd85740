/**
 * The sandbox's DynamoDB: its operation table (operations.ts), the service the server dispatches requests
 * to (authorization by IAM and, for the operations that use the table's key, by KMS through DynamoDB),
 * over dynalite's operations in process (engine.ts), with the table-key cache and the table lifecycle of
 * a table on a customer managed key.
 */
export { DynamoDbService } from "./service";
export { DynaliteEngine } from "./engine";
export {
  ACCESS_MATRIX_OPERATIONS,
  DYNAMODB_OPERATIONS,
  DYNAMODB_OPERATION_NAMES,
  iamActionsOf,
  isDynamoOperation,
  TABLE_KEY_OPERATIONS,
  usesTableKey,
  type DynamoOperation,
} from "./operations";
export { DEFAULT_TABLE_KEY_CACHE_MS, TableKeyCache } from "./tableKeyCache";
export { TableLifecycle, type TableAccess } from "./tableLifecycle";
