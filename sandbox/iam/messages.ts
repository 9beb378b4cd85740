import type { KmsDecision } from "./types";

/**
 * AWS's AccessDenied wording. IAM's "access denied error messages" documentation gives the shape:
 * "User: ARN is not authorized to perform: ACTION on resource: ARN because no identity-based policy allows
 * the ACTION action" (or "with an explicit deny in a resource-based policy", and so on).
 */
export function accessDeniedMessage(
  callerArn: string,
  action: string,
  resourceArn: string,
  explicit: boolean,
  policyType: "identity-based" | "resource-based",
): string {
  const article = policyType === "identity-based" ? "an" : "a";
  const because = explicit
    ? `with an explicit deny in ${article} ${policyType} policy`
    : `because no ${policyType} policy allows the ${action} action`;
  return `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resourceArn} ${because}`;
}

/**
 * The message DynamoDB returns (as an AccessDeniedException, HTTP 400) when KMS refuses the caller the
 * table's key. Real DynamoDB wraps KMS's own error, e.g. (quoted in aws-cdk issues 10010 and 18616):
 * "KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: The ciphertext refers to
 * a customer master key that does not exist, ... (Service: AWSKMS; Status Code: 400; Error Code:
 * AccessDeniedException; Request ID: ...)". The sandbox keeps that frame but puts KMS's precise reason
 * inside, so a reader can tell which user and key were refused and why.
 */
export function kmsAccessDeniedViaDynamoDbMessage(decision: KmsDecision, requestId: string): string {
  if (decision.allowed) {
    throw new Error("kmsAccessDeniedViaDynamoDbMessage: the decision allowed the request");
  }
  const code = decision.keyStateError?.code ?? "AccessDeniedException";
  const reason = decision.keyStateError?.message ?? decision.message ?? "access denied";
  return (
    `KMS key access denied error: com.amazonaws.services.kms.model.${code === "AccessDeniedException" ? "AWSKMSException" : code}: ` +
    `${reason} (Service: AWSKMS; Status Code: 400; Error Code: ${code}; Request ID: ${requestId})`
  );
}
