/**
 * Reads the policies outside a principal's own (deploy/outsidePolicies.ts) from a deployment's resources:
 * IAM groups with their policies and members, and the organization's SCPs and RCPs with their
 * attachments. The cloud model's builder (deploy/model.ts) calls it with what it already read (the
 * principals, the customer managed policies) and its way of setting a resource aside.
 */
import type { DeployedResource } from "./deployment";
import type { CloudPrincipal } from "./model";
import type {
  CloudGroup,
  CloudOrganization,
  CloudOrganizationPolicy,
  ModelPolicySources,
  OrganizationPolicyType,
  OrganizationTarget,
} from "./outsidePolicies";
import { ORGANIZATION_POLICY_TYPES } from "./outsidePolicies";
import { parentsOf, type CloudOrganizationTree } from "./organizationTree";
import { UnknownValueError, type ResourceValues } from "./resourceValues";

/** The @pulumi/aws types of IAM groups and what gives them policies and members. */
export const GROUP_TYPES = {
  group: "aws:iam/group:Group",
  inlinePolicy: "aws:iam/groupPolicy:GroupPolicy",
  policyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  membership: "aws:iam/groupMembership:GroupMembership",
  userMembership: "aws:iam/userGroupMembership:UserGroupMembership",
} as const;

/** What the model's builder lends the reader. */
export interface PlanReadContext {
  readonly values: ResourceValues;
  readonly accountId: string;
  /** The management account the plan's getOrganization invoke names, if any (Deployment). */
  readonly managementAccountId?: string;
  readonly principals: readonly CloudPrincipal[];
  /** The deployment's resources of one type, in the served region. */
  byType(type: string): DeployedResource[];
  /** Runs `derive`, setting the resource aside (listed with `consequence`) when a value is unknown. */
  settle(resource: DeployedResource, consequence: string, derive: () => void): void;
  /** Runs `derive` for a policy of `target`; a document unknown until deployment makes `target`'s policies unknown. */
  identityPolicy<T extends { unknownPolicies: string[] }>(
    resource: DeployedResource,
    targetOf: () => T,
    add: (target: T) => void,
  ): void;
  /** Attaches a managed policy ARN: known document, or listed as unknown. */
  attach(target: { managedPolicyArns: string[]; unknownPolicies: string[] }, policyArn: string): void;
  /** An error that lists the resource as not deployed, with `reason`. */
  outside(reason: string): Error;
  /** Lists a resource that is read but does not take effect on the stack (not deployed), with `reason`. */
  notApplied(resource: DeployedResource, reason: string): void;
}

/**
 * The plan's IAM groups, with their policies and members. Call after the principals and customer
 * managed policies are read.
 */
