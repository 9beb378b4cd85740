/** The sandbox's IAM API: its operation table and the service the server dispatches requests to. */
export {
  IAM_OPERATION_TABLE,
  IAM_OPERATIONS,
  IAM_VERSION,
  isIamOperation,
  type IamOperation,
} from "./operations";
export { handleIam } from "./service";
