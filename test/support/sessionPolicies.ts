/**
 * Session policies in the access differential test: a role session assumed with an inline session policy
 * (AssumeRole `Policy`) and/or a managed one (`PolicyArns`), and what its cells must answer.
 *
 * The static proof asks about the role, not about one of its sessions, whose session policies it cannot
 * know: its cell is the ceiling. IAM User Guide, "Policy evaluation logic"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html), and
 * "Session policies" (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session):
 * "The resulting session's permissions are the intersection of the identity-based policies of the IAM
 * entity used to create the session and the session policies", and a resource-based policy that names the
 * role (not the session) is limited by the session policy too: the key policies and grants of the
 * generated stacks name roles, never sessions. So a session's answer for a cell is the proof's, AND the
 * session policies allow each IAM action of the request (each kind of part of a transaction) on the table,
 * AND, where the table's key decrypts (an item operation on a customer managed key, or a direct
 * kms:Decrypt), they allow kms:Decrypt on the key. "Allow" is decided by the one engine's evaluator on the
 * session policies alone (sandbox/iam/evaluation: an allow in any of them and a deny in none), apart from
 * the sandbox's request path. A KMS grant is no policy: neither page says whether a session policy limits
 * what a grant to its role allows, so a cell whose answer turns on that (the role holds a grant on the
 * table's key and the session policies do not allow kms:Decrypt) is not compared.
 */
import { checksOf, DIRECT_DECRYPT, usesTableKey, type TableOperation } from "../../access/operations";
import type { AccessCell } from "../../access/types";
import { managedPolicyDocument, type CloudModel } from "../../sandbox/engine";
import {
  compilePolicy,
  contextFrom,
  evaluatePolicy,
  principalFromArn,
  TRUE,
} from "../../sandbox/iam/evaluation";

/** Actions an inline session policy may allow (on every resource). */
export const SESSION_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:DeleteItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DescribeTable",
  "dynamodb:*",
  "kms:Decrypt",
] as const;

/** A session's policies: an inline policy's actions (none: no inline policy), and a managed policy. */
export interface SessionPolicySpec {
  readonly inline?: readonly (typeof SESSION_ACTIONS)[number][];
  /** `read-only`: AmazonDynamoDBReadOnlyAccess (AWS managed; no kms:Decrypt). */
  readonly managed?: "read-only";
  /** The inline policy also denies dynamodb:GetItem. */
  readonly denyGetItem?: boolean;
}

const READ_ONLY_ARN = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess";

/** AssumeRole's `Policy` and `PolicyArns` for `spec`. */
export function sessionPolicyRequest(spec: SessionPolicySpec): {
  readonly policy?: string;
  readonly policyArns?: readonly string[];
} {
  const statements: Record<string, unknown>[] = [];
  if (spec.inline !== undefined && spec.inline.length > 0) {
    statements.push({ Sid: "SessionAllows", Effect: "Allow", Action: [...spec.inline], Resource: "*" });
  }
  if (spec.denyGetItem === true) {
    statements.push({ Sid: "SessionDenies", Effect: "Deny", Action: "dynamodb:GetItem", Resource: "*" });
  }
  return {
    ...(statements.length === 0
      ? {}
      : { policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }),
    ...(spec.managed === "read-only" ? { policyArns: [READ_ONLY_ARN] } : {}),
  };
}

/** Whether the session policies of `request` allow `action` on `resourceArn` for `sessionArn`. */
function allows(
  request: ReturnType<typeof sessionPolicyRequest>,
  sessionArn: string,
  action: string,
  resourceArn: string,
  model: CloudModel,
): boolean {
  const documents = [
    ...(request.policy === undefined ? [] : [request.policy]),
    ...(request.policyArns ?? []).map((arn) => managedPolicyDocument(arn)),
  ];
  const evaluated = documents.map((document, index) =>
    evaluatePolicy(compilePolicy(document, `session-${index}`, "session"), {
      principal: principalFromArn(sessionArn),
      action,
      resource: { arn: resourceArn, accountId: model.accountId },
      context: contextFrom({}),
    }),
  );
  return (
    evaluated.some((result) => result.allow === TRUE) && evaluated.every((result) => result.deny !== TRUE)
  );
}

/**
 * The answer a session with `request`'s session policies must give for `cell`, the proof's cell of its
 * role. A conditional cell is compared only for a request its conditions allow (`satisfying`), for which
 * the role's answer is allowed; otherwise undefined (not compared).
 */
export function sessionCellDecision(
  cell: AccessCell,
  request: ReturnType<typeof sessionPolicyRequest>,
  sessionArn: string,
  model: CloudModel,
  satisfying = false,
  grantOnKey = false,
): string | undefined {
  if (cell.decision === "conditional" && !satisfying) {
    return undefined;
  }
  const decision = cell.decision === "conditional" ? "allowed" : cell.decision;
  const table = model.tables.find((candidate) => candidate.name === cell.table);
  if (table === undefined) {
    throw new Error(`no table ${cell.table}`);
  }
  const keyAllows = () =>
    table.keyArn === undefined || allows(request, sessionArn, "kms:Decrypt", table.keyArn, model);
  const keyRefuses = () => (keyAllows() ? false : grantOnKey ? undefined : true);
  if (cell.operation === DIRECT_DECRYPT) {
    if (decision !== "allowed") {
      return decision;
    }
    const refuses = keyRefuses();
    return refuses === undefined ? undefined : refuses ? "denied-by-kms" : decision;
  }
  if (decision === "denied-by-iam") {
    return decision;
  }
  const operation = cell.operation as TableOperation;
  if (!checksOf(operation).every((check) => allows(request, sessionArn, check.action, table.arn, model))) {
    return "denied-by-iam";
  }
  if (decision === "allowed" && usesTableKey(operation)) {
    const refuses = keyRefuses();
    return refuses === undefined ? undefined : refuses ? "denied-by-kms" : decision;
  }
  return decision;
}
