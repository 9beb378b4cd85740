/**
 * The sandbox's DynamoDB: the service the server dispatches requests to (authorization by IAM and, for
 * the operations that use the table's key, by KMS through DynamoDB), over dynalite's operations in
 * process (engine.ts), with the table-key cache and the table lifecycle of a table on a customer
 * managed key.
 */
export { DynamoDbService } from "./service";
export { DynaliteEngine, isDynamoOperation, type DynamoOperation } from "./engine";
export { TABLE_KEY_OPERATIONS, usesTableKey } from "./operations";
export { DEFAULT_TABLE_KEY_CACHE_MS, TableKeyCache } from "./tableKeyCache";
export { TableLifecycle, type TableAccess } from "./tableLifecycle";
