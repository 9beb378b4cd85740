/**
 * The sandbox's own admin API, for drills against a running sandbox: `X-Amz-Target: SandboxAdmin.<Op>`,
 * JSON 1.1 like KMS, SigV4-signed (signing name `sandbox`) by the deploying identity and nobody else
 * (its key is written only with `npm run sandbox -- --deployer-credentials FILE`). Each operation runs as
 * its entry of the operation table says (operations.ts). Use it with
 * `npm run sandbox:clock -- --endpoint URL --credentials FILE --advance 7d`.
 */
import { AwsError } from "../errors";
import type { AdminTarget } from "./clockOperations";
import { ADMIN_OPERATION_TABLE, type AdminOperation } from "./operations";

export type { AdminTarget };

export async function handleAdmin(
  operation: AdminOperation,
  body: unknown,
  callerArn: string,
  target: AdminTarget,
): Promise<Record<string, unknown>> {
  if (callerArn !== target.deployerArn()) {
    throw new AwsError(
      "AccessDeniedException",
      `User: ${callerArn} is not authorized to perform: sandbox:${operation}: only the deploying identity administers the sandbox`,
    );
  }
  return ADMIN_OPERATION_TABLE[operation].handler(body, target);
}
