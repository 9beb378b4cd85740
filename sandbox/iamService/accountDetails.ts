/**
 * GetAccountAuthorizationDetails (IAM API reference,
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html): the
 * account's users, groups, roles and managed policies, with their inline policies, attached policies,
 * group memberships, boundaries and trust policies, "URL-encoded compliant with RFC 3986". Entities come
 * from the deployed model: the deploying identity (when it is a user: an administrator), the users and
 * roles, the groups, the customer managed policies and the AWS managed policies attached to any of them
 * whose documents the sandbox holds. The sandbox does not record creation times: every CreateDate is the
 * same fixed instant.
 *
 * Paging: `MaxItems` (1 to 1,000, default 100) items at most, counted over the four lists in that order;
 * `Marker` is where the next page starts (opaque to the caller), and `IsTruncated` says whether there is
 * one. `Filter` keeps the entity types named (User, Role, Group, LocalManagedPolicy, AWSManagedPolicy).
 */
import { parsePrincipalArn } from "../../infra/principal";
import type { CloudModel } from "../deploy/model";
import type { Caller, LiveStack } from "../deploy/stack";
import { AwsError } from "../errors";
import { xmlEscape } from "../http/protocols";
import { managedPolicyDocument, MANAGED_POLICY_ARNS } from "../iam";

/** The fixed CreateDate of every entity (the sandbox keeps no creation times). */
const CREATED = "2026-01-01T00:00:00Z";

const ENTITY_TYPES = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"] as const;

type EntityType = (typeof ENTITY_TYPES)[number];

/** One item of the answer: its list, and its XML. */
interface Item {
  readonly list: "UserDetailList" | "GroupDetailList" | "RoleDetailList" | "Policies";
  readonly type: EntityType;
  readonly xml: () => string;
}

export async function getAccountAuthorizationDetails(
  form: URLSearchParams,
  _caller: Caller,
  stack: LiveStack,
): Promise<string> {
  const filter = filterOf(form);
  const maxItems = maxItemsOf(form.get("MaxItems"));
  const items = itemsOf(stack.model).filter((item) => filter === undefined || filter.has(item.type));
  const start = markerOf(form.get("Marker"), items.length);
  const page = items.slice(start, start + maxItems);
  const truncated = start + maxItems < items.length;
  const lists = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"] as const;
  return (
    lists
      .map((list) => {
        const members = page.filter((item) => item.list === list).map((item) => item.xml());
        return members.length === 0
          ? `    <${list}/>\n`
          : `    <${list}>\n${members.join("")}    </${list}>\n`;
      })
      .join("") +
    `    <IsTruncated>${truncated}</IsTruncated>\n` +
    (truncated ? `    <Marker>${Buffer.from(`items:${start + maxItems}`).toString("base64")}</Marker>\n` : "")
  );
}

function filterOf(form: URLSearchParams): Set<EntityType> | undefined {
  const values = [...form].filter(([name]) => /^Filter\.member\.\d+$/.test(name)).map(([, value]) => value);
  if (values.length === 0) {
    return undefined;
  }
  for (const value of values) {
    if (!(ENTITY_TYPES as readonly string[]).includes(value)) {
      throw new AwsError(
        "ValidationError",
        `1 validation error detected: Value '${value}' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${ENTITY_TYPES.join(", ")}]]`,
      );
    }
  }
  return new Set(values as EntityType[]);
}

/** MaxItems: 1 to 1,000; default 100 (IAM API reference, GetAccountAuthorizationDetails). */
function maxItemsOf(text: string | null): number {
  if (text === null) {
    return 100;
  }
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw new AwsError(
      "ValidationError",
      `1 validation error detected: Value '${text}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`,
    );
  }
  return value;
}

function markerOf(text: string | null, total: number): number {
  if (text === null) {
    return 0;
  }
  const match = /^items:(\d+)$/.exec(Buffer.from(text, "base64").toString("utf8"));
  const start = match === null ? NaN : Number(match[1]);
  if (!Number.isSafeInteger(start) || start > total) {
    throw new AwsError("ValidationError", "Invalid Marker.");
  }
  return start;
}

const encoded = (document: string) => xmlEscape(encodeURIComponent(document));

