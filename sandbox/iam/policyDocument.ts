import { AwsError } from "../errors";
import type { PolicyDocument, PolicyStatement } from "./types";

/**
 * Parses and checks the shape of a policy document (a key policy or an identity policy), as IAM and KMS
 * do before they store one: JSON, a Statement list, each with Effect Allow or Deny and Action or NotAction.
 * Errors are MalformedPolicyDocument(Exception), naming the field and what is wrong.
 *
 * @param text the policy as JSON text, or an already parsed object (the plan holds strings)
 * @param field where the policy came from, for the message (e.g. "aws:kms/key:Key dev-key.policy")
 * @param errorCode "MalformedPolicyDocumentException" for KMS, "MalformedPolicyDocument" for IAM
 */
/**
 * Quotas on policy documents, checked where AWS checks them:
 * - a KMS key policy is at most 32,768 bytes (AWS KMS Developer Guide, "Resource quotas", key policy
 *   document size; KMS API reference, CreateKey and PutKeyPolicy, Policy: "Maximum length of 32768"),
 *   a constraint on the request, so ValidationException before the policy is read;
 * - a user's inline policies together are at most 2,048 characters, a role's 10,240, a group's 5,120,
 *   white space not counted (IAM User Guide, "IAM and AWS STS quotas"), refused with LimitExceeded by
 *   PutUserPolicy (PutRolePolicy, PutGroupPolicy).
 */
export const KEY_POLICY_MAX_BYTES = 32_768;
export const INLINE_POLICY_MAX_CHARS = { user: 2_048, role: 10_240, group: 5_120 } as const;

/** ValidationException as KMS's request validation words it, for a key policy over the quota. */
export function checkKeyPolicySize(text: unknown): void {
  const policy = typeof text === "string" ? text : JSON.stringify(text);
  if (Buffer.byteLength(policy) > KEY_POLICY_MAX_BYTES) {
    // AWS quotes the value in this message; a 32 KB policy is left out.
    throw new AwsError(
      "ValidationException",
      "1 validation error detected: Value at 'policy' failed to satisfy constraint: " +
        `Member must have length less than or equal to ${KEY_POLICY_MAX_BYTES}`,
    );
  }
}

/** LimitExceeded when a user's (or role's) inline policies together pass IAM's quota. */
export function checkInlinePoliciesSize(principalArn: string, documents: readonly PolicyDocument[]): void {
  const match = /:(user|role|group)\/(?:.*\/)?([^/]+)$/.exec(principalArn);
  if (match === null) {
    return;
  }
  const kind = match[1] as keyof typeof INLINE_POLICY_MAX_CHARS;
  const limit = INLINE_POLICY_MAX_CHARS[kind];
  // Minified JSON: the document without the white space IAM does not count.
  const size = documents.reduce((total, document) => total + JSON.stringify(document).length, 0);
  if (size > limit) {
    throw new AwsError(
      "LimitExceeded",
      `Maximum policy size of ${limit} bytes exceeded for ${kind} ${match[2]}`,
      409,
    );
  }
}

export function parsePolicyDocument(
  text: unknown,
  field: string,
  errorCode: "MalformedPolicyDocumentException" | "MalformedPolicyDocument",
): PolicyDocument {
  let value = text;
  if (typeof text === "string") {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new AwsError(errorCode, `${field}: the policy is not valid JSON (${(error as Error).message})`);
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AwsError(
      errorCode,
      `${field}: the policy must be a JSON object, received ${JSON.stringify(value)}`,
    );
  }
  const statement = (value as { Statement?: unknown }).Statement;
  const statements = Array.isArray(statement) ? statement : [statement];
  if (statement === undefined || statements.length === 0) {
    throw new AwsError(errorCode, `${field}: the policy has no Statement`);
  }
  statements.forEach((entry, index) => checkStatement(entry, `${field}.Statement[${index}]`, errorCode));
  return value as PolicyDocument;
}

function checkStatement(entry: unknown, path: string, errorCode: string): void {
  if (typeof entry !== "object" || entry === null) {
    throw new AwsError(
      errorCode,
      `${path}: a statement must be an object, received ${JSON.stringify(entry)}`,
    );
  }
  const statement = entry as Partial<PolicyStatement>;
  if (statement.Effect !== "Allow" && statement.Effect !== "Deny") {
    throw new AwsError(
      errorCode,
      `${path}.Effect: ${JSON.stringify(statement.Effect)} is not "Allow" or "Deny"`,
    );
  }
  if (statement.Action === undefined && statement.NotAction === undefined) {
    throw new AwsError(errorCode, `${path}: the statement has neither Action nor NotAction`);
  }
}

/** The statements of a document as a list (a document may hold a single statement object). */
export function statementsOf(document: PolicyDocument): PolicyStatement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}
