/**
 * Reads a folder of account data: the JSON the AWS CLI prints for
 *
 *   aws iam get-account-authorization-details                  > iam.json (any name)
 *   aws kms get-key-policy --key-id ID --policy-name default     > key-policies/ID.json
 *   aws kms list-resource-tags --key-id ID                       > key-tags/ID.json
 *   aws kms list-grants --key-id ID                              > grants-ID.json (any name)
 *   aws organizations list-policies --filter SERVICE_CONTROL_POLICY   > scps.json (any name)
 *   aws organizations describe-policy --policy-id P              > P.json (any name)
 *   aws organizations list-targets-for-policy --policy-id P      > policy-targets/P.json
 *   aws organizations describe-organization                      > organization.json (any name)
 *   aws organizations list-roots                                 > roots.json (any name)
 *   aws organizations list-accounts                              > accounts.json (any name)
 *   aws organizations list-parents --child-id ID                 > parents/ID.json
 *   aws organizations list-organizational-units-for-parent --parent-id ID
 *                                                                > organizational-units/ID.json
 *
 * Every `*.json` of the folder, and of its subject folders (`key-policies/`, `key-tags/`,
 * `policy-targets/`, `parents/`, `organizational-units/`), is read through the bounded reader
 * (common/userFile.ts) and recognized by the shape of the command's output (the AWS CLI Command
 * Reference's Output section of each command). The outputs that do not name their subject (a key
 * policy, a key's tags, a policy's targets, a child's parents, a parent's OUs) take it from their file
 * name. A top-level Accounts list is taken for list-accounts, every member of the organization:
 * list-accounts-for-parent prints the same shape, so it has no place in the folder. A file of no known shape, or whose
 * subject cannot be told, is a one-line UserError naming it (exit 2). Linear in the size of the data.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { displayValue } from "../../common/display";
import { JsonFields, objectOf } from "../../common/jsonFields";
import {
  accountRoleSources,
  accountSourcesReader,
  accountUserSources,
  type AccountDetailsReader,
  type AccountIamEntity,
} from "../../sandbox/engine";
import { UserError } from "../../common/userError";
import { displayPath, readUserJson } from "../../common/userFile";
import type {
  AccountAttachedPolicy,
  AccountData,
  AccountGrant,
  AccountInlinePolicy,
  AccountKeyPolicy,
  AccountKeyTags,
  AccountManagedPolicy,
  AccountRole,
  AccountUser,
  OrganizationPolicy,
  OrganizationPolicyType,
  OrganizationStructure,
  OrganizationTarget,
} from "./types";

/** How the folder is named in messages. */
export const ACCOUNT_DATA_FLAG = "--account-data";

/** The folders whose files take their subject from their name. */
export const KEY_POLICIES_DIR = "key-policies";
export const KEY_TAGS_DIR = "key-tags";
export const POLICY_TARGETS_DIR = "policy-targets";
export const PARENTS_DIR = "parents";
export const ORGANIZATIONAL_UNITS_DIR = "organizational-units";
const SUBJECT_DIRS = [
  KEY_POLICIES_DIR,
  KEY_TAGS_DIR,
  POLICY_TARGETS_DIR,
  PARENTS_DIR,
  ORGANIZATIONAL_UNITS_DIR,
];

/** The commands whose outputs are recognized, for the message about a file of no known shape. */
export const RECOGNIZED_COMMANDS = [
  "iam get-account-authorization-details",
  "kms get-key-policy (as key-policies/<key id>.json)",
  "kms list-resource-tags (as key-tags/<key id>.json)",
  "kms list-grants",
  "organizations list-policies",
  "organizations describe-policy",
  "organizations list-targets-for-policy (as policy-targets/<policy id>.json)",
  "organizations describe-organization",
  "organizations list-roots",
  "organizations list-accounts",
  "organizations list-parents (as parents/<child id>.json)",
  "organizations list-organizational-units-for-parent (as organizational-units/<parent id>.json)",
];

/** A file of the account data that cannot be used: one line naming the file, the field and the fix. */
export class AccountDataError extends UserError {
  constructor(file: string, problem: string) {
    super(`${ACCOUNT_DATA_FLAG}: ${displayPath(file)} ${problem}`);
  }
}

