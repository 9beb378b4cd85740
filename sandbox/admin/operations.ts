/**
 * The sandbox's own admin operations (`X-Amz-Target: SandboxAdmin.<Op>`, JSON 1.1, signed with the
 * signing name `sandbox` by the deploying identity): the server routes these names to service.ts.
 */
export const ADMIN_TARGET_PREFIX = "SandboxAdmin.";
export const ADMIN_SIGNING_NAME = "sandbox";
export const ADMIN_OPERATIONS = ["AdvanceClock", "DescribeClock"] as const;
export type AdminOperation = (typeof ADMIN_OPERATIONS)[number];

export function isAdminOperation(name: string): name is AdminOperation {
  return (ADMIN_OPERATIONS as readonly string[]).includes(name);
}
