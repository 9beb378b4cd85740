/**
 * AWS's AccessDenied wording (IAM User Guide, "Troubleshoot access denied error messages"): "User: ARN is
 * not authorized to perform: ACTION on resource: RESOURCE because no identity-based policy allows the
 * ACTION action", or "... with an explicit deny in a service control policy", and so on per policy type.
 * An SCP denial reads as explicit "even if the denial is implicit".
 */
import type { DeniedBy, EvalResult } from "./types";

const POLICY_TYPE: Record<DeniedBy, string> = {
  identity: "identity-based policy",
  resource: "resource-based policy",
  boundary: "permissions boundary",
  session: "session policy",
  scp: "service control policy",
  rcp: "resource control policy",
};

export function accessDeniedMessage(
  principalArn: string,
  action: string,
  resourceArn: string,
  result: Pick<EvalResult, "outcome" | "deniedBy">,
): string {
  const deniedBy = result.deniedBy ?? "identity";
  const type = POLICY_TYPE[deniedBy];
  const article = /^[aeiou]/.test(type) ? "an" : "a";
  const reason =
    result.outcome === "ExplicitlyDenied"
      ? `with an explicit deny in ${article} ${type}`
      : `because no ${type} allows the ${action} action`;
  return `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resourceArn} ${reason}`;
}