/** The error for a wrong field of a file of the account data (JsonFields). */
function accountDataError(file: string, problem: string): AccountDataError {
  return new AccountDataError(file, problem);
}

/**
 * A KMS key id: a UUID, or a multi-Region key's `mrk-` id (KMS Developer Guide, "Key identifiers
 * (KeyId)", https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id).
 */
const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/**
 * An AWS Organizations policy id (Organizations API reference, DescribePolicy, PolicyId: "^p-[0-9a-zA-Z_]{8,128}$",
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribePolicy.html).
 */
const POLICY_ID = /^p-[0-9a-zA-Z_]{8,128}$/;

const ORGANIZATION_POLICY_TYPES: readonly OrganizationPolicyType[] = [
  "SERVICE_CONTROL_POLICY",
  "RESOURCE_CONTROL_POLICY",
];

/** An IAM ARN: arn:PARTITION:iam::ACCOUNT|aws:TYPE/PATH/NAME. */
const IAM_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}|aws):(user|group|role|policy)(\/(?:[^/]+\/)*)?([^/]+)$/;

/** Reads and recognizes every file of the folder (see the module comment). */
export function readAccountData(dir: string): AccountData {
  const reader = new AccountDataReader(dir);
  for (const file of jsonFilesOf(dir)) {
    reader.read(file);
  }
  return reader.result();
}

/** The `*.json` files of the folder and of its named subfolders, sorted so that reading is deterministic. */
function jsonFilesOf(dir: string): string[] {
  const entries = listDir(dir, dir);
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (SUBJECT_DIRS.includes(entry.name)) {
      if (!isDirectory(full)) {
        throw new AccountDataError(full, `is not a folder: ${entry.name}/ holds one file per subject`);
      }
      for (const inner of listDir(full, dir)) {
        if (inner.name.endsWith(".json")) {
          files.push(path.join(full, inner.name));
        }
      }
    } else if (entry.name.endsWith(".json")) {
      files.push(full);
    }
  }
  return files;
}

function listDir(dir: string, root: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === "ENOENT"
        ? "does not exist"
        : code === "ENOTDIR"
          ? "is not a folder"
          : `cannot be read: ${code ?? "error"}`;
    throw new UserError(
      `${ACCOUNT_DATA_FLAG}: ${displayPath(dir)} ${problem}${dir === root ? "" : ` (in ${displayPath(root)})`}`,
    );
  }
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** The account and partition of an ARN, when it names one. */
function accountOfArn(arn: string): { partition: string; accountId: string } | undefined {
  const parts = arn.split(":");
  return parts.length >= 6 && /^\d{12}$/.test(parts[4])
    ? { partition: parts[1], accountId: parts[4] }
    : undefined;
}

class AccountDataReader {
  private readonly users = new Map<string, AccountUser>();
  private readonly roles = new Map<string, AccountRole>();
  private readonly policies = new Map<string, AccountManagedPolicy>();
  private readonly keyPolicies = new Map<string, AccountKeyPolicy>();
  private readonly keyTags = new Map<string, AccountKeyTags>();
  private readonly grants = new Map<string, AccountGrant>();
  private readonly organizationPolicies = new Map<string, OrganizationPolicy>();
  /** Content and targets may come before the summary that names the policy's type: kept until the end. */
  private readonly contents = new Map<string, { content: string; file: string }>();
  private readonly targets = new Map<string, { targets: OrganizationTarget[]; file: string }>();
  private readonly structure = new StructureReader();
  private readonly files: string[] = [];
  private account: { partition: string; accountId: string; file: string } | undefined;

  constructor(private readonly dir: string) {}

