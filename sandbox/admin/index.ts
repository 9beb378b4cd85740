/**
 * The sandbox's admin API (the simulated clock, for drills against a running sandbox): its operations,
 * the service the server dispatches them to, the client `npm run sandbox:clock` calls it with, and the
 * clock itself.
 */
export {
  ADMIN_OPERATION_TABLE,
  ADMIN_OPERATIONS,
  ADMIN_SIGNING_NAME,
  ADMIN_TARGET_PREFIX,
  isAdminOperation,
  type AdminOperation,
} from "./operations";
export { handleAdmin, type AdminTarget } from "./service";
export { callAdmin, type AdminCredentials } from "./client";
export { SandboxClock } from "./clock";
