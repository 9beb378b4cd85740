/**
 * The KMS operations the sandbox serves (JSON 1.1, `X-Amz-Target: TrentService.<Op>`): the server routes
 * these names to the KmsService, which dispatches each to its handler.
 */
import { GRANT_API_OPERATIONS } from "./grantOperations";
import { KEY_STATE_OPERATIONS } from "./keyStateOperations";

/** The operations the sandbox serves (TrentService.<Op>). */
export const KMS_OPERATIONS = [
  "Encrypt",
  "Decrypt",
  "GenerateDataKey",
  "DescribeKey",
  "GetKeyPolicy",
  ...KEY_STATE_OPERATIONS,
  ...GRANT_API_OPERATIONS,
] as const;
export type KmsOperation = (typeof KMS_OPERATIONS)[number];
