/**
 * The policies that decide a principal's requests beside its own identity policies, compiled for the
 * evaluator: its groups' policies, its permissions boundary, and the organization's SCPs and RCPs. The
 * Authorizer (./authorizer.ts) asks this module what a principal's policy set holds; the evaluation itself
 * (./evaluation/evaluate.ts) combines them as the IAM User Guide's "How AWS enforcement code logic
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
 * The fields of a principal's spec (PrincipalSpec extends it) that bring policies beside its own: one per
 * source. Each has its compiler in SOURCES below, which the type check holds to these fields.
 */
export interface PrincipalSourceFields {
  /** A user's IAM groups: their policies are identity-based policies of the user. */
  readonly groups?: readonly GroupSpec[];
  /**
   * The ARN of the managed policy that is the principal's permissions boundary (AWS managed, or customer
   * managed with its document in `customerManagedPolicies`); a role's sessions have it too.
   */
  readonly permissionsBoundary?: string;
}

/** What the sources add to a principal's policy set: identity-based policies beside its own, a boundary. */
export interface PrincipalSourceParts {
  readonly identity: readonly CompiledPolicy[];
  readonly boundary?: CompiledPolicy;
}

/** An IAM group of a user, as the engine holds it: its identity-based policies. */
export interface GroupSpec {
  readonly name: string;
  readonly inlinePolicies?: readonly { readonly name: string; readonly document: PolicyDocument | string }[];
  /** AWS managed ones, or customer managed ones whose documents are in the user's `customerManagedPolicies`. */
  readonly managedPolicyArns?: readonly string[];
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

/**
 * The identity-based policies a user has through its groups: "You can attach an identity-based policy to
 * a user group so that all of the users in the user group receive the policy's permissions" (IAM User
 * Guide, "IAM user groups", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html). Named
 * "group:GROUP/inline:NAME" and "group:GROUP/POLICY_ARN" in decisions.
 */
function groupIdentityPolicies(spec: PrincipalSpec): CompiledPolicy[] {
  const account = spec.arn.split(":")[4] ?? "";
  return (spec.groups ?? []).flatMap((group) => {
    const inline = (group.inlinePolicies ?? []).map((entry) => ({
      name: entry.name,
      document: parsePolicyDocument(
        entry.document,
        `group ${group.name} inline policy ${entry.name}`,
        "MalformedPolicyDocument",
      ),
    }));
    // A group's inline policies together are held to IAM's quota for groups, as PutGroupPolicy does.
    checkInlinePoliciesSize(
      `arn:aws:iam::${account}:group/${group.name}`,
      inline.map((entry) => entry.document),
    );
    return [
      ...inline.map((entry) =>
        compiled(
          entry.document,
          `group:${group.name}/inline:${entry.name}`,
          "identity",
          "MalformedPolicyDocument",
        ),
      ),
      ...(group.managedPolicyArns ?? []).map((policyArn) =>
        compiled(
          managedDocument(spec, policyArn),
          `group:${group.name}/${policyArn}`,
          "identity",
          "MalformedPolicyDocument",
        ),
      ),
    ];
  });
}

/**
 * The principal's permissions boundary, compiled: "An entity's permissions boundary allows it to perform
 * only the actions that are allowed by both its identity-based policies and its permissions boundaries"
 * (IAM User Guide, "Permissions boundaries for IAM entities",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html). Named
 * "boundary:POLICY_ARN" in decisions.
 */
function boundaryPolicy(spec: PrincipalSpec): CompiledPolicy | undefined {
  return spec.permissionsBoundary === undefined
    ? undefined
    : compiled(
        managedDocument(spec, spec.permissionsBoundary),
        `boundary:${spec.permissionsBoundary}`,
        "boundary",
        "MalformedPolicyDocument",
      );
}

/**
 * Each source's compiler, by its field of PrincipalSourceFields (a field without one fails the type
 * check): the policies it adds to the principal's set. Identity-based ones are compiled only when the
 * principal's identity is known (unknown ones are taken at worst whatever they hold).
 */
const SOURCES: {
  readonly [Field in keyof Required<PrincipalSourceFields>]: (
    spec: PrincipalSpec,
    identityKnown: boolean,
  ) => Partial<PrincipalSourceParts>;
} = {
  groups: (spec, identityKnown) => (identityKnown ? { identity: groupIdentityPolicies(spec) } : {}),
  permissionsBoundary: (spec) => {
    const boundary = boundaryPolicy(spec);
    return boundary === undefined ? {} : { boundary };
  },
};

/**
 * The policies every source adds to `spec`'s policy set, compiled (AwsError MalformedPolicyDocument or
 * NoSuchEntity for one IAM would refuse). The Authorizer places them: identity-based policies beside the
 * principal's own, the boundary over them (IAM User Guide, "Policy evaluation logic").
 */
export function principalSourceParts(spec: PrincipalSpec, identityKnown: boolean): PrincipalSourceParts {
  const identity: CompiledPolicy[] = [];
  let boundary: CompiledPolicy | undefined;
  for (const compile of Object.values(SOURCES)) {
    const parts = compile(spec, identityKnown);
    identity.push(...(parts.identity ?? []));
    if (parts.boundary !== undefined) {
      if (boundary !== undefined) {
        // IAM gives an entity one permissions boundary ("Permissions boundaries for IAM entities").
        throw new Error(`principal ${spec.arn}: two policy sources set its permissions boundary`);
      }
      boundary = parts.boundary;
    }
  }
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
