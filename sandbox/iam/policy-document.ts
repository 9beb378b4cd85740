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
