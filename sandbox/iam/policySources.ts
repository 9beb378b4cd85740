/**
 * The policies that decide a principal's requests beside its own identity policies, compiled for the
 * evaluator: the generic parts every source maps onto (identity-based policies beside its own, as a
 * group's are; a permissions boundary), and the organization's SCPs and RCPs. The engine names no source
 * that enters through these parts: each source maps its model onto them (sandbox/deploy/policySources/).
 * The Authorizer (./authorizer.ts) asks this module what a principal's policy set holds; the evaluation
 * itself (./evaluation/evaluate.ts) combines them as the IAM User Guide's "How AWS enforcement code logic
 * evaluates requests to allow or deny access" describes
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html):
 * an explicit Deny in any of them denies; RCPs (of the resource's account) and SCPs (of the principal's
 * account) must allow at every level; then identity-based or resource-based policies must allow, within
 * the permissions boundary.
 */
import { AwsError } from "../errors";
import {
  compilePolicy,
  MalformedPolicyDocumentError,
  type CompiledPolicy,
  type PolicyKind,
} from "./evaluation";
import { managedPolicyDocument } from "./managedPolicies";
import { checkInlinePoliciesSize, parsePolicyDocument } from "./policyDocument";
import type { PolicyDocument, PrincipalSpec } from "./types";

/**
 * The field of a principal's spec (PrincipalSpec extends it) that brings the policies beside its own. The
 * engine knows no source by name: each one (IAM groups, a permissions boundary; sandbox/deploy/policySources/)
 * maps its part onto these generic parts, named as decisions name them.
 */
export interface PrincipalSourceFields {
  readonly sourcePolicies?: SourcePolicies;
}

/** The policies the sources add to a principal's set: identity-based ones beside its own, a boundary. */
export interface SourcePolicies {
  /**
   * Identity-based policies beside its own (a group's, named "group:GROUP/inline:NAME" and
   * "group:GROUP/POLICY_ARN"). Those of one holder (`holderArn`) come together: its inline policies are
   * held to IAM's quota for that holder as a whole.
   */
  readonly identity: readonly SourcePolicy[];
  /** The permissions boundary ("boundary:POLICY_ARN"): IAM gives an entity at most one. */
  readonly boundary?: SourcePolicy;
}

/** One policy of a source: an inline document, or a managed policy by ARN. */
export type SourcePolicy = InlineSourcePolicy | ManagedSourcePolicy;

export interface InlineSourcePolicy {
  /** How decisions name it, e.g. "group:readers/inline:prefix". */
  readonly name: string;
  /** Parsed, or JSON text. */
  readonly document: PolicyDocument | string;
  /** What an error about the document calls it, e.g. "group readers inline policy prefix". */
  readonly label: string;
  /**
   * The ARN of the IAM entity that holds it inline (a group): the inline policies of one holder together
   * are held to IAM's quota for its kind (LimitExceeded), as PutGroupPolicy does.
   */
  readonly holderArn?: string;
}

export interface ManagedSourcePolicy {
  /** How decisions name it, e.g. "group:readers/arn:aws:iam::aws:policy/…" or "boundary:arn:…". */
  readonly name: string;
  /**
   * The managed policy: AWS managed, or customer managed with its document in the spec's
   * `customerManagedPolicies`; one neither holds is NoSuchEntity.
   */
  readonly managedPolicyArn: string;
  /** The IAM entity it is attached to, so that it comes with that holder's inline policies. */
  readonly holderArn?: string;
}

/** What the sources add to a principal's policy set, compiled. */
export interface PrincipalSourceParts {
  readonly identity: readonly CompiledPolicy[];
  readonly boundary?: CompiledPolicy;
}

/** One SCP or RCP. */
export interface OrganizationPolicySpec {
  /** How decisions name it: "scp:NAME" or "rcp:NAME". */
  readonly name: string;
  readonly document: PolicyDocument | string;
}

