/**
 * The sandbox's STS: its operations, the service the server dispatches them to, and the store of the
 * role sessions AssumeRole issues.
 */
export { isStsOperation, STS_OPERATIONS, STS_VERSION, type StsOperation } from "./operations";
export { handleSts, queryAction } from "./service";
export { SessionStore, type RoleSession } from "./sessions";
