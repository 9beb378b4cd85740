/**
 * The policies that decide a principal's requests beside its own: the policies of the IAM groups a user is
 * in, the permissions boundary of a user or role, and the organization's service control policies (SCPs)
 * and resource control policies (RCPs). The cloud model holds them (deploy/model.ts: `groups`,
 * `CloudPrincipal.permissionsBoundary`, `organization`), filled from a plan here, or from an account's
 * data; the engine reads them from the model (deploy/stack.ts, through principalSourcesOf here), so the
 * sandbox and the static proof see the same ones.
 *
 * IAM User Guide, "Policy evaluation logic" and "How AWS enforcement code logic evaluates requests to
 * allow or deny access" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html):
 * group policies are identity-based policies of each member; a boundary limits what identity-based
 * policies grant; SCPs limit the principals of the accounts they apply to, RCPs the resources.
 */
import type { OrganizationSpec, PrincipalSourceFields, SourcePolicy } from "../iam/policySources";

/** The model's fields of the policy sources: CloudModel (deploy/model.ts) extends it. */
export interface ModelPolicySources {
  /** IAM groups, their policies and members. Absent: none. */
  groups?: CloudGroup[];
  /** The organization's SCPs and RCPs and where the stack's account is. Absent: none. */
  organization?: CloudOrganization;
}

/** A principal's fields of the policy sources: CloudPrincipal (deploy/model.ts) extends it. */
export interface PrincipalPolicySources {
  /**
   * The ARN of the managed policy set as its permissions boundary (`permissionsBoundary`; IAM User Guide,
   * "Permissions boundaries for IAM entities"). Its document is the model's (`policies`) or the sandbox's
   * copy of an AWS managed policy; one the sandbox cannot read is listed in `unknownPolicies` instead.
   */
  permissionsBoundary?: string;
}

/** An IAM group: its identity-based policies apply to every member user (IAM User Guide, "IAM user groups"). */
export interface CloudGroup {
  arn: string;
  name: string;
  /** The IAM path, "/" unless given. */
  path: string;
  /** Inline group policies (aws.iam.GroupPolicy; GetGroupPolicy), documents as JSON text. */
  inlinePolicies: { name: string; document: string }[];
  /** Attached managed policies (aws.iam.GroupPolicyAttachment, PolicyAttachment `groups`). */
  managedPolicyArns: string[];
  /**
   * Policies whose documents cannot be known (an AWS managed policy the sandbox holds no copy of, a value
   * unknown until deployment): every member's identity-based policies are then unknown (taken at worst).
   */
  unknownPolicies: string[];
  /** The ARNs of its member users (aws.iam.GroupMembership, aws.iam.UserGroupMembership). */
  members: string[];
}

/** The two organization policy types that take part in authorization (Organizations API, Policy Type). */
export const ORGANIZATION_POLICY_TYPES = ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] as const;

export type OrganizationPolicyType = (typeof ORGANIZATION_POLICY_TYPES)[number];

/** What an organization policy can be attached to (Organizations API, ListTargetsForPolicy: TargetType). */
export type OrganizationTargetType = "ROOT" | "ORGANIZATIONAL_UNIT" | "ACCOUNT";

export interface OrganizationTarget {
  /** `r-…` for a root, `ou-…` for an OU, the 12-digit id for an account. */
  id: string;
  type: OrganizationTargetType;
}

/** An SCP or RCP (aws.organizations.Policy; DescribePolicy), with the targets it is attached to. */
export interface CloudOrganizationPolicy {
  /** `p-…`; AWS's own: p-FullAWSAccess, p-RCPFullAWSAccess. */
  id: string;
  name: string;
  type: OrganizationPolicyType;
  /** The policy document, JSON text. */
  document: string;
  /** Whether AWS made it (FullAWSAccess, RCPFullAWSAccess), not the organization. */
  awsManaged: boolean;
  /** The ids of the targets it is attached to (aws.organizations.PolicyAttachment targetId). */
  targets: string[];
}