  read(file: string): void {
    const value = readUserJson(file, { flag: ACCOUNT_DATA_FLAG });
    const relative = path.relative(this.dir, file);
    this.files.push(relative);
    const folder = path.dirname(relative);
    const subject = path.basename(file, ".json");
    const record = objectOf(value);
    const fields = record === undefined ? undefined : new JsonFields(file, "", record, accountDataError);
    if (fields === undefined) {
      throw this.unknownShape(file);
    }
    if (folder === KEY_POLICIES_DIR) {
      if (typeof record?.Policy !== "string") {
        throw new AccountDataError(
          file,
          "is in key-policies/, which holds the output of kms get-key-policy only (an object with the key policy in Policy)",
        );
      }
      this.keyPolicy(fields, subject);
      return;
    }
    if (folder === KEY_TAGS_DIR) {
      if (!Array.isArray(record?.Tags)) {
        throw new AccountDataError(
          file,
          "is in key-tags/, which holds the output of kms list-resource-tags only (an object with Tags)",
        );
      }
      this.keyTagList(fields, subject);
      return;
    }
    if (folder === POLICY_TARGETS_DIR) {
      if (!Array.isArray(record?.Targets)) {
        throw new AccountDataError(
          file,
          "is in policy-targets/, which holds the output of organizations list-targets-for-policy only (an object with Targets)",
        );
      }
      this.policyTargets(fields, subject);
      return;
    }
    if (folder === PARENTS_DIR || folder === ORGANIZATIONAL_UNITS_DIR) {
      this.structure.read(fields, folder, subject);
      return;
    }
    const shape = shapeOf(fields.value);
    switch (shape) {
      case "iam":
        return this.authorizationDetails(fields);
      case "grants":
        return this.grantList(fields);
      case "org-policies":
        return this.organizationPolicyList(fields);
      case "org-policy":
        return this.describedPolicy(fields);
      case "key-policy":
        throw new AccountDataError(
          file,
          "is the output of kms get-key-policy, which does not name its key: save it as key-policies/<key id>.json",
        );
      case "key-tags":
        throw new AccountDataError(
          file,
          "is the output of kms list-resource-tags, which does not name its key: save it as key-tags/<key id>.json",
        );
      case "organization":
      case "roots":
      case "accounts":
        return this.structure.read(fields, shape, subject);
      case "parents":
      case "units":
        throw new AccountDataError(
          file,
          `is the output of organizations ${shape === "parents" ? "list-parents, which does not name its child: save it as parents/<child id>.json" : "list-organizational-units-for-parent, which does not name its parent: save it as organizational-units/<parent id>.json"}`,
        );
      case "targets":
        throw new AccountDataError(
          file,
          "is the output of organizations list-targets-for-policy, which does not name its policy: save it as policy-targets/<policy id>.json",
        );
      case undefined:
        throw this.unknownShape(file);
    }
  }

  private unknownShape(file: string): AccountDataError {
    return new AccountDataError(
      file,
      `is not the output of a command the account data is read from (${RECOGNIZED_COMMANDS.join("; ")}): remove it or fix it`,
    );
  }

  /** Every ARN of the data names one account: the first file that names one decides it. */
  private sameAccount(file: string, where: string, arn: string): void {
    const found = accountOfArn(arn);
    if (found === undefined) {
      return;
    }
    if (this.account === undefined) {
      this.account = { ...found, file };
      return;
    }
    if (found.accountId !== this.account.accountId || found.partition !== this.account.partition) {
      throw new AccountDataError(
        file,
        `${where}: ${displayValue(arn)} is in account ${found.accountId} (${found.partition}), but ` +
          `${displayPath(this.account.file)} is of account ${this.account.accountId} (${this.account.partition}): ` +
          "account data describes one account",
      );
    }
  }

  /** Adds by key; the same entity twice (two pages, two runs) must be the same, else the data contradicts itself. */
  private put<T extends { readonly file: string }>(
    map: Map<string, T>,
    key: string,
    entity: T,
    what: string,
  ): void {
    const before = map.get(key);
    if (
      before !== undefined &&
      JSON.stringify({ ...before, file: "" }) !== JSON.stringify({ ...entity, file: "" })
    ) {
      throw new AccountDataError(
        entity.file,
        `describes ${what} ${displayValue(key)} differently from ${displayPath(before.file)}: keep one of the two`,
      );
    }
    map.set(key, entity);
  }

