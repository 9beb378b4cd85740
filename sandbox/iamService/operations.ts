/**
 * The IAM actions the sandbox serves over the query protocol (form-encoded `Action=...&Version=2010-05-08`,
 * signed for the service `iam`): one table, as STS, KMS and DynamoDB have theirs. The server routes a
 * form-encoded POST whose signature names `iam` to service.ts; docs/sandbox.md's "What it serves" is
 * generated from `docs` (`npm run docs`). The sandbox serves IAM's reads that collecting account data
 * needs; IAM's entities themselves come from the deployment (deploy/model.ts).
 */
import type { Caller, LiveStack } from "../deploy/stack";
import type { RequestMembers } from "../http/requestMembers";
import { getAccountAuthorizationDetails } from "./accountDetails";

export const IAM_VERSION = "2010-05-08";

export interface IamOperationSpec {
  /** The contents of the answer's `<ActionResult>`. */
  readonly handler: (form: URLSearchParams, caller: Caller, stack: LiveStack) => Promise<string>;
  /** The IAM action it is authorized as (Service Authorization Reference, "Actions defined by IAM"). */
  readonly iamAction: string;
  /** One line for docs/sandbox.md. */
  readonly docs: string;
  /** Every input member of the action in the IAM API model (sandbox/http/requestMembers.ts). */
  readonly members: RequestMembers;
}

export const IAM_OPERATION_TABLE = {
  GetAccountAuthorizationDetails: {
    handler: getAccountAuthorizationDetails,
    iamAction: "iam:GetAccountAuthorizationDetails",
    docs: "Lists the account's IAM users, groups, roles and managed policies with their policies (documents URL-encoded), paged by Marker and MaxItems.",
    members: { Filter: "shape", MaxItems: "shape", Marker: "shape" },
  },
} as const satisfies Record<string, IamOperationSpec>;

export type IamOperation = keyof typeof IAM_OPERATION_TABLE;

export const IAM_OPERATIONS = Object.keys(IAM_OPERATION_TABLE) as IamOperation[];

export function isIamOperation(action: string): action is IamOperation {
  return Object.hasOwn(IAM_OPERATION_TABLE, action);
}
