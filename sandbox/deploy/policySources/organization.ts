/**
 * The organization's service control policies (SCPs) and resource control policies (RCPs) as a policy
 * source: SCPs limit the principals of the accounts they apply to, RCPs the resources (IAM User Guide, "How
 * AWS enforcement code logic evaluates requests to allow or deny access",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html).
 * The model's `organization` (and the organization's structure, `organizationTree`, that places the
 * stack's account), read from a plan here or from account data; the engine takes them per account
 * (organizationSpecOf), not per principal.
 */
import type { OrganizationSpec } from "../../iam/policySources";
import type { DeployedResource } from "../deployment";
import { parentsOf, readOrganizationTree, type CloudOrganizationTree } from "../organizationTree";
import type { PlanReadContext, PolicySource } from "./source";

/** The model's fields of this source: CloudModel has them (./index.ts). */
export interface OrganizationModel {
  /** The organization's SCPs and RCPs and where the stack's account is. Absent: none. */
  organization?: CloudOrganization;
  /** The organization's id, root, OUs and member accounts (deploy/organizationTree.ts). Absent: none known. */
  organizationTree?: CloudOrganizationTree;
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

/** The @pulumi/aws types of the organization, its policies and their attachments. */
export const ORGANIZATION_TYPES = {
  organization: "aws:organizations/organization:Organization",
  policy: "aws:organizations/policy:Policy",
  attachment: "aws:organizations/policyAttachment:PolicyAttachment",
} as const;

/** FullAWSAccess, the SCP AWS attaches to every root, OU and account (Organizations User Guide, "Service control policies (SCPs)"). */
const FULL_AWS_ACCESS: CloudOrganizationPolicy = {
  id: "p-FullAWSAccess",
  name: "FullAWSAccess",
  type: "SERVICE_CONTROL_POLICY",
  document: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
  }),
  awsManaged: true,
  targets: [],
};

/**
 * The organization's SCPs and RCPs as far as the plan tells them, or undefined when it has none.
 *
 * Which targets apply to the stack's account: an attachment to the account's own id does; one to a root
 * (`r-…`) does, as every account of an organization is under its root (the plan names one root; an
 * attachment to another root is another organization's); one to another account does not; one to an OU
 * (`ou-…`) cannot be placed, since a plan does not say which OU the stack's account is in: it is listed
 * as not applied. Leaving a guardrail out only allows more, so the static proof stays at worst. The
 * management account is the plan's aws.organizations.Organization's (the account that creates an
 * organization is its management account; its masterAccountId when known), else the one its
 * aws:organizations/getOrganization invoke names; when the plan says neither it is left unknown, and the
 * engine then takes the stack's account to be the management account, which SCPs and RCPs do not affect
 * (at worst: organizationSpecOf below). FullAWSAccess is taken as attached to every level, as AWS attaches it
 * by default and a plan cannot detach it; RCPFullAWSAccess, which cannot be detached, only allows, and
 * RCPs only deny beside it (IAM User Guide, "How AWS enforcement code logic evaluates requests").
 */
