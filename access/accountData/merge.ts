/**
 * The plan merged with an account as it is (account data: access/accountData/read.ts), as one cloud
 * model for the one engine (sandbox/engine.ts, `ModelExtension`):
 *
 * - before the model is derived, the account's managed policies are added beside the plan's resources, so
 *   that a plan principal attaching one (or taking it as its boundary) is decided with its document;
 * - after, the account's users, roles, groups, keys (those whose key policy was saved), grants and SCPs
 *   and RCPs are added to the model.
 *
 * What the plan manages replaces its copy in the account data, matched by ARN (a user, role, group,
 * managed policy or key; an organization policy by id; a grant by key, name, grantee and operations).
 * Linear in the size of the plan and of the data: every match is a lookup in a Map or Set.
 */
import { UserError } from "../../common/userError";
import {
  MANAGED_POLICY_ARNS,
  accountPolicyHolders,
  mergeAccountPrincipalSources,
  mergeAccountSources,
  type AccountMergeContext,
  type CloudGrant,
  type CloudKey,
  type CloudModel,
  type CloudOrganizationPolicy,
  type CloudOrganizationTree,
  parentsOf,
  type CloudPrincipal,
  type DeployedResource,
  type ModelExtension,
  type OrganizationTarget,
} from "../../sandbox/engine";
import { ACCOUNT_DATA_FLAG } from "./read";
import type { AccountData, AccountRole, AccountUser } from "./types";

/** The URN an entity of the account data is listed under (not deployed, unknowns): it is no stack's. */
export function accountDataUrn(type: string, name: string): string {
  return `urn:pulumi:account::account-data::${type}::${name}`;
}

/** Who deploys into the data's account when nothing else says: an administrator user named "deployer". */
export function accountDeployer(data: AccountData): { accountId: string; arn: string; userId: string } {
  return {
    accountId: data.accountId,
    arn: `arn:${data.partition}:iam::${data.accountId}:user/deployer`,
    userId: "AIDADEFAULTDEPLOYER00",
  };
}

/** The engine extension that merges `data` into a plan's model. */
export function accountDataExtension(data: AccountData): ModelExtension {
  return {
    resources: (planResources) => accountPolicyResources(data, planResources),
    extend: (model) => mergeAccountData(model, data),
  };
}

/** The account's managed policies the plan does not create, as the resources the model derives policies from. */
function accountPolicyResources(
  data: AccountData,
  planResources: readonly DeployedResource[],
): DeployedResource[] {
  const planned = new Set(
    planResources
      .filter((resource) => resource.type === "aws:iam/policy:Policy")
      .map((resource) => resource.outputs.arn),
  );
  return data.policies
    .filter((policy) => !planned.has(policy.arn))
    .map((policy) => ({
      type: "aws:iam/policy:Policy",
      urn: accountDataUrn("aws:iam/policy:Policy", policy.arn),
      custom: true,
      id: policy.arn,
      inputs: { name: policy.name, policy: policy.document },
      outputs: { arn: policy.arn, name: policy.name, policy: policy.document },
    }));
}

/**
 * Adds the account's entities the plan does not manage to `model`. Throws a UserError when the plan is of
 * another account than the data.
 */
export function mergeAccountData(model: CloudModel, data: AccountData): void {
  if (model.accountId !== data.accountId || model.partition !== data.partition) {
    throw new UserError(
      `${ACCOUNT_DATA_FLAG}: the account data is of account ${data.accountId} (${data.partition}), the plan of ` +
        `${model.accountId} (${model.partition}): analyse the stack with --stack (synthesized in the data's account), ` +
        "or synthesize the plan with --invokes recording a getCallerIdentity of that account",
    );
  }
  new Merge(model, data).run();
}

class Merge {
  /** Managed policies whose documents the engine holds: the model's (plan and account) and the sandbox's copies. */
  private readonly known: Set<string>;
  private readonly principalArns: Set<string>;

  constructor(
    private readonly model: CloudModel,
    private readonly data: AccountData,
  ) {
    this.known = new Set([...MANAGED_POLICY_ARNS, ...model.policies.map((policy) => policy.arn)]);
    // The deployer is the matrix's own principal (an administrator), whatever the data says of it.
    this.principalArns = new Set([model.deployer.arn, ...model.principals.map((principal) => principal.arn)]);
  }