  /** The fields every IAM entity of get-account-authorization-details has (AccountDetailsReader.entity). */
  private entity(
    item: JsonFields,
    kind: "user" | "group" | "role",
    nameField: string,
    idField: string,
  ): Omit<AccountIamEntity, "inlinePolicies"> {
    const arn = item.string("Arn", IAM_ARN, `an IAM ${kind} ARN`);
    if (IAM_ARN.exec(arn)?.[3] !== kind) {
      item.string("Arn", /^$/, `an IAM ${kind} ARN`);
    }
    this.sameAccount(item.file, `${item.where}Arn`, arn);
    return {
      arn,
      name: item.string(nameField),
      path: item.optionalString("Path") ?? "/",
      id: item.string(idField),
      attachedPolicies: attachedPolicies(item),
      ...tagsOf(item),
      file: item.file,
    };
  }

  /** What the policy sources read their part of get-account-authorization-details with. */
  private readonly details: AccountDetailsReader = {
    iamArn: IAM_ARN,
    entity: (item, kind, nameField, idField) => this.entity(item, kind, nameField, idField),
    inlinePolicies,
    put: (map, key, entity, what) => this.put(map, key, entity, what),
  };

  /** The policy sources' entities of the account data (the account's groups). */
  private readonly sources = accountSourcesReader(this.details);

  /**
   * `aws iam get-account-authorization-details` (AWS CLI Command Reference,
   * https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-authorization-details.html; IAM API
   * reference, GetAccountAuthorizationDetails, UserDetail, GroupDetail, RoleDetail, ManagedPolicyDetail).
   * A page the CLI was told to stop at (IsTruncated) is refused: the rest of the account would be missing.
   */
  private authorizationDetails(fields: JsonFields): void {
    refuseTruncated(fields, "IsTruncated", "the account's IAM entities");
    const entity = this.details.entity;
    for (const item of fields.objects("UserDetailList")) {
      const user: AccountUser = {
        ...entity(item, "user", "UserName", "UserId"),
        inlinePolicies: inlinePolicies(item, "UserPolicyList"),
        // The policy sources' fields of a user: GroupList, PermissionsBoundary (deploy/policySources/).
        ...accountUserSources(item, this.details),
      };
      this.put(this.users, user.arn, user, "the user");
    }
    // The policy sources' entities (GroupDetailList).
    this.sources.page(fields);
    for (const item of fields.objects("RoleDetailList")) {
      const role: AccountRole = {
        ...entity(item, "role", "RoleName", "RoleId"),
        inlinePolicies: inlinePolicies(item, "RolePolicyList"),
        trustPolicy: item.document("AssumeRolePolicyDocument"),
        ...accountRoleSources(item, this.details),
      };
      this.put(this.roles, role.arn, role, "the role");
    }
    for (const item of fields.objects("Policies")) {
      const arn = item.string("Arn", IAM_ARN, "an IAM policy ARN");
      this.sameAccount(fields.file, `${item.where}Arn`, arn);
      const versions = item.objects("PolicyVersionList");
      const defaultVersionId = item.optionalString("DefaultVersionId");
      const chosen = versions.find(
        (version) =>
          version.value.IsDefaultVersion === true ||
          (defaultVersionId !== undefined && version.value.VersionId === defaultVersionId),
      );
      if (chosen === undefined) {
        throw new AccountDataError(
          fields.file,
          `${item.where}PolicyVersionList: no version is the default (IsDefaultVersion), so the policy's document is unknown`,
        );
      }
      const policy: AccountManagedPolicy = {
        arn,
        name: item.string("PolicyName"),
        document: chosen.document("Document"),
        file: fields.file,
      };
      this.put(this.policies, arn, policy, "the managed policy");
    }
  }