/**
 * The organization policies of one account: its SCPs (limit the account's principals) and RCPs (limit the
 * account's resources), one list per level from the root down (root, each OU, the account).
 */
export interface OrganizationSpec {
  /** The account they apply to. */
  readonly accountId: string;
  /** The organization's management account: SCPs and RCPs do not affect it. */
  readonly managementAccountId?: string;
  readonly scps: readonly (readonly OrganizationPolicySpec[])[];
  readonly rcps: readonly (readonly OrganizationPolicySpec[])[];
}

/** The organization policies compiled, as the policy sets take them. */
export interface CompiledOrganization {
  readonly accountId: string;
  readonly managementAccountId?: string;
  readonly scps: readonly (readonly CompiledPolicy[])[];
  readonly rcps: readonly (readonly CompiledPolicy[])[];
}

/**
 * The services whose resources RCPs apply to, as the Organizations User Guide lists them ("Resource control
 * policies (RCPs)", List of AWS services that support RCPs: Amazon S3, AWS STS, AWS KMS, Amazon SQS, AWS
 * Secrets Manager; https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
 * A request to another service (DynamoDB here) is decided without them: a guardrail left out can only
 * allow more, so the static proof stays at worst.
 */
export const RCP_SERVICES: ReadonlySet<string> = new Set(["s3", "sts", "kms", "sqs", "secretsmanager"]);

/** Compiles a policy; a document the grammar refuses is AWS's error `code`. */
function compiled(document: PolicyDocument, name: string, kind: PolicyKind, code: string): CompiledPolicy {
  try {
    return compilePolicy(document, name, kind);
  } catch (err) {
    if (err instanceof MalformedPolicyDocumentError) {
      throw new AwsError(code, err.message);
    }
    throw err;
  }
}

/** A managed policy's document: the spec's customer managed copy, else the AWS managed one (NoSuchEntity). */
function managedDocument(spec: PrincipalSpec, policyArn: string): PolicyDocument {
  const customer = spec.customerManagedPolicies?.find((policy) => policy.arn === policyArn);
  return customer === undefined
    ? managedPolicyDocument(policyArn)
    : parsePolicyDocument(customer.document, `managed policy ${policyArn}`, "MalformedPolicyDocument");
}

/** A source policy compiled as `kind`; an inline one already parsed is passed in `parsed`. */
function compiledSourcePolicy(
  spec: PrincipalSpec,
  policy: SourcePolicy,
  kind: PolicyKind,
  parsed?: PolicyDocument,
): CompiledPolicy {
  const document =
    "managedPolicyArn" in policy
      ? managedDocument(spec, policy.managedPolicyArn)
      : (parsed ?? parsePolicyDocument(policy.document, policy.label, "MalformedPolicyDocument"));
  return compiled(document, policy.name, kind, "MalformedPolicyDocument");
}

/**
 * Compiles identity-based source policies, one holder's run at a time: its inline documents parsed
 * (MalformedPolicyDocument), held together to IAM's inline quota for the holder (LimitExceeded), then
 * each policy compiled in order (a managed one IAM does not hold is NoSuchEntity).
 */
function identitySourcePolicies(spec: PrincipalSpec, policies: readonly SourcePolicy[]): CompiledPolicy[] {
  const result: CompiledPolicy[] = [];
  let start = 0;
  while (start < policies.length) {
    const holderArn = policies[start]?.holderArn;
    let end = start;
    while (end < policies.length && policies[end]?.holderArn === holderArn) {
      end++;
    }
    const run = policies.slice(start, end);
    const parsed = new Map<SourcePolicy, PolicyDocument>();
    for (const policy of run) {
      if (!("managedPolicyArn" in policy)) {
        parsed.set(policy, parsePolicyDocument(policy.document, policy.label, "MalformedPolicyDocument"));
      }
    }
    if (holderArn !== undefined) {
      checkInlinePoliciesSize(holderArn, [...parsed.values()]);
    }
    for (const policy of run) {
      result.push(compiledSourcePolicy(spec, policy, "identity", parsed.get(policy)));
    }
    start = end;
  }
  return result;
}

