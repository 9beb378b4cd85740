/**
 * STS over the query protocol: the server hands it each signed form-encoded request, and it runs the
 * action as its entry of the operation table says (operations.ts).
 */
import { AwsError } from "../errors";
import { checkFormMembers } from "../http/requestMembers";
import type { Caller, LiveStack } from "../deploy/stack";
import { isStsOperation, STS_OPERATION_TABLE, STS_VERSION } from "./operations";

/** The query action of a form-encoded body. */
export function queryAction(form: URLSearchParams): string {
  const action = form.get("Action");
  if (action === null || action === "") {
    throw new AwsError("MissingAction", "Missing Action");
  }
  return action;
}

/** The `<ActionResult>` contents for a signed STS request. */
export async function handleSts(
  action: string,
  form: URLSearchParams,
  caller: Caller,
  stack: LiveStack,
): Promise<string> {
  const version = form.get("Version") ?? STS_VERSION;
  if (version !== STS_VERSION || !isStsOperation(action)) {
    throw new AwsError("InvalidAction", `Could not find operation ${action} for version ${version}`);
  }
  const spec = STS_OPERATION_TABLE[action];
  // A member the sandbox does not model is refused before anything else (requestMembers.ts).
  checkFormMembers("sts", action, form, spec.members);
  return spec.handler(form, caller, stack);
}