  /** `aws kms get-key-policy` (AWS CLI Command Reference; KMS API reference, GetKeyPolicy: Policy, PolicyName). */
  private keyPolicy(fields: JsonFields, keyId: string): void {
    if (!KEY_ID.test(keyId)) {
      throw new AccountDataError(
        fields.file,
        `is named ${displayValue(keyId)}, which is not a KMS key id (a UUID, or mrk- and 32 hex digits): name it key-policies/<key id>.json`,
      );
    }
    const policyName = fields.optionalString("PolicyName");
    if (policyName !== undefined && policyName !== "default") {
      fields.string("PolicyName", /^default$/, 'the key policy\'s name, "default"');
    }
    this.put(
      this.keyPolicies,
      keyId,
      { keyId, policy: fields.document("Policy"), file: fields.file },
      "the key",
    );
  }

  /**
   * `aws kms list-resource-tags` (KMS API reference, ListResourceTags: Tags of TagKey and TagValue,
   * Truncated): the key's tags, aws:ResourceTag of the requests on it.
   */
  private keyTagList(fields: JsonFields, keyId: string): void {
    if (!KEY_ID.test(keyId)) {
      throw new AccountDataError(
        fields.file,
        `is named ${displayValue(keyId)}, which is not a KMS key id (a UUID, or mrk- and 32 hex digits): name it key-tags/<key id>.json`,
      );
    }
    refuseTruncated(fields, "Truncated", "the key's tags");
    const tags = Object.fromEntries(
      fields.objects("Tags").map((tag) => [tag.string("TagKey"), tag.string("TagValue")]),
    );
    this.put(this.keyTags, keyId, { keyId, tags, file: fields.file }, "the key's tags");
  }

  /** `aws kms list-grants` (KMS API reference, ListGrants, GrantListEntry). */
  private grantList(fields: JsonFields): void {
    refuseTruncated(fields, "Truncated", "the key's grants");
    for (const item of fields.objects("Grants")) {
      const keyArn = item.string("KeyId", /^arn:aws[a-z-]*:kms:[^:]+:\d{12}:key\/.+$/, "the key's ARN");
      this.sameAccount(fields.file, `${item.where}KeyId`, keyArn);
      const constraints = item.object("Constraints");
      const equals = constraints?.stringMap("EncryptionContextEquals");
      const subset = constraints?.stringMap("EncryptionContextSubset");
      const grant: AccountGrant = {
        keyArn,
        grantId: item.string("GrantId"),
        name: item.optionalString("Name") ?? "",
        granteePrincipal: item.string("GranteePrincipal"),
        ...(item.optionalString("RetiringPrincipal") === undefined
          ? {}
          : { retiringPrincipal: item.optionalString("RetiringPrincipal") }),
        operations: item.stringList("Operations"),
        ...(equals === undefined && subset === undefined
          ? {}
          : {
              constraints: {
                ...(equals === undefined ? {} : { encryptionContextEquals: equals }),
                ...(subset === undefined ? {} : { encryptionContextSubset: subset }),
              },
            }),
        file: fields.file,
      };
      this.put(this.grants, `${keyArn} ${grant.grantId}`, grant, "the grant");
    }
  }

  /**
   * A policy summary (Organizations API reference, PolicySummary: Id, Arn, Name, Type, AwsManaged). Only
   * SCPs and RCPs decide access; other types (tag, backup, AI opt-out policies) are read and left out.
   */
  private organizationSummary(item: JsonFields): OrganizationPolicy | undefined {
    const type = item.string("Type");
    if (!(ORGANIZATION_POLICY_TYPES as readonly string[]).includes(type)) {
      return undefined;
    }
    return {
      id: item.string("Id", POLICY_ID, "an Organizations policy id (p-…)"),
      arn: item.string("Arn", /^arn:aws[a-z-]*:organizations::/, "an Organizations policy ARN"),
      name: item.string("Name"),
      type: type as OrganizationPolicyType,
      awsManaged: item.value.AwsManaged === true,
      file: item.file,
    };
  }

  /** `aws organizations list-policies` (Organizations API reference, ListPolicies: Policies[] of PolicySummary). */
  private organizationPolicyList(fields: JsonFields): void {
    refuseTruncated(fields, "NextToken", "the organization's policies");
    for (const item of fields.objects("Policies")) {
      const summary = this.organizationSummary(item);
      if (summary !== undefined && !this.organizationPolicies.has(summary.id)) {
        this.organizationPolicies.set(summary.id, summary);
      }
    }
  }