  run(): void {
    this.resolvePlanUnknowns();
    for (const user of this.data.users) {
      if (!this.principalArns.has(user.arn)) {
        this.model.principals.push(this.principal("user", user));
      }
    }
    for (const role of this.data.roles) {
      if (!this.principalArns.has(role.arn)) {
        this.model.principals.push(this.principal("role", role));
      }
    }
    // The policy sources' entities the plan does not declare (the account's groups): deploy/policySources/.
    mergeAccountSources(this.model, this.data, this.data.users, this.context);
    this.keys();
    this.grants();
    this.organization();
    this.organizationTree();
  }

  /** The account's parents from the root down, from the data's list-parents outputs, else the plan's tree. */
  private accountChain(): string[] | undefined {
    const parents = this.data.organization?.parents;
    if (parents !== undefined && parents[this.data.accountId] !== undefined) {
      const chain: string[] = [];
      for (let current: string | undefined = parents[this.data.accountId]; current !== undefined;) {
        if (chain.includes(current) || chain.length > 10) {
          return undefined;
        }
        chain.unshift(current);
        if (current.startsWith("r-")) {
          return chain;
        }
        current = parents[current];
      }
      return undefined;
    }
    const tree = this.model.organizationTree;
    const account = tree?.accounts.find((candidate) => candidate.id === this.data.accountId);
    return tree === undefined || account === undefined ? undefined : parentsOf(tree, account.parentId);
  }

  /**
   * The organization's structure (deploy/organizationTree.ts), for the organization condition keys. The
   * plan's tree, when it has one of the same organization, keeps what it says; the data adds the accounts
   * and OUs the plan does not place, and a whole member list (list-accounts). The management account is
   * a member. A tree of another organization than the plan's is an error: one account is in one
   * organization.
   */
  private organizationTree(): void {
    const structure = this.data.organization;
    if (structure === undefined) {
      return;
    }
    const planned = this.model.organizationTree;
    if (planned !== undefined && planned.id !== structure.id) {
      throw new UserError(
        `${ACCOUNT_DATA_FLAG}: the account data's organization is ${structure.id}, the plan's ${planned.id}: ` +
          "an account is in one organization; collect the data of the plan's account",
      );
    }
    const tree: CloudOrganizationTree = planned ?? {
      id: structure.id,
      units: [],
      accounts: [],
      complete: false,
    };
    if (structure.rootId !== undefined) {
      tree.rootId ??= structure.rootId;
    }
    const members = new Map(tree.accounts.map((account) => [account.id, account]));
    const join = (accountId: string) => {
      if (!members.has(accountId)) {
        const account = { id: accountId };
        members.set(accountId, account);
        tree.accounts.push(account);
      }
    };
    for (const accountId of [
      ...(structure.accounts ?? []),
      ...(structure.managementAccountId === undefined ? [] : [structure.managementAccountId]),
    ]) {
      join(accountId);
    }
    for (const [child, parentId] of Object.entries(structure.parents)) {
      if (child.startsWith("ou-")) {
        if (!tree.units.some((unit) => unit.id === child)) {
          tree.units.push({ id: child, parentId });
        }
      } else {
        join(child);
        const account = members.get(child);
        if (account !== undefined && account.parentId === undefined) {
          account.parentId = parentId;
        }
      }
    }
    if (structure.accounts !== undefined) {
      tree.complete = true;
    }
    this.model.organizationTree = tree;
  }

  /**
   * A plan principal, or a policy source's holder (a group), attaching a managed policy the plan does not
   * create took it at worst (its document unknown); the account data may hold the document. A boundary is
   * left as it is: the plan's side decides where its ARN goes.
   */
  private resolvePlanUnknowns(): void {
    for (const holder of [...this.model.principals, ...accountPolicyHolders(this.model)]) {
      const boundary = "permissionsBoundary" in holder ? holder.permissionsBoundary : undefined;
      const resolved = holder.unknownPolicies.filter(
        (arn) => this.known.has(arn) && arn !== boundary && !holder.managedPolicyArns.includes(arn),
      );
      if (resolved.length > 0) {
        holder.unknownPolicies = holder.unknownPolicies.filter((arn) => !resolved.includes(arn));
        holder.managedPolicyArns.push(...resolved);
      }
    }
  }

  /** What the policy sources merge their part with. */
  private readonly context: AccountMergeContext = {
    attached: (arns) => this.attached(arns),
    known: (policyArn) => this.known.has(policyArn),
  };

  /** Attached managed policies: those the engine can read, and those it cannot (decided at worst). */
  private attached(arns: readonly string[]): { managedPolicyArns: string[]; unknownPolicies: string[] } {
    return {
      managedPolicyArns: arns.filter((arn) => this.known.has(arn)),
      unknownPolicies: arns.filter((arn) => !this.known.has(arn)),
    };
  }

