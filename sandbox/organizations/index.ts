/** The sandbox's AWS Organizations API: its operation table and the service the server dispatches to. */
export {
  isOrganizationsOperation,
  ORGANIZATIONS_OPERATION_TABLE,
  ORGANIZATIONS_OPERATIONS,
  ORGANIZATIONS_TARGET_PREFIX,
  type OrganizationsOperation,
} from "./operations";
export { handleOrganizations } from "./service";
