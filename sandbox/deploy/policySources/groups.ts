/**
 * IAM groups as a policy source: "You can attach an identity-based policy to a user group so that all of
 * the users in the user group receive the policy's permissions" (IAM User Guide, "IAM user groups",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html). The model's `groups`, read from a
 * plan's group resources here (or from account data: access/accountData/), and mapped onto the engine as
 * identity-based policies of each member.
 */
import type { SourcePolicy } from "../../iam/policySources";
import type { CloudPrincipal } from "../model";
import type { JsonFields } from "../../../common/jsonFields";
import type {
  AccountDetailsReader,
  AccountIamEntity,
  AccountMergeContext,
  PlanReadContext,
  PolicySource,
} from "./source";

/** The model's field of this source: CloudModel has it (./index.ts). */
export interface GroupsModel {
  /** IAM groups, their policies and members. Absent: none. */
  groups?: CloudGroup[];
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

/** The @pulumi/aws types of IAM groups and what gives them policies and members. */
export const GROUP_TYPES = {
  group: "aws:iam/group:Group",
  inlinePolicy: "aws:iam/groupPolicy:GroupPolicy",
  policyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  membership: "aws:iam/groupMembership:GroupMembership",
  userMembership: "aws:iam/userGroupMembership:UserGroupMembership",
} as const;

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

/** An IAM group of the account data (GroupDetailList). */
export type AccountGroup = AccountIamEntity;

/** The account data's field of this source: AccountData has it (./index.ts). */
export interface AccountGroupsData {
  readonly groups: readonly AccountGroup[];
}

/** A user's field of this source in the account data: AccountUser has it (./index.ts). */
export interface AccountGroupsUser {
  /** The names of its groups (UserDetail.GroupList). */
  readonly groups: readonly string[];
}

/**
 * The account's groups of get-account-authorization-details: each GroupDetail's fields and its inline
 * policies (GroupPolicyList), kept by ARN across pages (IAM API reference, GroupDetail).
 */
function accountGroupsReader(details: AccountDetailsReader): {
  page(fields: JsonFields): void;
  data(): AccountGroupsData;
} {
  const groups = new Map<string, AccountGroup>();
  return {
    page: (fields) => {
      for (const item of fields.objects("GroupDetailList")) {
        const group: AccountGroup = {
          ...details.entity(item, "group", "GroupName", "GroupId"),
          inlinePolicies: details.inlinePolicies(item, "GroupPolicyList"),
        };
        details.put(groups, group.arn, group, "the group");
      }
    },
    data: () => ({ groups: [...groups.values()] }),
  };
}

/** The account's groups the plan does not create, with their members among the model's users. */
function mergeAccountGroups(
  model: GroupsModel,
  data: AccountGroupsData,
  users: readonly (AccountGroupsUser & { readonly arn: string })[],
  context: AccountMergeContext,
): void {
  const groups = (model.groups ??= []);
  const planned = new Set(groups.map((group) => group.arn));
  const byName = new Map<string, CloudGroup>();
  for (const group of data.groups) {
    if (planned.has(group.arn)) {
      continue;
    }
    const cloud: CloudGroup = {
      arn: group.arn,
      name: group.name,
      path: group.path,
      inlinePolicies: group.inlinePolicies.map((policy) => ({
        name: policy.name,
        document: policy.document,
      })),
      ...context.attached(group.attachedPolicies.map((policy) => policy.arn)),
      members: [],
    };
    groups.push(cloud);
    byName.set(group.name, cloud);
  }
  // Membership is the user's GroupList (UserDetail.GroupList: the names of its groups); a plan user keeps
  // the account's memberships of groups the plan does not manage (they are not its resources).
  for (const user of users) {
    for (const name of user.groups) {
      byName.get(name)?.members.push(user.arn);
    }
  }
}

/**
 * IAM groups: read from the plan's group resources and from the account data (GroupDetailList, each
 * UserDetail's GroupList), mapped onto each member's identity-based policies.
 */
export const groupsSource: PolicySource<{
  model: GroupsModel;
  principal: object;
  accountData: AccountGroupsData;
  accountUser: AccountGroupsUser;
  accountRole: object;
}> = {
  name: "IAM groups",
  planTypes: Object.values(GROUP_TYPES),
  readPlan: (context) => {
    const groups = readGroups(context);
    return groups.length === 0 ? {} : { groups };
  },
  partsOf: (model) => {
    const groupsOf = groupsByMember(model.groups);
    // A group's policies, named once per group and member account: account data has thousands of members.
    const named = new Map<CloudGroup, { account: string; policies: SourcePolicy[] }>();
    const policiesOf = (principalArn: string, group: CloudGroup): SourcePolicy[] => {
      const account = principalArn.split(":")[4] ?? "";
      let found = named.get(group);
      if (found === undefined || found.account !== account) {
        found = { account, policies: groupPolicies(principalArn, group) };
        named.set(group, found);
      }
      return found.policies;
    };
    return (principal) => {
      const groups = groupsOf(principal.arn);
      return {
        identity: groups.flatMap((group) => policiesOf(principal.arn, group)),
        managedPolicyArns: groups.flatMap((group) => group.managedPolicyArns),
        unknownPolicies: groups.flatMap((group) => group.unknownPolicies),
      };
    };
  },
  account: {
    user: (item) => ({ groups: item.stringList("GroupList") }),
    reader: accountGroupsReader,
    merge: mergeAccountGroups,
    policyHolders: (model) => model.groups ?? [],
  },
};