  /** `aws organizations describe-policy` (Organizations API reference, DescribePolicy: Policy.PolicySummary, Policy.Content). */
  private describedPolicy(fields: JsonFields): void {
    const policy = fields.object("Policy") as JsonFields;
    const summaryFields = policy.object("PolicySummary");
    if (summaryFields === undefined) {
      policy.string("PolicySummary", /^$/, "the policy's summary");
    }
    const summary = this.organizationSummary(summaryFields as JsonFields);
    if (summary === undefined) {
      return;
    }
    const content = policy.document("Content");
    const before = this.contents.get(summary.id);
    if (before !== undefined && before.content !== content) {
      throw new AccountDataError(
        fields.file,
        `describes the policy ${displayValue(summary.id)} differently from ${displayPath(before.file)}: keep one of the two`,
      );
    }
    this.contents.set(summary.id, { content, file: fields.file });
    this.organizationPolicies.set(summary.id, summary);
  }

  /** `aws organizations list-targets-for-policy` (Organizations API reference, PolicyTargetSummary). */
  private policyTargets(fields: JsonFields, policyId: string): void {
    if (!POLICY_ID.test(policyId)) {
      throw new AccountDataError(
        fields.file,
        `is named ${displayValue(policyId)}, which is not an Organizations policy id (p-…): name it policy-targets/<policy id>.json`,
      );
    }
    const targets = fields.objects("Targets").map((item) => {
      const type = item.string(
        "Type",
        /^(ROOT|ORGANIZATIONAL_UNIT|ACCOUNT)$/,
        "ROOT, ORGANIZATIONAL_UNIT or ACCOUNT",
      );
      return {
        targetId: item.string("TargetId"),
        arn: item.string("Arn"),
        name: item.optionalString("Name") ?? "",
        type: type as OrganizationTarget["type"],
      };
    });
    this.targets.set(policyId, { targets, file: fields.file });
  }

  result(): AccountData {
    if (this.account === undefined) {
      throw new UserError(
        `${ACCOUNT_DATA_FLAG}: ${displayPath(this.dir)} names no account: save the output of aws iam get-account-authorization-details in it`,
      );
    }
    for (const [id, { file }] of [...this.contents, ...this.targets]) {
      if (!this.organizationPolicies.has(id)) {
        throw new AccountDataError(
          file,
          `is about the policy ${displayValue(id)}, which no list-policies or describe-policy output of the folder names as an SCP or RCP: save its describe-policy output`,
        );
      }
    }
    const { accountId, partition } = this.account;
    const organization = this.structure.result();
    return {
      accountId,
      partition,
      users: [...this.users.values()],
      ...this.sources.data(),
      roles: [...this.roles.values()],
      policies: [...this.policies.values()],
      keyPolicies: [...this.keyPolicies.values()],
      keyTags: [...this.keyTags.values()],
      grants: [...this.grants.values()],
      organizationPolicies: [...this.organizationPolicies.values()].map((policy) => {
        const content = this.contents.get(policy.id)?.content;
        const targets = this.targets.get(policy.id)?.targets;
        return {
          ...policy,
          ...(content === undefined ? {} : { content }),
          ...(targets === undefined ? {} : { targets }),
        };
      }),
      ...(organization === undefined ? {} : { organization }),
      files: this.files,
    };
  }
}

/** An Organizations root id, OU id and organization id (Organizations API reference, Root, OrganizationalUnit, Organization). */
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT_ID = /^\d{12}$/;

/**
 * The organization's structure: describe-organization, list-roots, list-accounts (Organizations API
 * reference, DescribeOrganization, ListRoots, ListAccounts), and the two outputs that take their subject
 * from their file's name, list-parents (ListParents: Parents[] of Id and Type) and
 * list-organizational-units-for-parent (OrganizationalUnits[] of Id, Arn, Name). Every id and ARN must
 * name one organization.
 */
class StructureReader {
  private id: { value: string; file: string } | undefined;
  private managementAccountId: string | undefined;
  private rootId: string | undefined;
  private accounts: string[] | undefined;
  private readonly parents: Record<string, string> = {};
  private used = false;

