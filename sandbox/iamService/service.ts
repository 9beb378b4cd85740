/**
 * IAM over the query protocol: the server hands it each signed form-encoded request signed for `iam`; it
 * authorizes the action with the one Authorizer (the caller's identity policies: IAM's actions here name
 * no resource-based policy) and runs it as its entry of the operation table says (operations.ts).
 */
import { AwsError } from "../errors";
import { checkFormMembers, NOT_MODELLED } from "../http/requestMembers";
import { callerRequestKeys, type Caller, type LiveStack } from "../deploy/stack";
import { IAM_OPERATION_TABLE, IAM_VERSION, isIamOperation } from "./operations";

/** The `<ActionResult>` contents for a signed IAM request. */
export async function handleIam(
  action: string,
  form: URLSearchParams,
  caller: Caller,
  stack: LiveStack,
): Promise<string> {
  const version = form.get("Version") ?? IAM_VERSION;
  if (version !== IAM_VERSION || !isIamOperation(action)) {
    throw new AwsError("InvalidAction", `Could not find operation ${action} for version ${version}`);
  }
  const spec = IAM_OPERATION_TABLE[action];
  checkFormMembers("iam", action, form, spec.members);
  // GetAccountAuthorizationDetails has no resource type: it is allowed or denied on "*" (Service
  // Authorization Reference, "Actions defined by AWS Identity and Access Management").
  const decision = await stack.authorizer.authorizeIdentityOnly(
    caller.arn,
    spec.iamAction,
    callerRequestKeys(caller),
  );
  if (decision.notModelledKeys !== undefined) {
    // A decision that depends on a key the sandbox does not compute (conditionKeys.ts): refused as such.
    throw new AwsError(NOT_MODELLED, decision.message ?? `${spec.iamAction} is not modelled`);
  }
  if (!decision.allowed) {
    // IAM's AccessDenied (HTTP 403): "User: ARN is not authorized to perform: ACTION on resource: ..."
    // (IAM User Guide, "Troubleshoot access denied error messages").
    throw new AwsError(
      "AccessDenied",
      `User: ${caller.arn} is not authorized to perform: ${spec.iamAction} on resource: *`,
      403,
    );
  }
  return spec.handler(form, caller, stack);
}