function element(name: string, value: string | undefined, indent: string): string {
  return value === undefined ? "" : `${indent}<${name}>${xmlEscape(value)}</${name}>\n`;
}

/** The elements every entity of the answer starts with: Path, <Kind>Name, <Kind>Id, Arn, CreateDate. */
function entityHead(
  kind: "User" | "Group" | "Role",
  path: string | undefined,
  name: string | undefined,
  id: string | undefined,
  arn: string | undefined,
  indent: string,
): string {
  return (
    element("Path", path, indent) +
    element(`${kind}Name`, name, indent) +
    element(`${kind}Id`, id, indent) +
    element("Arn", arn, indent) +
    element("CreateDate", CREATED, indent)
  );
}

function inlineList(
  name: string,
  policies: readonly { name: string; document: string }[],
  indent: string,
): string {
  if (policies.length === 0) {
    return `${indent}<${name}/>\n`;
  }
  return (
    `${indent}<${name}>\n` +
    policies
      .map(
        (policy) =>
          `${indent}  <member>\n` +
          element("PolicyName", policy.name, `${indent}    `) +
          `${indent}    <PolicyDocument>${encoded(policy.document)}</PolicyDocument>\n` +
          `${indent}  </member>\n`,
      )
      .join("") +
    `${indent}</${name}>\n`
  );
}

function attachedList(arns: readonly string[], indent: string): string {
  if (arns.length === 0) {
    return `${indent}<AttachedManagedPolicies/>\n`;
  }
  return (
    `${indent}<AttachedManagedPolicies>\n` +
    arns
      .map(
        (arn) =>
          `${indent}  <member>\n` +
          element("PolicyName", arn.slice(arn.lastIndexOf("/") + 1), `${indent}    `) +
          element("PolicyArn", arn, `${indent}    `) +
          `${indent}  </member>\n`,
      )
      .join("") +
    `${indent}</AttachedManagedPolicies>\n`
  );
}

function boundary(arn: string | undefined, indent: string): string {
  return arn === undefined
    ? ""
    : `${indent}<PermissionsBoundary>\n` +
        element("PermissionsBoundaryType", "PermissionsBoundaryPolicy", `${indent}  `) +
        element("PermissionsBoundaryArn", arn, `${indent}  `) +
        `${indent}</PermissionsBoundary>\n`;
}

/** The attached managed policy ARNs of a principal or group: known ones, and unknown ones that are ARNs. */
function attachedArns(holder: {
  managedPolicyArns: readonly string[];
  unknownPolicies: readonly string[];
}): string[] {
  return [
    ...holder.managedPolicyArns,
    ...holder.unknownPolicies.filter((entry) => /^arn:[^:]+:iam::/.test(entry)),
  ];
}