  private principal(kind: "user" | "role", entity: AccountUser | AccountRole): CloudPrincipal {
    const { managedPolicyArns, unknownPolicies } = this.attached(
      entity.attachedPolicies.map((policy) => policy.arn),
    );
    const principal: CloudPrincipal = {
      kind,
      arn: entity.arn,
      accountId: this.data.accountId,
      name: entity.name,
      path: entity.path,
      uniqueId: entity.id,
      inlinePolicies: entity.inlinePolicies.map((policy) => ({
        name: policy.name,
        document: policy.document,
      })),
      managedPolicyArns,
      accessKeys: [],
      unknownPolicies,
      ...(entity.tags === undefined ? {} : { tags: { ...entity.tags } }),
    };
    // The policy sources' fields of a principal (its boundary): deploy/policySources/.
    mergeAccountPrincipalSources(principal, entity, this.context);
    if ("trustPolicy" in entity) {
      // RoleDetail carries no MaxSessionDuration: IAM's default, one hour (IAM API reference, CreateRole).
      principal.trust = { policy: entity.trustPolicy, maxSessionDuration: 3600 };
    }
    return principal;
  }

  /**
   * The account's keys whose policy was saved (key-policies/<key id>.json) and that the plan does not
   * create. Their ARN's region and account: a grant's KeyId names it; else the model's region. They exist
   * already, so their policies are not validated again (`existing`: no lockout check, and a deleted
   * principal that KMS now shows by its unique id is no error).
   */
  private keys(): void {
    const planned = new Set(this.model.keys.flatMap((key) => [key.arn, key.keyId]));
    const arnsFromGrants = new Map(
      this.data.grants.map((grant) => [grant.keyArn.split("/").pop() ?? "", grant.keyArn]),
    );
    const tagsOf = new Map(this.data.keyTags.map((entry) => [entry.keyId, { ...entry.tags }]));
    for (const saved of this.data.keyPolicies) {
      const arn =
        arnsFromGrants.get(saved.keyId) ??
        `arn:${this.model.partition}:kms:${this.model.region}:${this.data.accountId}:key/${saved.keyId}`;
      if (planned.has(arn) || planned.has(saved.keyId)) {
        continue;
      }
      const key: CloudKey = {
        arn,
        keyId: saved.keyId,
        policy: saved.policy,
        policySource: "key",
        enabled: true,
        bypassPolicyLockoutSafetyCheck: true,
        existing: true,
        description: "",
        aliases: [],
        // Its list-resource-tags output, else unknown: a decision that reads aws:ResourceTag on the key is
        // then conditional, never decided without them.
        tags: tagsOf.get(saved.keyId) ?? "unknown",
      };
      this.model.keys.push(key);
    }
  }

  /**
   * The account's grants on the model's keys, as they are (not made again). DynamoDB's own grants for
   * tables are left out: the engine makes DynamoDB's grant for each table of the model, and the account's
   * tables are not in it. A grant the plan declares (same key, name, grantee and operations) is the plan's.
   */
  private grants(): void {
    const keys = new Set(this.model.keys.map((key) => key.arn));
    const planned = new Set(this.model.grants.map(grantIdentity));
    for (const grant of this.data.grants) {
      if (/^dynamodb\.[^.]+\.amazonaws\.com$/.test(grant.granteePrincipal)) {
        continue;
      }
      const cloud: CloudGrant = {
        grantId: grant.grantId,
        grantToken: "",
        keyArn: grant.keyArn,
        granteePrincipal: grant.granteePrincipal,
        ...(grant.retiringPrincipal === undefined ? {} : { retiringPrincipal: grant.retiringPrincipal }),
        operations: [...grant.operations],
        ...(grant.constraints === undefined
          ? {}
          : {
              constraints: {
                ...(grant.constraints.encryptionContextEquals === undefined
                  ? {}
                  : { encryptionContextEquals: { ...grant.constraints.encryptionContextEquals } }),
                ...(grant.constraints.encryptionContextSubset === undefined
                  ? {}
                  : { encryptionContextSubset: { ...grant.constraints.encryptionContextSubset } }),
              },
            }),
        name: grant.name,
        existing: true,
      };
      if (planned.has(grantIdentity(cloud))) {
        continue;
      }
      if (!keys.has(grant.keyArn)) {
        this.model.notDeployed.push({
          urn: accountDataUrn("aws:kms/grant:Grant", grant.grantId),
          type: "aws:kms/grant:Grant",
          reason: `its key ${grant.keyArn} is not in the model: save its policy as key-policies/${grant.keyArn.split("/").pop() ?? ""}.json (${grant.file})`,
        });
        continue;
      }
      this.model.grants.push(cloud);
    }
  }