function readGroups(context: PlanReadContext): CloudGroup[] {
  const { values } = context;
  const groups: CloudGroup[] = [];
  for (const resource of context.byType(GROUP_TYPES.group)) {
    context.settle(resource, "not deployed: its members get none of its policies", () => {
      groups.push({
        arn: values.string(resource, "outputs", "arn"),
        name: values.physicalName(resource),
        path: values.optionalString(resource, "inputs", "path") ?? "/",
        inlinePolicies: [],
        managedPolicyArns: [],
        unknownPolicies: [],
        members: [],
      });
    });
  }
  const groupNamed = (reference: string, path: string): CloudGroup => {
    const group = groups.find((candidate) => candidate.name === reference || candidate.arn === reference);
    if (group === undefined) {
      throw context.outside(`${path} "${reference}" is not an IAM group the deployment creates`);
    }
    return group;
  };
  const userNamed = (reference: string, path: string): CloudPrincipal => {
    const user = context.principals.find(
      (candidate) =>
        candidate.kind === "user" && (candidate.name === reference || candidate.arn === reference),
    );
    if (user === undefined) {
      throw context.outside(`${path} "${reference}" is not an IAM user the deployment creates`);
    }
    return user;
  };
  for (const resource of context.byType(GROUP_TYPES.inlinePolicy)) {
    context.identityPolicy(
      resource,
      () => groupNamed(values.string(resource, "inputs", "group"), "inputs.group"),
      (group) =>
        group.inlinePolicies.push({
          name:
            values.optionalString(resource, "inputs", "name") ??
            values.optionalString(resource, "outputs", "name") ??
            resource.urn.slice(resource.urn.lastIndexOf("::") + 2),
          document: values.document(resource, "policy"),
        }),
    );
  }
  for (const resource of context.byType(GROUP_TYPES.policyAttachment)) {
    context.identityPolicy(
      resource,
      () => groupNamed(values.string(resource, "inputs", "group"), "inputs.group"),
      (group) => context.attach(group, values.string(resource, "inputs", "policyArn")),
    );
  }
  // aws:iam/policyAttachment:PolicyAttachment's `groups` (its users and roles are the model's).
  for (const resource of context.byType("aws:iam/policyAttachment:PolicyAttachment")) {
    const names = resource.inputs.groups;
    for (const [index] of (Array.isArray(names) ? names : []).entries()) {
      context.identityPolicy(
        resource,
        () => {
          const list = values.value(resource, "inputs", "groups") as unknown[];
          return groupNamed(String(list[index]), `inputs.groups[${index}]`);
        },
        (group) => context.attach(group, values.string(resource, "inputs", "policyArn")),
      );
    }
  }
  const join = (group: CloudGroup, user: CloudPrincipal) => {
    if (!group.members.includes(user.arn)) {
      group.members.push(user.arn);
    }
  };
  for (const resource of context.byType(GROUP_TYPES.membership)) {
    context.settle(resource, "not applied: its users get none of the group's policies", () => {
      const group = groupNamed(values.string(resource, "inputs", "group"), "inputs.group");
      const users = (values.value(resource, "inputs", "users") as unknown[] | undefined) ?? [];
      for (const [index, user] of users.entries()) {
        join(group, userNamed(String(user), `inputs.users[${index}]`));
      }
    });
  }
  for (const resource of context.byType(GROUP_TYPES.userMembership)) {
    context.settle(resource, "not applied: the user gets none of these groups' policies", () => {
      const user = userNamed(values.string(resource, "inputs", "user"), "inputs.user");
      const names = (values.value(resource, "inputs", "groups") as unknown[] | undefined) ?? [];
      for (const [index, name] of names.entries()) {
        join(groupNamed(String(name), `inputs.groups[${index}]`), user);
      }
    });
  }
  return groups;
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
 * (at worst: deploy/outsidePolicies.ts, organizationSpecOf). FullAWSAccess is taken as attached to every level, as AWS attaches it
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

/**
 * A user's or role's permissionsBoundary input (the ARN of a managed policy): set on the principal; a
 * value unknown until deployment makes its policies unknown (decided at worst) instead.
 */
function readBoundary(values: ResourceValues, resource: DeployedResource, principal: CloudPrincipal): void {
  try {
    const boundary = values.optionalString(resource, "inputs", "permissionsBoundary");
    if (boundary !== undefined) {
      principal.permissionsBoundary = boundary;
    }
  } catch (err) {
    if (!(err instanceof UnknownValueError)) {
      throw err;
    }
    principal.unknownPolicies.push(`${resource.urn} (${err.path})`);
  }
}

/**
 * Boundaries whose documents the model cannot read (a policy made outside the program, an AWS managed
 * policy the sandbox holds no copy of) make their principal's policies unknown, decided at worst.
 */
function settleBoundaries(
  principals: readonly CloudPrincipal[],
  known: (policyArn: string) => boolean,
): void {
  for (const principal of principals) {
    if (principal.permissionsBoundary !== undefined && !known(principal.permissionsBoundary)) {
      principal.unknownPolicies.push(principal.permissionsBoundary);
      delete principal.permissionsBoundary;
    }
  }
}

/** The stack account's parents from the root down, when the organization's structure places it. */
function placementOf(tree: CloudOrganizationTree | undefined, accountId: string): string[] | undefined {
  const account = tree?.accounts.find((candidate) => candidate.id === accountId);
  return tree === undefined || account === undefined ? undefined : parentsOf(tree, account.parentId);
}

/** Every resource type through which a plan declares a policy source (the model serves them). */
export function policySourceTypes(): string[] {
  return [...Object.values(GROUP_TYPES), ...Object.values(ORGANIZATION_TYPES)];
}

/**
 * The policy sources a plan declares, as the model's fields (ModelPolicySources): its groups, then the
 * organization's SCPs and RCPs, placed by the organization's structure, which `readTree` reads in between
 * (the model keeps it: deploy/organizationTree.ts). Call after the principals and customer managed
 * policies are read.
 */
export function readPolicySources(
  context: PlanReadContext,
  readTree: () => CloudOrganizationTree | undefined,
): { readonly sources: ModelPolicySources; readonly organizationTree?: CloudOrganizationTree } {
  const groups = readGroups(context);
  const organizationTree = readTree();
  const organization = readOrganization(context, organizationTree);
  return {
    sources: {
      ...(groups.length === 0 ? {} : { groups }),
      ...(organization === undefined ? {} : { organization }),
    },
    ...(organizationTree === undefined ? {} : { organizationTree }),
  };
}

/** Reads a user's or role's own fields of the policy sources (its boundary) from its resource. */
export function readPrincipalSources(
  values: ResourceValues,
  resource: DeployedResource,
  principal: CloudPrincipal,
): void {
  readBoundary(values, resource, principal);
}

/**
 * Once the customer managed policies are read: a principal's source fields whose documents the model
 * cannot read make its policies unknown (decided at worst).
 */
export function settlePrincipalSources(
  principals: readonly CloudPrincipal[],
  known: (policyArn: string) => boolean,
): void {
  settleBoundaries(principals, known);
}
