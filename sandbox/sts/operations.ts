/**
 * The STS actions the sandbox serves over the query protocol (form-encoded `Action=...&Version=...`): one
 * table, as the DynamoDB and KMS operations have theirs. The server routes every form-encoded POST to
 * service.ts, which runs the action's `handler`; docs/sandbox.md's "What it serves" is generated from
 * `docs` (`npm run docs`).
 */
import type { Caller, LiveStack } from "../deploy/stack";
import type { RequestMembers } from "../http/requestMembers";
import { assumeRole, getCallerIdentity } from "./actions";

export const STS_VERSION = "2011-06-15";

export interface StsOperationSpec {
  /** The contents of the answer's `<ActionResult>`. */
  readonly handler: (form: URLSearchParams, caller: Caller, stack: LiveStack) => Promise<string>;
  /** The IAM action it is authorized as; null for none (STS API reference, each action's permissions). */
  readonly iamAction: string | null;
  /** One line for docs/sandbox.md. */
  readonly docs: string;
  /**
   * Every input member of the action in the STS API model, as modelled, answer-shaping or refused
   * (sandbox/http/requestMembers.ts; a test walks the AWS model against it).
   */
  readonly members: RequestMembers;
}

export const STS_OPERATION_TABLE = {
  GetCallerIdentity: {
    handler: getCallerIdentity,
    iamAction: null,
    docs: "Answers who signed the request (account, ARN, user id); needs no permission.",
    members: {},
  },
  AssumeRole: {
    handler: assumeRole,
    iamAction: "sts:AssumeRole",
    docs: "Issues temporary credentials of a role whose trust policy (and the caller's policies) allow it, with session policies, session tags (transitive in a role chain) and a source identity.",
    members: {
      RoleArn: "modelled",
      RoleSessionName: "modelled",
      DurationSeconds: "modelled",
      // Session policies: the session's permissions are the intersection with the role's.
      Policy: "modelled",
      PolicyArns: "modelled",
      "PolicyArns[].arn": "modelled",
      // Session tags (aws:PrincipalTag of the session; sts:TagSession), transitive in a role chain.
      Tags: "modelled",
      "Tags[].Key": "modelled",
      "Tags[].Value": "modelled",
      TransitiveTagKeys: "modelled",
      ExternalId: "modelled",
      SerialNumber: { refused: "MFA (aws:MultiFactorAuthPresent true) is not modelled" },
      TokenCode: { refused: "MFA (aws:MultiFactorAuthPresent true) is not modelled" },
      // aws:SourceIdentity of the session; sts:SetSourceIdentity.
      SourceIdentity: "modelled",
      ProvidedContexts: { refused: "trusted context providers are not modelled", inert: ["[]"] },
      "ProvidedContexts[].ProviderArn": { refused: "trusted context providers are not modelled" },
      "ProvidedContexts[].ContextAssertion": { refused: "trusted context providers are not modelled" },
    },
  },
} as const satisfies Record<string, StsOperationSpec>;

export type StsOperation = keyof typeof STS_OPERATION_TABLE;

/** The actions the sandbox serves, in the table's order. */
export const STS_OPERATIONS = Object.keys(STS_OPERATION_TABLE) as StsOperation[];

export function isStsOperation(action: string): action is StsOperation {
  return Object.hasOwn(STS_OPERATION_TABLE, action);
}