function readOrganization(
  context: PlanReadContext,
  tree?: CloudOrganizationTree,
): CloudOrganization | undefined {
  const { values } = context;
  const policies: CloudOrganizationPolicy[] = [];
  for (const resource of context.byType(ORGANIZATION_TYPES.policy)) {
    context.settle(resource, "not applied: the requests it would limit are decided without it", () => {
      const type = values.optionalString(resource, "inputs", "type") ?? "SERVICE_CONTROL_POLICY";
      if (!(ORGANIZATION_POLICY_TYPES as readonly string[]).includes(type)) {
        throw context.outside(
          `a policy of type ${type} takes no part in authorization (only SCPs and RCPs do)`,
        );
      }
      policies.push({
        id: resource.id ?? values.string(resource, "outputs", "id"),
        name: values.physicalName(resource),
        type: type as OrganizationPolicyType,
        document: values.document(resource, "content"),
        awsManaged: false,
        targets: [],
      });
    });
  }
  if (policies.length === 0) {
    return undefined;
  }
  let managementAccountId = context.managementAccountId;
  let rootId: string | undefined;
  for (const resource of context.byType(ORGANIZATION_TYPES.organization)) {
    context.settle(resource, "the stack's account is taken to be a member account", () => {
      managementAccountId =
        values.optionalString(resource, "outputs", "masterAccountId") ?? context.accountId;
      const roots = values.value(resource, "outputs", "roots");
      const first = Array.isArray(roots) ? (roots[0] as { id?: unknown } | undefined) : undefined;
      if (typeof first?.id === "string") {
        rootId = first.id;
      }
    });
  }
  const attachments: { resource: DeployedResource; policy: CloudOrganizationPolicy; targetId: string }[] = [];
  for (const resource of context.byType(ORGANIZATION_TYPES.attachment)) {
    context.settle(resource, "not applied: the requests it would limit are decided without it", () => {
      const policyId = values.string(resource, "inputs", "policyId");
      const policy = policies.find((candidate) => candidate.id === policyId);
      if (policy === undefined) {
        throw context.outside(`inputs.policyId "${policyId}" is not an SCP or RCP the deployment creates`);
      }
      attachments.push({ resource, policy, targetId: values.string(resource, "inputs", "targetId") });
    });
  }
  rootId ??= attachments.find((attachment) => attachment.targetId.startsWith("r-"))?.targetId;
  // Where the organization's structure places the stack's account (deploy/organizationTree.ts): the root
  // and each OU down to it, so an SCP or RCP attached to one of those OUs applies.
  const found = placementOf(tree, context.accountId);
  const placed = found !== undefined && (rootId === undefined || found[0] === rootId) ? found : undefined;
  const path: OrganizationTarget[] =
    placed !== undefined
      ? [
          ...placed.map((id) => ({
            id,
            type: id.startsWith("r-") ? ("ROOT" as const) : ("ORGANIZATIONAL_UNIT" as const),
          })),
          { id: context.accountId, type: "ACCOUNT" },
        ]
      : [
          ...(rootId === undefined ? [] : [{ id: rootId, type: "ROOT" as const }]),
          { id: context.accountId, type: "ACCOUNT" },
        ];
  for (const { resource, policy, targetId } of attachments) {
    policy.targets.push(targetId);
    if (!path.some((target) => target.id === targetId)) {
      context.notApplied(
        resource,
        targetId.startsWith("ou-") && placed === undefined
          ? `attached to the OU ${targetId}: the plan does not say whether the stack's account is in it, so the policy is not applied (at worst)`
          : targetId.startsWith("ou-")
            ? `attached to the OU ${targetId}, which the stack's account ${context.accountId} is not under: it does not apply to the stack`
            : `attached to ${targetId}, not to the stack's account ${context.accountId} nor its root: it does not apply to the stack`,
      );
    }
  }
  return {
    ...(managementAccountId === undefined ? {} : { managementAccountId }),
    path,
    policies: [{ ...FULL_AWS_ACCESS, targets: path.map((target) => target.id) }, ...policies],
  };
}

/** The stack account's parents from the root down, when the organization's structure places it. */
function placementOf(tree: CloudOrganizationTree | undefined, accountId: string): string[] | undefined {
  const account = tree?.accounts.find((candidate) => candidate.id === accountId);
  return tree === undefined || account === undefined ? undefined : parentsOf(tree, account.parentId);
}

/**
 * The organization: its structure (deploy/organizationTree.ts), then its SCPs and RCPs placed by it, read
 * from the plan; the engine takes them per account (deploy/stack.ts, organizationSpecOf).
 */
export const organizationSource: PolicySource<{
  model: OrganizationModel;
  principal: object;
  accountData: object;
  accountUser: object;
  accountRole: object;
}> = {
  name: "SCPs and RCPs",
  planTypes: Object.values(ORGANIZATION_TYPES),
  readPlan: (context) => {
    const organizationTree = readOrganizationTree(context);
    const organization = readOrganization(context, organizationTree);
    return {
      ...(organization === undefined ? {} : { organization }),
      ...(organizationTree === undefined ? {} : { organizationTree }),
    };
  },
};