  read(
    fields: JsonFields,
    shape: "organization" | "roots" | "accounts" | typeof PARENTS_DIR | typeof ORGANIZATIONAL_UNITS_DIR,
    subject: string,
  ): void {
    this.used = true;
    switch (shape) {
      case "organization": {
        const organization = fields.object("Organization");
        if (organization === undefined) {
          return;
        }
        this.sameOrganization(
          fields.file,
          organization.string("Id", ORGANIZATION_ID, "an organization id (o-…)"),
        );
        this.managementAccountId = organization.optionalString("MasterAccountId");
        return;
      }
      case "roots": {
        refuseTruncated(fields, "NextToken", "the organization's roots");
        for (const root of fields.objects("Roots")) {
          this.rootId = root.string("Id", ROOT_ID, "a root id (r-…)");
          this.arnOrganization(fields.file, root.optionalString("Arn"));
        }
        return;
      }
      case "accounts": {
        refuseTruncated(fields, "NextToken", "the organization's accounts");
        this.accounts = fields.objects("Accounts").map((account) => {
          this.arnOrganization(fields.file, account.optionalString("Arn"));
          return account.string("Id", ACCOUNT_ID, "an account id (12 digits)");
        });
        return;
      }
      case PARENTS_DIR: {
        if (!(ACCOUNT_ID.test(subject) || OU_ID.test(subject))) {
          throw new AccountDataError(
            fields.file,
            `is named ${displayValue(subject)}, which is no account id nor OU id: name it parents/<child id>.json`,
          );
        }
        if (!Array.isArray(fields.value.Parents)) {
          throw new AccountDataError(
            fields.file,
            "is in parents/, which holds the output of organizations list-parents only (an object with Parents)",
          );
        }
        const [parent] = fields.objects("Parents");
        if (parent !== undefined) {
          this.parents[subject] = parent.string("Id", /^(r|ou)-[0-9a-z-]+$/, "a root or OU id");
        }
        return;
      }
      case ORGANIZATIONAL_UNITS_DIR: {
        if (!(ROOT_ID.test(subject) || OU_ID.test(subject))) {
          throw new AccountDataError(
            fields.file,
            `is named ${displayValue(subject)}, which is no root id nor OU id: name it organizational-units/<parent id>.json`,
          );
        }
        if (!Array.isArray(fields.value.OrganizationalUnits)) {
          throw new AccountDataError(
            fields.file,
            "is in organizational-units/, which holds the output of organizations list-organizational-units-for-parent only (an object with OrganizationalUnits)",
          );
        }
        refuseTruncated(fields, "NextToken", "the OUs of a parent");
        for (const unit of fields.objects("OrganizationalUnits")) {
          this.parents[unit.string("Id", OU_ID, "an OU id (ou-…)")] = subject;
          this.arnOrganization(fields.file, unit.optionalString("Arn"));
        }
        return;
      }
    }
  }

  /** The organization an Organizations ARN names (arn:aws:organizations::MGMT:root/o-…/r-…, account/o-…/…, ou/o-…/…). */
  private arnOrganization(file: string, arn: string | undefined): void {
    const id =
      arn === undefined
        ? undefined
        : /^arn:[^:]+:organizations::\d{12}:[a-z]+\/(o-[a-z0-9]{10,32})\//.exec(arn)?.[1];
    if (id !== undefined) {
      this.sameOrganization(file, id);
    }
  }

  private sameOrganization(file: string, id: string): void {
    if (this.id === undefined) {
      this.id = { value: id, file };
    } else if (this.id.value !== id) {
      throw new AccountDataError(
        file,
        `names the organization ${displayValue(id)}, but ${displayPath(this.id.file)} names ${displayValue(this.id.value)}: account data describes one organization`,
      );
    }
  }

