/**
 * AWS Organizations over JSON 1.1: the server hands it each signed request; it authorizes the operation
 * with the one Authorizer (the caller's identity policies: Organizations has no resource-based policy for
 * these) and runs it as its entry of the operation table says (operations.ts).
 */
import { callerRequestKeys, type Caller, type LiveStack } from "../deploy/stack";
import { AwsError } from "../errors";
import { checkJsonMembers, NOT_MODELLED } from "../http/requestMembers";
import { ORGANIZATIONS_OPERATION_TABLE, type OrganizationsOperation } from "./operations";
import { organizationPolicyArn, policyNamed } from "./policies";

export async function handleOrganizations(
  operation: OrganizationsOperation,
  request: unknown,
  caller: Caller,
  stack: LiveStack,
): Promise<Record<string, unknown>> {
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    throw new AwsError("SerializationException", "The request body must be a JSON object.");
  }
  const body = request as Record<string, unknown>;
  const spec = ORGANIZATIONS_OPERATION_TABLE[operation];
  checkJsonMembers("organizations", operation, body, spec.members);
  const resource =
    spec.resource === "policy" ? organizationPolicyArn(stack.model, policyNamed(body, stack.model)) : "*";
  const decision =
    resource === "*"
      ? await stack.authorizer.authorizeIdentityOnly(caller.arn, spec.iamAction, callerRequestKeys(caller))
      : await stack.authorizer.authorizeIdentityOn(
          caller.arn,
          spec.iamAction,
          // Organizations answers these reads to the management account (or a delegated administrator):
          // the caller is taken to be one, so the policy is authorized as a resource of its own account.
          resource.replace(/^(arn:[^:]+:organizations::)[^:]+:/, `$1${stack.model.accountId}:`),
          callerRequestKeys(caller),
        );
  if (decision.notModelledKeys !== undefined) {
    // A decision that depends on a key the sandbox does not compute (conditionKeys.ts): refused as such.
    throw new AwsError(NOT_MODELLED, decision.message ?? `${spec.iamAction} is not modelled`);
  }
  if (!decision.allowed) {
    throw new AwsError(
      "AccessDeniedException",
      `You don't have permissions to access this resource. User: ${caller.arn} is not authorized to perform: ${spec.iamAction} on resource: ${resource}`,
    );
  }
  return spec.handler(body, stack.model);
}