/**
 * The policies the sources add to `spec`'s policy set, compiled (AwsError MalformedPolicyDocument,
 * LimitExceeded or NoSuchEntity for one IAM would refuse). Identity-based ones are compiled only when the
 * principal's identity is known (unknown ones are taken at worst whatever they hold). The Authorizer
 * places them: identity-based policies beside the principal's own, the boundary over them (IAM User Guide,
 * "Policy evaluation logic"; "Permissions boundaries for IAM entities",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
 */
export function principalSourceParts(spec: PrincipalSpec, identityKnown: boolean): PrincipalSourceParts {
  const sources = spec.sourcePolicies;
  if (sources === undefined) {
    return { identity: [] };
  }
  const identity = identityKnown ? identitySourcePolicies(spec, sources.identity) : [];
  const boundary =
    sources.boundary === undefined ? undefined : compiledSourcePolicy(spec, sources.boundary, "boundary");
  return { identity, ...(boundary === undefined ? {} : { boundary }) };
}

/** Compiles an account's SCPs and RCPs (MalformedPolicyDocumentException for one Organizations refuses). */
export function compileOrganization(spec: OrganizationSpec): CompiledOrganization {
  const levels = (levelsOf: readonly (readonly OrganizationPolicySpec[])[], kind: "scp" | "rcp") =>
    levelsOf.map((level) =>
      level.map((policy) =>
        compiled(
          parsePolicyDocument(policy.document, policy.name, "MalformedPolicyDocumentException"),
          policy.name,
          kind,
          "MalformedPolicyDocumentException",
        ),
      ),
    );
  return {
    accountId: spec.accountId,
    ...(spec.managementAccountId === undefined ? {} : { managementAccountId: spec.managementAccountId }),
    scps: levels(spec.scps, "scp"),
    rcps: levels(spec.rcps, "rcp"),
  };
}

/**
 * What of the organization's policies a request's policy set holds: the SCPs when the principal is of the
 * account (they "apply to the principals of the account they are attached to"), the RCPs when the
 * resource is of the account and its service supports RCPs (they "apply to the resources of the account
 * they are attached to"): IAM User Guide, "How AWS enforcement code logic evaluates requests to allow or
 * deny access". That SCPs spare the management account and service-linked roles, and RCPs the management
 * account's resources, the evaluator decides (evaluation/evaluate.ts, applicability).
 */
export function organizationPart(
  organization: CompiledOrganization | undefined,
  principalAccount: string,
  resourceAccount: string,
  service: string | undefined,
): {
  readonly scps?: readonly (readonly CompiledPolicy[])[];
  readonly rcps?: readonly (readonly CompiledPolicy[])[];
  readonly managementAccountId?: string;
} {
  if (organization === undefined) {
    return {};
  }
  const scps = principalAccount === organization.accountId && organization.scps.length > 0;
  const rcps =
    resourceAccount === organization.accountId &&
    service !== undefined &&
    RCP_SERVICES.has(service) &&
    organization.rcps.some((level) => level.length > 0);
  return {
    ...(scps ? { scps: organization.scps } : {}),
    ...(rcps ? { rcps: organization.rcps } : {}),
    ...(organization.managementAccountId === undefined
      ? {}
      : { managementAccountId: organization.managementAccountId }),
  };
}

/**
 * Whether a role ARN is a service-linked role's (path /aws-service-role/): SCPs and RCPs do not restrict
 * them (Organizations User Guide, "Service control policies (SCPs)": "SCPs don't affect service-linked
 * roles"; "Resource control policies (RCPs)").
 */
export function isServiceLinkedRoleArn(arn: string): boolean {
  return /^arn:[^:]+:iam::\d{12}:role\/aws-service-role\//.test(arn);
}