function itemsOf(model: CloudModel): Item[] {
  const ind = "        ";
  const groups = model.groups ?? [];
  const items: Item[] = [];
  const deployer = parsePrincipalArn(model.deployer.arn);
  // The entities of one account (IAM API reference, GetAccountAuthorizationDetails: "all IAM users,
  // groups, and roles ... in your AWS account"): a principal whose ARN names another account is that
  // account's, not the stack's.
  const principals = model.principals.filter((principal) => principal.accountId === model.accountId);
  if (deployer?.kind === "user") {
    // The deploying identity is an administrator user of the account (deploy/model.ts, `deployer`).
    items.push({
      list: "UserDetailList",
      type: "User",
      xml: () =>
        `      <member>\n` +
        element("Path", deployer.path, ind) +
        element("UserName", deployer.name, ind) +
        element("UserId", model.deployer.userId, ind) +
        element("Arn", model.deployer.arn, ind) +
        element("CreateDate", CREATED, ind) +
        inlineList("UserPolicyList", [], ind) +
        `${ind}<GroupList/>\n` +
        attachedList(["arn:aws:iam::aws:policy/AdministratorAccess"], ind) +
        `      </member>\n`,
    });
  }
  for (const principal of principals.filter((candidate) => candidate.kind === "user")) {
    const memberOf = groups
      .filter((group) => group.members.includes(principal.arn))
      .map((group) => group.name);
    items.push({
      list: "UserDetailList",
      type: "User",
      xml: () =>
        `      <member>\n` +
        entityHead("User", principal.path, principal.name, principal.uniqueId, principal.arn, ind) +
        inlineList("UserPolicyList", principal.inlinePolicies, ind) +
        (memberOf.length === 0
          ? `${ind}<GroupList/>\n`
          : `${ind}<GroupList>\n${memberOf.map((name) => `${ind}  <member>${xmlEscape(name)}</member>\n`).join("")}${ind}</GroupList>\n`) +
        attachedList(attachedArns(principal), ind) +
        boundary(principal.permissionsBoundary, ind) +
        `      </member>\n`,
    });
  }
  for (const group of groups) {
    items.push({
      list: "GroupDetailList",
      type: "Group",
      xml: () =>
        `      <member>\n` +
        entityHead(
          "Group",
          group.path,
          group.name,
          `AGPA${group.name
            .toUpperCase()
            .replace(/[^A-Z0-9]/g, "")
            .padEnd(17, "0")
            .slice(0, 17)}`,
          group.arn,
          ind,
        ) +
        inlineList("GroupPolicyList", group.inlinePolicies, ind) +
        attachedList(attachedArns(group), ind) +
        `      </member>\n`,
    });
  }
  for (const principal of principals.filter((candidate) => candidate.trust !== undefined)) {
    items.push({
      list: "RoleDetailList",
      type: "Role",
      xml: () =>
        `      <member>\n` +
        entityHead("Role", principal.path, principal.name, principal.uniqueId, principal.arn, ind) +
        `${ind}<AssumeRolePolicyDocument>${encoded(principal.trust?.policy ?? "{}")}</AssumeRolePolicyDocument>\n` +
        `${ind}<InstanceProfileList/>\n` +
        inlineList("RolePolicyList", principal.inlinePolicies, ind) +
        attachedList(attachedArns(principal), ind) +
        boundary(principal.permissionsBoundary, ind) +
        `      </member>\n`,
    });
  }
  const policy = (arn: string, name: string, document: string, type: EntityType): Item => ({
    list: "Policies",
    type,
    xml: () =>
      `      <member>\n` +
      element("PolicyName", name, ind) +
      element(
        "PolicyId",
        `ANPA${name
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, "")
          .padEnd(17, "0")
          .slice(0, 17)}`,
        ind,
      ) +
      element("Arn", arn, ind) +
      element("Path", "/", ind) +
      element("DefaultVersionId", "v1", ind) +
      element("IsAttachable", "true", ind) +
      element("CreateDate", CREATED, ind) +
      element("UpdateDate", CREATED, ind) +
      `${ind}<PolicyVersionList>\n` +
      `${ind}  <member>\n` +
      `${ind}    <Document>${encoded(document)}</Document>\n` +
      element("VersionId", "v1", `${ind}    `) +
      element("IsDefaultVersion", "true", `${ind}    `) +
      element("CreateDate", CREATED, `${ind}    `) +
      `${ind}  </member>\n` +
      `${ind}</PolicyVersionList>\n` +
      `      </member>\n`,
  });
  for (const managed of model.policies) {
    items.push(
      policy(
        managed.arn,
        managed.name,
        managed.document,
        managed.arn.includes(":iam::aws:") ? "AWSManagedPolicy" : "LocalManagedPolicy",
      ),
    );
  }
  // The AWS managed policies attached to anything, whose documents the sandbox holds.
  const local = new Set(model.policies.map((managed) => managed.arn));
  const attached = new Set(
    [
      ...(deployer?.kind === "user" ? ["arn:aws:iam::aws:policy/AdministratorAccess"] : []),
      ...principals.flatMap((principal) => [
        ...principal.managedPolicyArns,
        ...(principal.permissionsBoundary === undefined ? [] : [principal.permissionsBoundary]),
      ]),
      ...groups.flatMap((group) => group.managedPolicyArns),
    ].filter((arn) => !local.has(arn) && MANAGED_POLICY_ARNS.includes(arn)),
  );
  for (const arn of [...attached].sort()) {
    items.push(
      policy(
        arn,
        arn.slice(arn.lastIndexOf("/") + 1),
        JSON.stringify(managedPolicyDocument(arn)),
        "AWSManagedPolicy",
      ),
    );
  }
  return items;
}
