/**
 * The evaluator's public vocabulary: requests, request contexts, policy sets and results.
 *
 * The evaluation follows the IAM User Guide ("Policy evaluation logic", "How AWS enforcement code logic
 * evaluates requests to allow or deny access", "Cross-account policy evaluation logic"), the AWS
 * Organizations User Guide (SCPs, RCPs) and the KMS Developer Guide ("Key policies in AWS KMS").
 */
import type { PolicyCore } from "./compilePolicy";

/** A key the request context does not hold: conditions on it behave as on a missing key. */
export const ABSENT: unique symbol = Symbol("ABSENT");
/**
 * A key whose value the caller cannot fix: request-dependent in a static proof, or a key the sandbox does
 * not compute. A condition on it is unknown, never silently true or false.
 */
export const UNKNOWN: unique symbol = Symbol("UNKNOWN");

/**
 * A key's value in the request context: a string for a single-valued key, an array for a multivalued key
 * (the "ArrayOf" types of the Service Authorization Reference; IAM User Guide, "Single-valued vs.
 * multivalued condition keys"), ABSENT or UNKNOWN.
 */
export type ContextValue = string | readonly string[] | typeof ABSENT | typeof UNKNOWN;

/**
 * What the request context holds. Keys are asked in lower case (condition key names are case-insensitive).
 * A context must answer the same for a key every time it is asked (build one per request, or share one
 * whose answers never change): compiled policies remember the last context they resolved variables for.
 */
export interface RequestContext {
  get(lowerCaseKey: string): ContextValue;
}

/**
 * The policy types of the IAM User Guide ("Policy types"). A resource-based policy is "resource";
 * "kms-key" and "role-trust" are resource-based policies with their own rules (a key policy and a role
 * trust policy must allow the principal themselves: "How AWS enforcement code logic evaluates requests").
 */
export type PolicyKind =
  "identity" | "boundary" | "session" | "scp" | "rcp" | "resource" | "kms-key" | "role-trust";

/** The policy type an AccessDenied message names (IAM User Guide, "Troubleshoot access denied error messages"). */
export type DeniedBy = "identity" | "resource" | "boundary" | "session" | "scp" | "rcp";

/**
 * Who makes the request.
 * - `user`: an IAM user (`arn:aws:iam::ACCOUNT:user/NAME`);
 * - `root`: the account root user (`arn:aws:iam::ACCOUNT:root`);
 * - `assumed-role`: a role session (an STS ARN of that resource type: ROLE/SESSION), with `roleArn`;
 * - `federated-user`: a GetFederationToken session (`arn:aws:sts::ACCOUNT:federated-user/NAME`), with
 *   `userArn`, the IAM user who federated;
 * - `service`: an AWS service principal (`arn` is its name, e.g. `dynamodb.amazonaws.com`);
 * - `federated`: a web identity or SAML caller of AssumeRoleWith* (`arn` is the provider);
 * - `anonymous`: an unsigned request.
 */
export type PrincipalKind =
  "user" | "root" | "assumed-role" | "federated-user" | "service" | "federated" | "anonymous";

export interface EvalPrincipal {
  readonly kind: PrincipalKind;
  readonly arn: string;
  /** The principal's account, for every kind but service, federated and anonymous. */
  readonly accountId?: string;
  /** assumed-role: the role's ARN, with its path. */
  readonly roleArn?: string;
  /** federated-user: the IAM user who called GetFederationToken. */
  readonly userArn?: string;
  /** A service-linked role's session: exempt from SCPs and RCPs (Organizations User Guide). */
  readonly serviceLinkedRole?: boolean;
  /** An S3 canonical user id, matched by `"Principal": {"CanonicalUser": ...}`. */
  readonly canonicalUserId?: string;
}

export interface EvalRequest {
  readonly principal: EvalPrincipal;
  /** `service:Action`, e.g. `kms:Decrypt` (matched case-insensitively). */
  readonly action: string;
  /** The resource ARN ("*" for an action without a resource) and the account that owns it. */
  readonly resource: { readonly arn: string; readonly accountId: string };
  readonly context: RequestContext;
}