/**
 * The organization the stack's account is in, as far as the plan or the account data tells it. A policy
 * applies to the stack's account exactly when one of its `targets` is on `path` (an SCP or RCP attached
 * to a root or OU applies to every account under it: Organizations User Guide, "Inheritance for
 * authorization policies").
 */
export interface CloudOrganization {
  /**
   * The management account: SCPs do not affect its principals, RCPs its resources (Organizations User
   * Guide, "Service control policies (SCPs)", "Resource control policies (RCPs)"). Undefined: not known;
   * the engine then takes the stack's account to be it, so the SCPs and RCPs do not apply (at worst:
   * a guardrail left out only allows more).
   */
  managementAccountId?: string;
  /** The stack's account's place, from the root down: the root, each OU, the account itself. */
  path: OrganizationTarget[];
  policies: CloudOrganizationPolicy[];
}

/** The SCPs or RCPs that apply to the stack's account, one list per level of `path` (root first). */
export function policiesByLevel(
  organization: CloudOrganization,
  type: OrganizationPolicyType,
): CloudOrganizationPolicy[][] {
  return organization.path.map((target) =>
    organization.policies.filter((policy) => policy.type === type && policy.targets.includes(target.id)),
  );
}

/** Whether an organization policy applies to the stack's account (one of its targets is on the path). */
export function appliesToAccount(organization: CloudOrganization, policy: CloudOrganizationPolicy): boolean {
  return organization.path.some((target) => policy.targets.includes(target.id));
}

/**
 * The groups each user is in, indexed by member once: account data holds thousands of users in dozens of
 * groups, and a search of every group's members per user grows with their product. For groups that do
 * not change while it is used.
 */
export function groupsByMember(
  groups: readonly CloudGroup[] | undefined,
): (userArn: string) => readonly CloudGroup[] {
  const index = new Map<string, CloudGroup[]>();
  for (const group of groups ?? []) {
    // A member listed twice in one group is in it once.
    for (const member of new Set(group.members)) {
      const found = index.get(member);
      if (found === undefined) {
        index.set(member, [group]);
      } else {
        found.push(group);
      }
    }
  }
  return (userArn) => index.get(userArn) ?? [];
}

/**
 * The engine's view of the organization for the stack's account (sandbox/iam/policySources.ts): its SCPs
 * and RCPs by level, named "scp:NAME" and "rcp:NAME" in decisions. RCPFullAWSAccess is left out: it only
 * allows, and RCPs only ever deny beside it (IAM User Guide, "How AWS enforcement code logic evaluates
 * requests to allow or deny access").
 */
export function organizationSpecOf(
  accountId: string,
  organization: CloudOrganization | undefined,
): OrganizationSpec | undefined {
  if (organization === undefined) {
    return undefined;
  }
  const levels = (type: OrganizationPolicyType, prefix: string) =>
    policiesByLevel(organization, type).map((level) =>
      level
        .filter((policy) => !(type === "RESOURCE_CONTROL_POLICY" && policy.awsManaged))
        .map((policy) => ({ name: `${prefix}:${policy.name}`, document: policy.document })),
    );
  const scps = levels("SERVICE_CONTROL_POLICY", "scp");
  return {
    accountId,
    // Not known: the stack's account is taken to be the management account (at worst).
    managementAccountId: organization.managementAccountId ?? accountId,
    // No SCP at all: SCPs are not in use, nothing to gate on.
    scps: scps.some((level) => level.length > 0) ? scps : [],
    rcps: levels("RESOURCE_CONTROL_POLICY", "rcp"),
  };
}