  result(): OrganizationStructure | undefined {
    if (!this.used) {
      return undefined;
    }
    if (this.id === undefined) {
      throw new UserError(
        `${ACCOUNT_DATA_FLAG}: the organizations outputs of the folder do not name their organization: save the output of aws organizations describe-organization in it`,
      );
    }
    return {
      id: this.id.value,
      ...(this.managementAccountId === undefined ? {} : { managementAccountId: this.managementAccountId }),
      ...(this.rootId === undefined ? {} : { rootId: this.rootId }),
      ...(this.accounts === undefined ? {} : { accounts: this.accounts }),
      parents: this.parents,
    };
  }
}

type Shape =
  | "iam"
  | "grants"
  | "org-policies"
  | "org-policy"
  | "key-policy"
  | "key-tags"
  | "targets"
  | "organization"
  | "roots"
  | "accounts"
  | "parents"
  | "units";

/**
 * Which command printed a value, by the members only its output has: IAM's lists of entities; KMS's
 * Grants; Organizations' Policies of summaries (Id, Type) as against IAM's Policies of ManagedPolicyDetail
 * (PolicyName, PolicyVersionList); describe-policy's Policy object as against get-key-policy's Policy text.
 */
function shapeOf(value: Record<string, unknown>): Shape | undefined {
  if (["UserDetailList", "GroupDetailList", "RoleDetailList"].some((field) => Array.isArray(value[field]))) {
    return "iam";
  }
  if (Array.isArray(value.Grants)) {
    return "grants";
  }
  if (Array.isArray(value.Targets)) {
    return "targets";
  }
  if (objectOf(value.Organization) !== undefined) {
    return "organization";
  }
  for (const [field, shape] of [
    ["Roots", "roots"],
    ["Accounts", "accounts"],
    ["Parents", "parents"],
    ["OrganizationalUnits", "units"],
  ] as const) {
    if (Array.isArray(value[field])) {
      return shape;
    }
  }
  if (Array.isArray(value.Policies)) {
    const first = objectOf(value.Policies[0]);
    if (first === undefined) {
      // An empty list: Organizations' list-policies of a type with none (IAM's output has its other lists).
      return value.Policies.length === 0 ? "org-policies" : undefined;
    }
    if ("PolicyVersionList" in first || "PolicyName" in first) {
      return "iam";
    }
    return "Type" in first && "Id" in first ? "org-policies" : undefined;
  }
  if (typeof value.Policy === "string") {
    return "key-policy";
  }
  if (Array.isArray(value.Tags)) {
    return "key-tags";
  }
  if (objectOf(value.Policy) !== undefined && "PolicySummary" in (value.Policy as object)) {
    return "org-policy";
  }
  return undefined;
}

/**
 * A page, not the whole answer: the API's own flag (IsTruncated, Truncated), or the NextToken the AWS CLI
 * prints when --max-items stopped it (AWS CLI User Guide, "Using the AWS CLI pagination options").
 */
function refuseTruncated(fields: JsonFields, flag: string, what: string): void {
  const field =
    fields.value[flag] === true ? flag : typeof fields.value.NextToken === "string" ? "NextToken" : undefined;
  if (field !== undefined) {
    throw new AccountDataError(
      fields.file,
      `${field}: it holds one page of ${what}, not all of them: run the command again without --max-items and --no-paginate`,
    );
  }
}

function attachedPolicies(item: JsonFields): AccountAttachedPolicy[] {
  return item.objects("AttachedManagedPolicies").map((attached) => ({
    name: attached.string("PolicyName"),
    arn: attached.string("PolicyArn", IAM_ARN, "an IAM policy ARN"),
  }));
}

function inlinePolicies(item: JsonFields, field: string): AccountInlinePolicy[] {
  return item.objects(field).map((policy) => ({
    name: policy.string("PolicyName"),
    document: policy.document("PolicyDocument"),
  }));
}

/**
 * An IAM entity's tags: UserDetail and RoleDetail carry Tags, a list of Key and Value (IAM API reference,
 * GetAccountAuthorizationDetails, RoleDetail.Tags, Tag). None when the list is absent or empty.
 */
function tagsOf(item: JsonFields): { tags?: Record<string, string> } {
  const tags = item.objects("Tags");
  return tags.length === 0
    ? {}
    : { tags: Object.fromEntries(tags.map((tag) => [tag.string("Key"), tag.string("Value")])) };
}
