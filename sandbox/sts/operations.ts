/**
 * The STS actions the sandbox serves over the query protocol (form-encoded `Action=...&Version=...`): one
 * table, as the DynamoDB and KMS operations have theirs. The server routes every form-encoded POST to
 * service.ts, which runs the action's `handler`; docs/sandbox.md's "What it serves" is generated from
 * `docs` (`npm run docs`).
 */
import type { Caller, LiveStack } from "../deploy/stack";
import { assumeRole, getCallerIdentity } from "./actions";

export const STS_VERSION = "2011-06-15";

export interface StsOperationSpec {
  /** The contents of the answer's `<ActionResult>`. */
  readonly handler: (form: URLSearchParams, caller: Caller, stack: LiveStack) => Promise<string>;
  /** The IAM action it is authorized as; null for none (STS API reference, each action's permissions). */
  readonly iamAction: string | null;
  /** One line for docs/sandbox.md. */
  readonly docs: string;
}

export const STS_OPERATION_TABLE = {
  GetCallerIdentity: {
    handler: getCallerIdentity,
    iamAction: null,
    docs: "Answers who signed the request (account, ARN, user id); needs no permission.",
  },
  AssumeRole: {
    handler: assumeRole,
    iamAction: "sts:AssumeRole",
    docs: "Issues temporary credentials of a role whose trust policy (and the caller's policies) allow it.",
  },
} as const satisfies Record<string, StsOperationSpec>;

export type StsOperation = keyof typeof STS_OPERATION_TABLE;

/** The actions the sandbox serves, in the table's order. */
export const STS_OPERATIONS = Object.keys(STS_OPERATION_TABLE) as StsOperation[];

export function isStsOperation(action: string): action is StsOperation {
  return Object.hasOwn(STS_OPERATION_TABLE, action);
}
