/**
 * DescribeOrganization, ListRoots, ListAccounts, ListParents and ListOrganizationalUnitsForParent
 * (Organizations API reference, https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html,
 * API_ListRoots.html, API_ListAccounts.html, API_ListParents.html, API_ListOrganizationalUnitsForParent.html),
 * answered from the organization the model knows (deploy/organizationTree.ts). A deployment whose model
 * knows no organization answers AWSOrganizationsNotInUseException, as an account outside any organization
 * does. What the model does not know is refused with NotModelledBySandboxException, never answered in
 * part: the member list when it is not whole (a partial list read as whole would put accounts outside the
 * organization), the parent of an account the model cannot place.
 */
import type { CloudModel } from "../deploy/model";
import type { CloudOrganizationTree } from "../deploy/organizationTree";
import { AwsError } from "../errors";
import { NOT_MODELLED } from "../http/requestMembers";
import { paged } from "./policies";

function treeOf(model: CloudModel): CloudOrganizationTree {
  if (model.organizationTree === undefined) {
    throw new AwsError(
      "AWSOrganizationsNotInUseException",
      "Your account is not a member of an organization.",
    );
  }
  return model.organizationTree;
}

/** The management account: the Organization's, else the SCPs' (deploy/policySources/organization.ts), else unknown. */
function managementOf(model: CloudModel, tree: CloudOrganizationTree): string | undefined {
  return (
    model.organization?.managementAccountId ??
    (tree.complete && tree.accounts.some((account) => account.id === model.accountId)
      ? model.accountId
      : undefined)
  );
}

function arnOf(model: CloudModel, tree: CloudOrganizationTree, kind: string, id: string): string {
  const management = managementOf(model, tree) ?? model.accountId;
  return `arn:${model.partition}:organizations::${management}:${kind}/${tree.id}/${id}`;
}

function notModelled(what: string): AwsError {
  return new AwsError(NOT_MODELLED, `${what} is not modelled by the sandbox: the deployment does not say`);
}

function idOf(request: Readonly<Record<string, unknown>>, member: string, pattern: RegExp): string {
  const value = request[member];
  if (typeof value !== "string" || !pattern.test(value)) {
    throw new AwsError("InvalidInputException", "You specified an invalid value.", 400, {
      Reason: "INVALID_PATTERN",
    });
  }
  return value;
}

export function describeOrganization(
  _request: Readonly<Record<string, unknown>>,
  model: CloudModel,
): Record<string, unknown> {
  const tree = treeOf(model);
  const management = managementOf(model, tree);
  return {
    Organization: {
      Id: tree.id,
      Arn: `arn:${model.partition}:organizations::${management ?? model.accountId}:organization/${tree.id}`,
      FeatureSet: "ALL",
      ...(management === undefined
        ? {}
        : {
            MasterAccountId: management,
            MasterAccountArn: arnOf(model, tree, "account", management),
          }),
      AvailablePolicyTypes: [],
    },
  };
}

export function listRoots(
  request: Readonly<Record<string, unknown>>,
  model: CloudModel,
): Record<string, unknown> {
  const tree = treeOf(model);
  if (tree.rootId === undefined) {
    throw notModelled("the organization's root");
  }
  return paged(
    [{ Id: tree.rootId, Arn: arnOf(model, tree, "root", tree.rootId), Name: "Root", PolicyTypes: [] }],
    request,
    "Roots",
  );
}

export function listAccounts(
  request: Readonly<Record<string, unknown>>,
  model: CloudModel,
): Record<string, unknown> {
  const tree = treeOf(model);
  if (!tree.complete) {
    throw notModelled("the organization's whole member list");
  }
  return paged(
    tree.accounts.map((account) => ({
      Id: account.id,
      Arn: arnOf(model, tree, "account", account.id),
      Name: account.id,
      Email: `${account.id}@example.invalid`,
      Status: "ACTIVE",
      State: "ACTIVE",
    })),
    request,
    "Accounts",
  );
}

export function listParents(
  request: Readonly<Record<string, unknown>>,
  model: CloudModel,
): Record<string, unknown> {
  const tree = treeOf(model);
  const child = idOf(request, "ChildId", /^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/);
  const parentId = child.startsWith("ou-")
    ? tree.units.find((unit) => unit.id === child)?.parentId
    : tree.accounts.find((account) => account.id === child)?.parentId;
  if (parentId === undefined) {
    if (!child.startsWith("ou-") && tree.complete && !tree.accounts.some((account) => account.id === child)) {
      throw new AwsError(
        "ChildNotFoundException",
        "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
      );
    }
    throw notModelled(`the parent of ${child}`);
  }
  return paged(
    [{ Id: parentId, Type: parentId.startsWith("r-") ? "ROOT" : "ORGANIZATIONAL_UNIT" }],
    request,
    "Parents",
  );
}

export function listOrganizationalUnitsForParent(
  request: Readonly<Record<string, unknown>>,
  model: CloudModel,
): Record<string, unknown> {
  const tree = treeOf(model);
  const parent = idOf(request, "ParentId", /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/);
  return paged(
    tree.units
      .filter((unit) => unit.parentId === parent)
      .map((unit) => ({ Id: unit.id, Arn: arnOf(model, tree, "ou", unit.id), Name: unit.name ?? unit.id })),
    request,
    "OrganizationalUnits",
  );
}
