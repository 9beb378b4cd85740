/**
 * Tells apart who stopped a call from the error AWS returned. Both denials are HTTP 400
 * `AccessDeniedException`; only the message differs:
 * - IAM: "User: arn:aws:iam::ACCOUNT:user/NAME is not authorized to perform: dynamodb:PutItem on resource: …"
 * - KMS, through DynamoDB: "KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: The
 *   ciphertext refers to a customer master key that does not exist, … or you are not allowed to access. …"
 *   (quoted in aws/aws-cdk issues 10010 and 18616).
 */
import type { ActualOutcome, StoppedBy } from "./types";

export interface ClassifiedError {
  actual: Exclude<ActualOutcome, "allowed">;
  stoppedBy?: StoppedBy;
  /** `Name: message`, one line. */
  error: string;
}

/** Error names AWS gives a key it does not know (yet): DynamoDB and STS spell it differently. */
export const UNRECOGNIZED_CREDENTIALS = new Set(["UnrecognizedClientException", "InvalidClientTokenId"]);

const IAM_DENIAL = /is not authorized to perform: dynamodb:/;
const KMS_DENIAL = /\bKMS\b|AWSKMS|arn:aws[\w-]*:kms:/i;

export function errorName(err: unknown): string {
  if (err instanceof Error) {
    return err.name;
  }
  return typeof err;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    // Node's network errors carry the useful part (ECONNREFUSED 127.0.0.1:4566) in `code`/message.
    const code = (err as Error & { code?: unknown }).code;
    const message = err.message || (typeof code === "string" ? code : "");
    return message.replace(/\s+/g, " ").trim();
  }
  return String(err);
}

export function classifyError(err: unknown): ClassifiedError {
  const name = errorName(err);
  const message = errorMessage(err);
  const error = message ? `${name}: ${message}` : name;
  if (name === "AccessDeniedException" || name === "AccessDenied") {
    // IAM first: its message names the dynamodb action; a KMS denial never does.
    if (IAM_DENIAL.test(message)) {
      return { actual: "denied-by-iam", stoppedBy: "iam", error };
    }
    if (KMS_DENIAL.test(message)) {
      return { actual: "denied-by-kms", stoppedBy: "kms", error };
    }
    return { actual: "denied-other", stoppedBy: "other", error };
  }
  return { actual: "error", error };
}
