/**
 * DynamoDB tables' resource-based policies as the access engine reads them: the policy of the table a
 * request's resource belongs to (the table, or one of its indexes), compiled once per revision, taking part
 * in the decision as a resource-based policy of kind "dynamodb".
 *
 * DynamoDB Developer Guide, "Using resource-based policies for DynamoDB"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html):
 * a table's policy grants access to it and its indexes; within an account, "an explicit allow in either the
 * identity-based policy or the resource-based policy" is enough, and an explicit deny in either refuses.
 * IAM User Guide, "Cross-account policy evaluation logic"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html):
 * a principal of another account needs both its identity-based policy and the resource-based policy to
 * allow. The evaluator (./evaluation) decides both cases; this module only supplies the table's policy.
 */
import { AwsError } from "../errors";
import { compilePolicy, MalformedPolicyDocumentError } from "./evaluation";
import type { CompiledPolicy } from "./evaluation/types";
import type { PolicyDocument } from "./types";
import { parsePolicyDocument } from "./policyDocument";

/** A table's resource-based policy as deployed or put: its text and its revision. */
export interface TablePolicy {
  readonly document: string;
  /** Changes with every change of the policy (PutResourcePolicy's RevisionId). */
  readonly revisionId: string;
}

/** Where the authorizer reads a table's policy: the deployed stack's tables. */
export interface TablePolicySource {
  /** The policy of the table of this table ARN, or undefined when it has none. */
  tablePolicy(tableArn: string): TablePolicy | undefined;
}

/** A resource-based policy as one decision reads it (the authorizer's resource side). */
export interface TablePolicySide {
  readonly policy?: CompiledPolicy;
  readonly kind: "dynamodb" | "none";
  readonly id: string;
}

const NO_POLICY: TablePolicySide = { kind: "none", id: "" };

/** The table ARN of a table or index ARN (arn:...:table/NAME[/index/INDEX]); the ARN itself otherwise. */
export function tableArnOf(resourceArn: string): string {
  const match = /^(arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/[^/]+)(\/.*)?$/.exec(resourceArn);
  return match === null ? resourceArn : match[1];
}

/** The compiled policies of the tables, by table ARN, kept while their revision stays. */
export class TablePolicySides {
  private readonly compiled = new Map<
    string,
    { readonly revisionId: string; readonly side: TablePolicySide }
  >();

  constructor(private readonly source: TablePolicySource | undefined) {}

  /** The policy side of a request on `resourceArn` ("*" and ARNs of no table have none). */
  side(resourceArn: string): TablePolicySide {
    if (this.source === undefined || resourceArn === "*") {
      return NO_POLICY;
    }
    const tableArn = tableArnOf(resourceArn);
    const policy = this.source.tablePolicy(tableArn);
    if (policy === undefined) {
      return NO_POLICY;
    }
    const known = this.compiled.get(tableArn);
    if (known !== undefined && known.revisionId === policy.revisionId) {
      return known.side;
    }
    const side = sideOf(tableArn, policy);
    this.compiled.set(tableArn, { revisionId: policy.revisionId, side });
    return side;
  }
}

/** A policy not (yet) attached, as a decision would read it: PutResourcePolicy's self-access check. */
export function sideOf(tableArn: string, policy: TablePolicy): TablePolicySide {
  return {
    policy: compileTablePolicy(policy.document, tableArn),
    kind: "dynamodb",
    id: `table\n${tableArn}\n${policy.revisionId}`,
  };
}

/**
 * A table policy as DynamoDB accepts it: a policy document the evaluator reads; anything else is
 * DynamoDB's ValidationException naming the problem (API reference, PutResourcePolicy).
 */
export function compileTablePolicy(document: string, tableArn: string): CompiledPolicy {
  try {
    const parsed: PolicyDocument = parsePolicyDocument(
      document,
      `resource policy of ${tableArn}`,
      "MalformedPolicyDocument",
    );
    return compilePolicy(parsed, `resource policy of ${tableArn}`, "resource");
  } catch (err) {
    if (err instanceof MalformedPolicyDocumentError || err instanceof AwsError) {
      throw new AwsError("ValidationException", `Invalid policy document: ${err.message}`);
    }
    throw err;
  }
}
