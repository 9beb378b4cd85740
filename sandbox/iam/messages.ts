import type { KmsDecision } from "./types";

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