/** What the policy sources give the engine's spec of one principal of the model. */
export interface PrincipalSourcesSpec {
  /** The spec's source field (sandbox/iam/policySources.ts), set only when a source adds a policy. */
  readonly fields: PrincipalSourceFields;
  /** The managed policies the sources attach: the spec carries the customer managed ones' documents. */
  readonly managedPolicyArns: readonly string[];
  /** Their policies whose documents are not known: the principal's identity is then unknown. */
  readonly unknownPolicies: readonly string[];
}

/** One source's part of a principal's spec: the engine's generic parts, named as decisions name them. */
interface SourcePart {
  readonly identity?: readonly SourcePolicy[];
  readonly boundary?: SourcePolicy;
  readonly managedPolicyArns?: readonly string[];
  readonly unknownPolicies?: readonly string[];
}

/**
 * A group's policies as the engine takes them: identity-based policies of each member (IAM User Guide,
 * "IAM user groups", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html), named
 * "group:GROUP/inline:NAME" and "group:GROUP/POLICY_ARN"; its inline ones held together to IAM's quota for
 * a group (the holder's ARN, in the member's account).
 */
function groupPolicies(principalArn: string, group: CloudGroup): SourcePolicy[] {
  const account = principalArn.split(":")[4] ?? "";
  const holderArn = `arn:aws:iam::${account}:group/${group.name}`;
  return [
    ...group.inlinePolicies.map((entry) => ({
      name: `group:${group.name}/inline:${entry.name}`,
      document: entry.document,
      label: `group ${group.name} inline policy ${entry.name}`,
      holderArn,
    })),
    ...group.managedPolicyArns.map((policyArn) => ({
      name: `group:${group.name}/${policyArn}`,
      managedPolicyArn: policyArn,
      holderArn,
    })),
  ];
}

/**
 * The engine's parts of the policy sources, for each principal of `model`: the one mapping from the model
 * to the engine, used by the sandbox (deploy/stack.ts) and the static proof.
 */
export function principalSourcesOf(
  model: ModelPolicySources,
): (principal: { readonly arn: string } & PrincipalPolicySources) => PrincipalSourcesSpec {
  const groupsOf = groupsByMember(model.groups);
  const sources: readonly ((principal: { readonly arn: string } & PrincipalPolicySources) => SourcePart)[] = [
    (principal) => {
      const groups = groupsOf(principal.arn);
      return {
        identity: groups.flatMap((group) => groupPolicies(principal.arn, group)),
        managedPolicyArns: groups.flatMap((group) => group.managedPolicyArns),
        unknownPolicies: groups.flatMap((group) => group.unknownPolicies),
      };
    },
    // "Permissions boundaries for IAM entities"
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html), "boundary:ARN".
    (principal) =>
      principal.permissionsBoundary === undefined
        ? {}
        : {
            boundary: {
              name: `boundary:${principal.permissionsBoundary}`,
              managedPolicyArn: principal.permissionsBoundary,
            },
            managedPolicyArns: [principal.permissionsBoundary],
          },
  ];
  return (principal) => {
    const identity: SourcePolicy[] = [];
    let boundary: SourcePolicy | undefined;
    const managedPolicyArns: string[] = [];
    const unknownPolicies: string[] = [];
    for (const partOf of sources) {
      const part = partOf(principal);
      identity.push(...(part.identity ?? []));
      if (part.boundary !== undefined) {
        if (boundary !== undefined) {
          // IAM gives an entity one permissions boundary ("Permissions boundaries for IAM entities").
          throw new Error(`principal ${principal.arn}: two policy sources set its permissions boundary`);
        }
        boundary = part.boundary;
      }
      managedPolicyArns.push(...(part.managedPolicyArns ?? []));
      unknownPolicies.push(...(part.unknownPolicies ?? []));
    }
    const fields: PrincipalSourceFields =
      identity.length === 0 && boundary === undefined
        ? {}
        : { sourcePolicies: { identity, ...(boundary === undefined ? {} : { boundary }) } };
    return { fields, managedPolicyArns, unknownPolicies };
  };
}