/**
 * How the resource's own policy takes part:
 * - `kms-key`: a KMS key policy; IAM policies count only where the key policy allows the account (KMS
 *   Developer Guide, "Key policies in AWS KMS", "Default key policy");
 * - `role-trust`: a role trust policy for sts:AssumeRole*, the same rule (IAM User Guide, "How AWS
 *   enforcement code logic evaluates requests": trust policies and key policies "must explicitly allow
 *   access for principals");
 * - `dynamodb`: a resource-based policy with the general rules (a DynamoDB table's resource policy, or
 *   any other);
 * - `none`: the resource has no resource-based policy.
 */
export type ResourceKind = "kms-key" | "role-trust" | "dynamodb" | "none";

/** A compiled policy: its name in results and its compiled content, shared by every copy of the same text. */
export interface CompiledPolicy {
  readonly name: string;
  readonly kind: PolicyKind;
  readonly core: PolicyCore;
}

export interface PolicySet {
  /**
   * The principal's identity-based policies (user, group and role policies), or "unknown": a principal
   * whose policies are not known, taken at worst: they may allow any action and deny none.
   */
  readonly identity: readonly CompiledPolicy[] | "unknown";
  readonly boundary?: CompiledPolicy;
  /** Session policies (inline and managed) of a role or federated user session. */
  readonly session?: readonly CompiledPolicy[];
  /** SCPs of the principal's account, one list per level: root, each OU, the account. */
  readonly scps?: readonly (readonly CompiledPolicy[])[];
  /**
   * RCPs of the resource's account, one list per level. RCPFullAWSAccess is attached to every level and
   * cannot be detached (IAM User Guide, "How AWS enforcement code logic evaluates requests"), so RCPs
   * only ever deny; list the customer RCPs only.
   */
  readonly rcps?: readonly (readonly CompiledPolicy[])[];
  readonly resource?: CompiledPolicy;
  readonly resourceKind: ResourceKind;
  /** The organization's management account: SCPs do not apply to its principals, RCPs to its resources. */
  readonly managementAccountId?: string;
}

export type Outcome = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "Conditional";

/** A statement that took part in a decision. */
export interface DecidingStatement {
  readonly policy: string;
  readonly policyKind: PolicyKind;
  readonly sid?: string;
  /** 1-based position in the policy's Statement list. */
  readonly index: number;
  readonly effect: "Allow" | "Deny";
  /** Set when whether the statement applies depends on unknown request values. */
  readonly unknown?: true;
}

/**
 * A condition the decision depends on: a condition block entry of a statement that applies or not
 * depending on values the context left UNKNOWN. `values` are the policy's values as written
 * (variables unresolved), so a report can print "allowed when dynamodb:LeadingKeys
 * ForAllValues:StringEquals [${aws:userid}]". For a Resource pattern with a variable of unknown value,
 * `operator` is "Resource" and `values` the pattern.
 */
export interface ResidualCondition {
  readonly policy: string;
  readonly policyKind: PolicyKind;
  readonly sid?: string;
  readonly index: number;
  readonly effect: "Allow" | "Deny";
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

export interface EvalResult {
  readonly outcome: Outcome;
  /**
   * The statements that applied: denying ones for an explicit denial; the allowing ones for an allowed
   * request; for an implicit denial the allowing ones that were not enough (an identity policy under a key
   * policy that does not delegate to the account). Statements of SCPs and RCPs appear only when they deny.
   */
  readonly statements: readonly DecidingStatement[];
  /** For a denial: the policy type AWS names in its message. */
  readonly deniedBy?: DeniedBy;
  /** For a Conditional outcome: what it depends on. */
  readonly conditions?: readonly ResidualCondition[];
  /** Set when the outcome depends on the principal's unknown identity-based policies. */
  readonly dependsOnIdentityPolicies?: true;
}
