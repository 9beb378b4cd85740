/**
 * The organization the model knows: its id, its root, its organizational units and which account sits
 * where, for the organization condition keys (aws:PrincipalOrgID, aws:PrincipalOrgPaths,
 * aws:ResourceOrgID, aws:ResourceOrgPaths: sandbox/iam/organizationKeys.ts). Filled from a plan's
 * aws.organizations.Organization, OrganizationalUnit and Account resources here, or from the account
 * data's organizations outputs (access/accountData/merge.ts).
 *
 * An account is placed only where the plan or the data says so: a member whose parent is not told keeps
 * its membership (its organization id is known) and an unknown path; an account the model does not list
 * is outside the organization only when the member list is whole (the Organization's `accounts`, or
 * `organizations list-accounts`), and of unknown membership otherwise. Nothing is guessed, so no key is
 * given a value AWS might not give it.
 */
import type { OrganizationTreeSpec } from "../iam/organizationKeys";
import type { PlanReadContext } from "./policySources/source";

export interface CloudOrganizationTree {
  /** `o-…`. */
  id: string;
  /** The root (`r-…`), when known. */
  rootId?: string;
  /** Each OU known, with its parent (the root or another OU). */
  units: { id: string; name?: string; parentId: string }[];
  /** Each member account known, with its parent (the root or an OU) when known. */
  accounts: { id: string; parentId?: string }[];
  /** Whether `accounts` is every member of the organization. */
  complete: boolean;
}

/** The @pulumi/aws types the tree is read from (the Organization is also read for its SCPs: policySources/organization.ts). */
export const ORGANIZATION_TREE_TYPES = {
  unit: "aws:organizations/organizationalUnit:OrganizationalUnit",
  account: "aws:organizations/account:Account",
} as const;

const ORGANIZATION = "aws:organizations/organization:Organization";

/** The parents of `id`, from the root down, or undefined when a link of the chain is not known. */
export function parentsOf(tree: CloudOrganizationTree, parentId: string | undefined): string[] | undefined {
  const chain: string[] = [];
  let current = parentId;
  while (current !== undefined) {
    if (chain.includes(current) || chain.length > 10) {
      // A cycle, or deeper than Organizations allows (five levels of OUs under the root): not a tree.
      return undefined;
    }
    chain.unshift(current);
    if (current.startsWith("r-")) {
      return tree.rootId === undefined || tree.rootId === current ? chain : undefined;
    }
    current = tree.units.find((unit) => unit.id === current)?.parentId;
  }
  return undefined;
}

/** The engine's view of the tree (sandbox/iam/organizationKeys.ts). */
export function organizationTreeSpecOf(
  tree: CloudOrganizationTree | undefined,
): OrganizationTreeSpec | undefined {
  if (tree === undefined) {
    return undefined;
  }
  return {
    id: tree.id,
    accounts: new Map(tree.accounts.map((account) => [account.id, parentsOf(tree, account.parentId)])),
    complete: tree.complete,
  };
}

/** The organization id an Organizations ARN names (`arn:aws:organizations::MGMT:ou/o-…/…`, `account/o-…/…`). */
export function organizationIdOfArn(arn: unknown): string | undefined {
  return typeof arn === "string"
    ? /^arn:[^:]+:organizations::\d{12}:[a-z]+\/(o-[a-z0-9]{10,32})\//.exec(arn)?.[1]
    : undefined;
}

/**
 * The tree as far as the plan tells it: the Organization's id, root and member list (`accounts`, whole),
 * each OrganizationalUnit's parent (`parentId`) and direct member accounts (`accounts`), each Account's
 * parent (`parentId`; Pulumi's default is the root). Without an Organization, the id is the one the OUs' or
 * accounts' ARNs name and the member list is not whole. The management account the getOrganization
 * invoke names is a member. Undefined when the plan names no organization.
 */
export function readOrganizationTree(context: PlanReadContext): CloudOrganizationTree | undefined {
  const { values } = context;
  let id: string | undefined;
  let rootId: string | undefined;
  let complete = false;
  const accounts = new Map<string, string | undefined>();
  const join = (accountId: string, parentId?: string) => {
    if (parentId !== undefined || !accounts.has(accountId)) {
      accounts.set(accountId, parentId ?? accounts.get(accountId));
    }
  };
  const consequence = "the organization condition keys of its accounts are refused (not known)";
  for (const resource of context.byType(ORGANIZATION)) {
    context.settle(resource, consequence, () => {
      const organizationId = resource.id ?? values.string(resource, "outputs", "id");
      const roots = values.value(resource, "outputs", "roots");
      const listed = values.value(resource, "outputs", "accounts");
      id = organizationId;
      const root = Array.isArray(roots) ? (roots[0] as { id?: unknown } | undefined)?.id : undefined;
      if (typeof root === "string") {
        rootId = root;
      }
      if (Array.isArray(listed)) {
        complete = true;
        for (const entry of listed as { id?: unknown }[]) {
          if (typeof entry.id === "string") {
            join(entry.id);
          }
        }
      }
      join(values.optionalString(resource, "outputs", "masterAccountId") ?? context.accountId);
    });
  }
  const units: CloudOrganizationTree["units"] = [];
  for (const resource of context.byType(ORGANIZATION_TREE_TYPES.unit)) {
    context.settle(resource, consequence, () => {
      const unitId = resource.id ?? values.string(resource, "outputs", "id");
      units.push({
        id: unitId,
        name: values.physicalName(resource),
        parentId: values.string(resource, "inputs", "parentId"),
      });
      id ??= organizationIdOfArn(values.value(resource, "outputs", "arn"));
      const members = values.value(resource, "outputs", "accounts");
      for (const entry of Array.isArray(members) ? (members as { id?: unknown }[]) : []) {
        if (typeof entry.id === "string") {
          join(entry.id, unitId);
        }
      }
    });
  }
  for (const resource of context.byType(ORGANIZATION_TREE_TYPES.account)) {
    context.settle(resource, consequence, () => {
      const accountId = resource.id ?? values.string(resource, "outputs", "id");
      // Account parentId: "Defaults to the Organization default Root ID" (Pulumi registry,
      // aws.organizations.Account): without it the account is under the root.
      const parentId = values.optionalString(resource, "inputs", "parentId") ?? rootId;
      join(accountId, parentId);
      id ??= organizationIdOfArn(values.value(resource, "outputs", "arn"));
    });
  }
  rootId ??= [...units.map((unit) => unit.parentId), ...accounts.values()].find((parent) =>
    parent?.startsWith("r-"),
  );
  if (id === undefined) {
    return undefined;
  }
  if (context.managementAccountId !== undefined) {
    join(context.managementAccountId);
  }
  return {
    id,
    ...(rootId === undefined ? {} : { rootId }),
    units,
    accounts: [...accounts].map(([accountId, parentId]) => ({
      id: accountId,
      ...(parentId === undefined ? {} : { parentId }),
    })),
    complete,
  };
}
