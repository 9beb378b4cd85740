/**
 * The sandbox's own admin operations (`X-Amz-Target: SandboxAdmin.<Op>`, JSON 1.1, signed with the
 * signing name `sandbox`): one table, as every service of the sandbox has its own. The server routes these
 * names to service.ts, which lets only the deploying identity run an entry's `handler`; docs/sandbox.md's
 * "What it serves" is generated from `docs` (`npm run docs`).
 */
import { advanceClock, describeClock, type AdminTarget } from "./clockOperations";

export const ADMIN_TARGET_PREFIX = "SandboxAdmin.";
export const ADMIN_SIGNING_NAME = "sandbox";

export interface AdminOperationSpec {
  readonly handler: (body: unknown, target: AdminTarget) => Promise<Record<string, unknown>>;
  /** One line for docs/sandbox.md. */
  readonly docs: string;
}

export const ADMIN_OPERATION_TABLE = {
  AdvanceClock: {
    handler: advanceClock,
    docs: "Moves the sandbox's clock forward by `Seconds`, `Minutes`, `Hours` or `Days` (`npm run sandbox:clock`).",
  },
  DescribeClock: {
    handler: describeClock,
    docs: "Answers the sandbox's time and how far it has been advanced.",
  },
} as const satisfies Record<string, AdminOperationSpec>;

export type AdminOperation = keyof typeof ADMIN_OPERATION_TABLE;

/** The operations, in the table's order. */
export const ADMIN_OPERATIONS = Object.keys(ADMIN_OPERATION_TABLE) as AdminOperation[];

export function isAdminOperation(name: string): name is AdminOperation {
  return Object.hasOwn(ADMIN_OPERATION_TABLE, name);
}