  /**
   * SCPs and RCPs (deploy/policySources/organization.ts). The account's place in the organization is what the
   * targets tell: the root (a ROOT target) and the account itself. An OU's place is not in these outputs
   * (organizations list-parents would tell it), so a policy attached to an OU only is listed as not
   * applied; so is one whose content or targets were not saved. A level is kept only when the data shows
   * an SCP attached to it: a level with no SCP would deny everything (every level must allow:
   * Organizations User Guide, "SCP evaluation"), so a level the data shows without one is one it does not
   * show whole. Leaving out a policy that restricts can only show more access, never less.
   */
  private organization(): void {
    const planned = this.model.organization;
    const plannedIds = new Set((planned?.policies ?? []).map((policy) => policy.id));
    const policies: CloudOrganizationPolicy[] = [];
    const notApplied = (id: string, reason: string) =>
      this.model.notDeployed.push({
        urn: accountDataUrn("aws:organizations/policy:Policy", id),
        type: "aws:organizations/policy:Policy",
        reason,
      });
    // The OUs above the account, when the data's (or the plan's) structure places it: policies attached
    // to them apply (Organizations User Guide, "Inheritance for authorization policies").
    const chain = this.accountChain();
    const onChain = new Set(chain ?? []);
    let root: string | undefined = chain?.[0];
    for (const policy of this.data.organizationPolicies) {
      if (plannedIds.has(policy.id)) {
        continue;
      }
      if (policy.content === undefined || policy.targets === undefined) {
        notApplied(
          policy.id,
          `the account data has no ${policy.content === undefined ? "describe-policy output" : `policy-targets/${policy.id}.json`} for it: not applied`,
        );
        continue;
      }
      const targets = policy.targets.filter(
        (target) =>
          target.type === "ROOT" ||
          (target.type === "ACCOUNT" && target.targetId === this.data.accountId) ||
          (target.type === "ORGANIZATIONAL_UNIT" && onChain.has(target.targetId)),
      );
      root ??= targets.find((target) => target.type === "ROOT")?.targetId;
      if (targets.length === 0) {
        if (policy.targets.some((target) => target.type === "ORGANIZATIONAL_UNIT")) {
          notApplied(
            policy.id,
            chain === undefined
              ? "it is attached to organizational units, and the account data does not say which the account is under: not applied"
              : "it is attached to organizational units the account is not under: it does not apply",
          );
        }
        continue;
      }
      policies.push({
        id: policy.id,
        name: policy.name,
        type: policy.type,
        document: policy.content,
        awsManaged: policy.awsManaged,
        targets: targets.map((target) => target.targetId),
      });
    }
    if (policies.length === 0) {
      return;
    }
    if (planned !== undefined) {
      planned.policies.push(...policies);
      return;
    }
    const levels: OrganizationTarget[] = [
      ...(root === undefined ? [] : [{ id: root, type: "ROOT" as const }]),
      ...(chain ?? [])
        .filter((id) => id.startsWith("ou-"))
        .map((id) => ({ id, type: "ORGANIZATIONAL_UNIT" as const })),
      { id: this.data.accountId, type: "ACCOUNT" },
    ];
    // Every level must allow through an SCP, so a level with none in the data is one the data does not
    // show whole; RCPs only deny (RCPFullAWSAccess is at every level), so any level may hold none.
    const gating = policies.some((policy) => policy.type === "SERVICE_CONTROL_POLICY")
      ? "SERVICE_CONTROL_POLICY"
      : "RESOURCE_CONTROL_POLICY";
    const path = levels.filter((level) =>
      policies.some((policy) => policy.type === gating && policy.targets.includes(level.id)),
    );
    for (const policy of policies.filter(
      (candidate) => !candidate.targets.some((id) => path.some((level) => level.id === id)),
    )) {
      notApplied(
        policy.id,
        "the level it is attached to holds no SCP in the account data, so the data does not show that level whole: not applied",
      );
    }
    // A customer policy's ARN names the management account (arn:aws:organizations::MANAGEMENT:policy/…):
    // SCPs do not limit its principals, RCPs its resources.
    const management = this.data.organizationPolicies
      .filter((policy) => !policy.awsManaged)
      .map((policy) => policy.arn.split(":")[4])
      .find((account) => /^\d{12}$/.test(account ?? ""));
    this.model.organization = {
      ...(management === undefined ? {} : { managementAccountId: management }),
      path,
      policies,
    };
  }
}

function grantIdentity(grant: CloudGrant): string {
  return JSON.stringify([grant.keyArn, grant.name, grant.granteePrincipal, [...grant.operations].sort()]);
}
