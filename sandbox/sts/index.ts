/**
 * The sandbox's STS: its operation table, the service the server dispatches requests to, and the store
 * of the role sessions AssumeRole issues.
 */
export {
  isStsOperation,
  STS_OPERATION_TABLE,
  STS_OPERATIONS,
  STS_VERSION,
  type StsOperation,
} from "./operations";
export { handleSts, queryAction } from "./service";
export { SessionStore, type RoleSession } from "./sessions";
