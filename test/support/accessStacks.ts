/**
 * Plans of stacks the program cannot make (several tables and keys, key policies with and without the
 * root statement, deny statements, identity policies that grant the key, disabled keys, roles trusting
 * generated users, KMS grants with and without encryption-context constraints), shaped as
 * `npm run synth` prints them, for the access differential test and the access benchmark. Every
 * resource name carries the stack id, so one sandbox can apply one stack after another.
 */
import { createHash } from "node:crypto";
import type { Plan, PlanResourceState } from "../../plan/types";
import { SPECIAL_SIG_KEY } from "../../plan/values";
import { RESOURCE_REFERENCE_SIG } from "../../plan/values";
import { ACCOUNT_ID, OTHER_ACCOUNT_ID, REGION } from "./accounts";
import { fineGrainedStatements, type FineGrainedKind } from "./fineGrained";

export { ACCOUNT_ID, REGION };

export type TableAccessLevel = "none" | "readonly" | "readwrite" | "full";

/** An identity policy beyond the access level: each changes one thing the matrix must see. */
export type ExtraPolicy =
  | "allow-kms-decrypt" // kms:Decrypt on the stack's keys: counts only where a key policy delegates to the account
  | "deny-get-item" // an explicit Deny of dynamodb:GetItem
  | "deny-delete-item" // an explicit Deny of dynamodb:DeleteItem (a write transaction's Delete part too)
  | "allow-condition-check" // dynamodb:ConditionCheckItem on the tables (a write transaction's ConditionCheck part)
  | "deny-kms" // an explicit Deny of kms:* in the identity policy
  | "allow-create-access-key" // iam:CreateAccessKey on every user of the account
  | "abac-team-blue" // GetItem and Query on the tables when the principal's tag team is blue (aws:PrincipalTag)
  | "allow-edit-groups" // iam:PutGroupPolicy on every group of the account
  | "allow-drop-boundary" // iam:DeleteUserPermissionsBoundary on every user of the account
  // Resource tags (StackSpec.tableTags, KeySpec.team, RoleSpec.team), read by aws:ResourceTag:
  | "tag-env-prod-tables" // the table reads on every table tagged env prod (a table tagged dev or untagged: no)
  | "deny-untagged-tables" // a Deny of dynamodb:GetItem on tables without an env tag (Null aws:ResourceTag/env)
  | "tag-team-blue-keys" // kms:Decrypt on every key tagged team blue (counts where a key policy delegates)
  | "deny-assume-red-roles"; // a Deny of sts:AssumeRole on roles tagged team red (aws:ResourceTag/team)

export interface UserSpec {
  readonly access: TableAccessLevel;
  readonly extras: readonly ExtraPolicy[];
  /** Has an active access key (a principal the prober can sign as). */
  readonly withAccessKey: boolean;
  /** Its permissions boundary (a customer managed policy of the stack), if any. */
  readonly boundary?: BoundaryKind;
  /** Its IAM tag `team` (aws:PrincipalTag/team), when it has one. */
  readonly team?: "blue" | "red";
  /** A fine-grained policy on the tables (test/support/fineGrained.ts), when it has one. */
  readonly fineGrained?: FineGrainedKind;
}

/**
 * A permissions boundary: `tables-only` allows dynamodb:* and no KMS action (an identity policy granting
 * the key is then cut off, a key policy naming the user is not); `reads-only` allows the table reads and
 * kms:Decrypt/DescribeKey (writes are cut off); `all-but-kms` allows every action but KMS's (NotAction),
 * its own removal included.
 */
export type BoundaryKind = "tables-only" | "reads-only" | "all-but-kms";

/** An IAM group: its table access and extras as one group policy (inline or attached), and its members. */
export interface GroupSpec {
  readonly access: TableAccessLevel;
  readonly extras: readonly ExtraPolicy[];
  /** Indices of its member users. */
  readonly members: readonly number[];
  /** How the policy is given: aws.iam.GroupPolicy, or a customer managed policy attached to the group. */
  readonly policyAs: "inline" | "attached";
  /** How members join: one aws.iam.GroupMembership, or an aws.iam.UserGroupMembership per user. */
  readonly membership: "group-membership" | "user-group-membership";
}

/** SCPs (limit the account's principals) and RCPs (limit its resources) attached to the stack's account. */
export interface OrganizationSpec {
  /**
   * `deny-delete-item`: Deny dynamodb:DeleteItem; `deny-kms-decrypt`: Deny kms:Decrypt (through DynamoDB
   * too); `deny-user0-dynamodb`: Deny dynamodb:* to user 0 by aws:PrincipalArn.
   */
  readonly scps: readonly ("deny-delete-item" | "deny-kms-decrypt" | "deny-user0-dynamodb")[];
  /**
   * `deny-direct-decrypt`: Deny kms:Decrypt unless through DynamoDB (kms:ViaService); `deny-user1-kms`:
   * Deny kms:* to user 1 by aws:PrincipalArn.
   */
  readonly rcps: readonly ("deny-direct-decrypt" | "deny-user1-kms")[];
  /** Where they are attached: the organization root, the stack's account, or another account (then they do not apply). */
  readonly attachedTo: "root" | "account" | "other-account";
  /**
   * `management`: the plan creates the organization, so its account is the management account, which SCPs
   * and RCPs spare; `member`: the plan's getOrganization invoke names another management account;
   * `unsaid`: neither (the engine then takes the account to be the management account, at worst).
   */
  readonly account: "management" | "member" | "unsaid";
}

/**
 * An organization the condition keys aws:PrincipalOrgID, aws:PrincipalOrgPaths and aws:ResourceOrgID read
 * (not with OrganizationSpec, whose organization is another): an OU under the root, the second account
 * placed in it by an aws.organizations.Account or not, and with `organization` an
 * aws.organizations.Organization whose account list is whole (the stack's account is its management
 * account), else no such resource, so the membership of an account the plan does not place is unknown.
 */
export interface OrgKeysSpec {
  readonly shape: "organization" | "accounts";
  readonly partnerMember: boolean;
  /** The key policies (not KMS's default one) let in, through DynamoDB, the organization's principals. */
  readonly keyPolicy?: "org-id" | "org-paths";
  /** Indices of users allowed PutItem on any table of an account of the organization (aws:ResourceOrgID). */
  readonly resourceOrgWriters: readonly number[];
}

export const GENERATED_ORG_ID = "o-g3n3r4t3d0";
export const GENERATED_ROOT_ID = "r-g3n0";
export const GENERATED_OU_ID = "ou-g3n0-22222222";

/** The statement's Condition letting in the organization's principals by id, or those under its OU by path. */
function orgCondition(kind: "org-id" | "org-paths"): Record<string, Record<string, string>> {
  return kind === "org-id"
    ? { StringEquals: { "aws:PrincipalOrgID": GENERATED_ORG_ID } }
    : {
        "ForAnyValue:StringLike": {
          "aws:PrincipalOrgPaths": `${GENERATED_ORG_ID}/*/${GENERATED_OU_ID}/*`,
        },
      };
}

export interface KeySpec {
  /** The key policy allows the account root (delegates to IAM). */
  readonly rootStatement: boolean;
  /** Indices of users named as key users. */
  readonly keyUsers: readonly number[];
  /** The key-user statement requires kms:ViaService dynamodb (else direct calls are allowed too). */
  readonly viaDynamoDbOnly: boolean;
  /** Indices of users the key policy explicitly denies kms:Decrypt. */
  readonly deniedUsers: readonly number[];
  readonly enabled: boolean;
  /** Indices of roles named as key users beside the users (same statement). */
  readonly keyRoles?: readonly number[];
  /** Indices of partners (StackSpec.partners) named as key users beside the users (same statement). */
  readonly keyPartners?: readonly number[];
  /**
   * Where the key policy is: the key's `policy` input (the default), an aws:kms/keyPolicy:KeyPolicy
   * resource on a key with none, or nowhere, so KMS gives the key its default key policy (the account root
   * may do anything, so IAM policies decide; the statements above are then not used).
   */
  readonly policyAs?: "key" | "key-policy-resource" | "default";
  /**
   * The key policy lets in, through DynamoDB, any user of the account whose name starts with
   * `<stack id>-analyst-` (Principal "*" with an aws:PrincipalArn ArnLike condition): a principal class
   * matched only by a wildcard and a condition.
   */
  readonly analysts?: boolean;
  /** Its tag `team` (aws:ResourceTag/team), when it has one. */
  readonly team?: "blue" | "red";
  /** Indices of partner roles (StackSpec.partnerRoles) named as key users beside the users (same statement). */
  readonly keyPartnerRoles?: readonly number[];
}

/** An IAM role: its table access (an inline policy, or AmazonDynamoDBFullAccess) and who may assume it. */
export interface RoleSpec {
  readonly access: TableAccessLevel;
  /** Indices of users the trust policy names; none: the trust policy names the account root instead. */
  readonly trustedUsers: readonly number[];
  /** Its permissions boundary (its sessions have it too), if any. */
  readonly boundary?: BoundaryKind;
  /** Its IAM tag `team`, which its sessions carry (aws:PrincipalTag/team), when it has one. */
  readonly team?: "blue" | "red";
  /** Its policy also allows GetItem and Query when the principal's tag team is blue. */
  readonly abac?: boolean;
  /** A fine-grained policy on the tables (test/support/fineGrained.ts), when it has one. */
  readonly fineGrained?: FineGrainedKind;
}

/** A KMS grant (aws:kms/grant:Grant) on one of the stack's keys. */
export interface GrantSpec {
  readonly key: number;
  readonly grantee: { readonly kind: "user" | "role"; readonly index: number };
  /** KMS grant operations, e.g. "Decrypt", "CreateGrant". */
  readonly operations: readonly string[];
  /**
   * "none"; "first-table": EncryptionContextSubset aws:dynamodb:tableName = the stack's first table (what
   * DynamoDB's requests for that table carry); "other-equals": EncryptionContextEquals on a context no
   * request of the matrix carries.
   */
  readonly constraint: "none" | "first-table" | "other-equals";
}

/**
 * A table's resource-based policy (aws.dynamodb.ResourcePolicy): users it allows to read, or to read and
 * write, the table and its indexes, and users it denies GetItem.
 */
export interface TablePolicySpec {
  readonly readers: readonly number[];
  readonly writers: readonly number[];
  readonly deniedGetItem: readonly number[];
  /**
   * Users it lets use the item actions on their own items only: those whose partition key is the caller's
   * `${aws:userid}` (test/support/fineGrained.ts `leading-keys-userid`, with the user as Principal).
   */
  readonly ownItemsUsers?: readonly number[];
  /** Partners (indices of StackSpec.partners) it lets read, or read and write; and denies GetItem. */
  readonly partnerReaders?: readonly number[];
  readonly partnerWriters?: readonly number[];
  readonly partnerDeniedGetItem?: readonly number[];
  /** It lets the partners' whole account read (Principal: the account's root ARN). */
  readonly partnerAccountReads?: boolean;
  /** Lets in GetItem to any principal of the organization (OrgKeysSpec) by id or under its OU by path. */
  readonly organizationReads?: "org-id" | "org-paths";
  /** Partner roles (indices of StackSpec.partnerRoles) it lets read. */
  readonly partnerRoleReaders?: readonly number[];
}

/**
 * A user of a second account (PARTNER_ACCOUNT: its ARN names it, as a second provider makes it), with an
 * access key: its identity policy allows the table access of `access` on the stack's tables (by ARN), and
 * kms:Decrypt on the stack's keys when `decrypt`. It reaches a table only where the table's policy lets it
 * in too, and a table's key only where the key policy names it (IAM User Guide, "Cross-account policy
 * evaluation logic").
 */
export interface PartnerSpec {
  readonly access: TableAccessLevel;
  readonly decrypt: boolean;
}

/** The second account of the generated stacks' partners. */
export const PARTNER_ACCOUNT = OTHER_ACCOUNT_ID;

/**
 * A role of the second account, whose trust policy names one of its users (`trustedPartner`, who is also
 * allowed sts:AssumeRole on it): its identity policy allows the table access of `access` on the stack's
 * tables by ARN, and kms:Decrypt on the stack's keys when `decrypt`. Its sessions reach a table only where
 * the table's policy names the role (TablePolicySpec.partnerRoleReaders) and its key only where the key
 * policy does (KeySpec.keyPartnerRoles): IAM User Guide, "Cross-account policy evaluation logic".
 */
export interface PartnerRoleSpec {
  readonly access: TableAccessLevel;
  readonly decrypt: boolean;
  readonly trustedPartner: number;
}

export interface StackSpec {
  readonly id: string;
  readonly users: readonly UserSpec[];
  /** Users of a second account; a table's policy (TablePolicySpec) and a key policy (KeySpec) may name them. */
  readonly partners?: readonly PartnerSpec[];
  readonly keys: readonly KeySpec[];
  /** Per table: the index of its key, or undefined for AWS-owned encryption. */
  readonly tables: readonly (number | undefined)[];
  readonly roles?: readonly RoleSpec[];
  readonly grants?: readonly GrantSpec[];
  readonly groups?: readonly GroupSpec[];
  readonly organization?: OrganizationSpec;
  readonly orgKeys?: OrgKeysSpec;
  /** Roles of the second account (their trusted users are partners). */
  readonly partnerRoles?: readonly PartnerRoleSpec[];
  /** Per table: its tag `env` (aws:ResourceTag/env), or undefined for none. */
  readonly tableTags?: readonly ("prod" | "dev" | undefined)[];
  /** Per table: its resource-based policy, or undefined for none. */
  readonly tablePolicies?: readonly (TablePolicySpec | undefined)[];
  /**
   * Auto-named resources: users, roles, tables and inline policies have no `name` input; the provider's
   * name (the logical name and a suffix) is in their outputs and IDs only.
   */
  readonly autoNames?: boolean;
  /**
   * Written as programs often are: policy documents given as objects (the provider serializes them), and
   * the policy resources naming their user, role or key by a resource reference (`user: user`).
   */
  readonly objectsAndReferences?: boolean;
  /** The tables have a sort key `sk` (string) beside the partition key `pk`. */
  readonly sortKey?: boolean;
}

const DEPLOYER = `arn:aws:iam::${ACCOUNT_ID}:user/deployer`;
/** The management account of a member account's organization (OrganizationSpec `member`). */
const MANAGEMENT_ACCOUNT_ID = "999988887777";

const READ = [
  "dynamodb:GetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:BatchGetItem",
  "dynamodb:DescribeTable",
];
const WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

export function buildStackPlan(spec: StackSpec): Plan {
  const states: PlanResourceState[] = [];
  const urn = (type: string, name: string) => `urn:pulumi:gen::kms-dynamodb::${type}::${name}`;
  const add = (
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    outputs: Record<string, unknown>,
    id?: string,
  ) =>
    states.push({
      type,
      urn: urn(type, name),
      custom: true,
      ...(id === undefined ? {} : { id }),
      inputs,
      outputs: { ...inputs, ...outputs },
      dependencies: [],
      propertyDependencies: {},
    });
  // An auto-named resource's name is the provider's: the logical name and a suffix (Pulumi docs,
  // "Resource names: autonaming").
  const physical = (logical: string) => (spec.autoNames ? `${logical}-${hex(logical, 7)}` : logical);
  const named = (name: string) => (spec.autoNames ? {} : { name });
  const document = (value: unknown) => (spec.objectsAndReferences ? value : JSON.stringify(value));
  const reference = (type: string, name: string, id: string) =>
    spec.objectsAndReferences ? { [SPECIAL_SIG_KEY]: RESOURCE_REFERENCE_SIG, urn: urn(type, name) } : id;
  const userName = (index: number) => physical(`${spec.id}-u${index}`);
  const userArn = (index: number) => `arn:aws:iam::${ACCOUNT_ID}:user/${userName(index)}`;
  const partners = spec.partners ?? [];
  const partnerName = (index: number) => physical(`${spec.id}-p${index}`);
  const partnerArn = (index: number) => `arn:aws:iam::${PARTNER_ACCOUNT}:user/${partnerName(index)}`;
  const partnerArns = (indices: readonly number[]) =>
    [...new Set(indices)].filter((partner) => partner < partners.length).map(partnerArn);
  // Roles of the second account whose trusted partner exists.
  const partnerRoles = (spec.partnerRoles ?? []).filter((role) => role.trustedPartner < partners.length);
  const partnerRoleName = (index: number) => physical(`${spec.id}-pr${index}`);
  const partnerRoleArn = (index: number) => `arn:aws:iam::${PARTNER_ACCOUNT}:role/${partnerRoleName(index)}`;
  const partnerRoleArns = (indices: readonly number[]) =>
    [...new Set(indices)].filter((role) => role < partnerRoles.length).map(partnerRoleArn);
  const keyArns = spec.keys.map(
    (_, index) =>
      `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/${hex(`${spec.id}-k${index}`, 8)}-0000-4000-8000-${hex(`${spec.id}k${index}`, 12)}`,
  );
  const tableName = (index: number) => physical(`${spec.id}-t${index}`);
  const tableArn = (index: number) => `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${tableName(index)}`;
  const outputsUsers: Record<string, unknown> = {};
  const outputsRoles: Record<string, unknown> = {};
  const roles = spec.roles ?? [];
  const roleName = (index: number) => physical(`${spec.id}-r${index}`);
  const roleArn = (index: number) => `arn:aws:iam::${ACCOUNT_ID}:role/${roleName(index)}`;
  const tableAccess = (access: TableAccessLevel): Record<string, unknown>[] =>
    access === "readonly" || access === "readwrite"
      ? [
          {
            Sid: "TableAccess",
            Effect: "Allow",
            Action: access === "readonly" ? READ : [...READ, ...WRITE],
            Resource: spec.tables.map((_, table) => tableArn(table)),
          },
        ]
      : [];

  const boundaryArn = (kind: BoundaryKind) => `arn:aws:iam::${ACCOUNT_ID}:policy/${spec.id}-boundary-${kind}`;
  const boundaries = new Set<BoundaryKind>(
    [...spec.users, ...roles].flatMap((principal) =>
      principal.boundary === undefined ? [] : [principal.boundary],
    ),
  );
  for (const kind of boundaries) {
    const name = `${spec.id}-boundary-${kind}`;
    const statement =
      kind === "tables-only"
        ? { Sid: "TablesOnly", Effect: "Allow", Action: "dynamodb:*", Resource: "*" }
        : kind === "all-but-kms"
          ? { Sid: "AllButKms", Effect: "Allow", NotAction: "kms:*", Resource: "*" }
          : {
              Sid: "ReadsOnly",
              Effect: "Allow",
              Action: [...READ, "kms:Decrypt", "kms:DescribeKey"],
              Resource: "*",
            };
    add(
      "aws:iam/policy:Policy",
      name,
      { name, policy: document({ Version: "2012-10-17", Statement: [statement] }) },
      { arn: boundaryArn(kind) },
      boundaryArn(kind),
    );
  }
  const boundaryInput = (kind: BoundaryKind | undefined) =>
    kind === undefined ? {} : { permissionsBoundary: boundaryArn(kind) };
  // Attribute-based access: the tables to a principal tagged team blue (IAM User Guide, "Define
  // permissions based on attributes with ABAC authorization").
  const abacStatement = () => ({
    Sid: "TeamBlueReads",
    Effect: "Allow",
    Action: ["dynamodb:GetItem", "dynamodb:Query"],
    Resource: spec.tables.map((_, table) => tableArn(table)),
    Condition: { StringEquals: { "aws:PrincipalTag/team": "blue" } },
  });
  const tagsOf = (team: string | undefined) => (team === undefined ? {} : { tags: { team } });

  spec.users.forEach((user, index) => {
    const name = userName(index);
    add(
      "aws:iam/user:User",
      name,
      { ...named(name), ...boundaryInput(user.boundary), ...tagsOf(user.team) },
      { name, arn: userArn(index), uniqueId: `AIDA${hex(name, 16).toUpperCase()}` },
      name,
    );
    const statements: Record<string, unknown>[] = [];
    const tables = spec.tables.map((_, table) => tableArn(table));
    if (user.access === "readonly" || user.access === "readwrite") {
      const actions = user.access === "readonly" ? READ : [...READ, ...WRITE];
      statements.push({ Sid: "TableAccess", Effect: "Allow", Action: actions, Resource: tables });
    }
    if (user.extras.includes("allow-kms-decrypt") && keyArns.length > 0) {
      statements.push({ Sid: "DecryptTheKey", Effect: "Allow", Action: "kms:Decrypt", Resource: keyArns });
    }
    if (user.extras.includes("deny-get-item")) {
      statements.push({ Sid: "NoGetItem", Effect: "Deny", Action: "dynamodb:GetItem", Resource: "*" });
    }
    statements.push(...transactionExtras(user.extras, tables));
    statements.push(...resourceTagExtras(user.extras));
    if ((spec.orgKeys?.resourceOrgWriters ?? []).includes(index)) {
      statements.push({
        Sid: "OrganizationWrites",
        Effect: "Allow",
        Action: "dynamodb:PutItem",
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceOrgID": GENERATED_ORG_ID } },
      });
    }
    if (user.extras.includes("deny-kms")) {
      statements.push({ Sid: "NoKms", Effect: "Deny", Action: "kms:*", Resource: "*" });
    }
    if (user.extras.includes("abac-team-blue")) {
      statements.push(abacStatement());
    }
    if (user.fineGrained !== undefined) {
      statements.push(...fineGrainedStatements(user.fineGrained, tables));
    }
    if (user.extras.includes("allow-drop-boundary")) {
      statements.push({
        Sid: "DropAnyBoundary",
        Effect: "Allow",
        Action: "iam:DeleteUserPermissionsBoundary",
        Resource: `arn:aws:iam::${ACCOUNT_ID}:user/*`,
      });
    }
    if (user.extras.includes("allow-edit-groups")) {
      statements.push({
        Sid: "EditAnyGroup",
        Effect: "Allow",
        Action: "iam:PutGroupPolicy",
        Resource: `arn:aws:iam::${ACCOUNT_ID}:group/*`,
      });
    }
    if (user.extras.includes("allow-create-access-key")) {
      statements.push({
        Sid: "KeysForAnyone",
        Effect: "Allow",
        Action: "iam:CreateAccessKey",
        Resource: `arn:aws:iam::${ACCOUNT_ID}:user/*`,
      });
    }
    if (statements.length > 0) {
      add(
        "aws:iam/userPolicy:UserPolicy",
        name,
        {
          ...named(`${name}-policy`),
          user: reference("aws:iam/user:User", name, name),
          policy: document({ Version: "2012-10-17", Statement: statements }),
        },
        {},
        `${name}:${name}-policy`,
      );
    }
    if (user.access === "full") {
      add(
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        name,
        {
          user: reference("aws:iam/user:User", name, name),
          policyArn: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
        },
        {},
        `${name}-full`,
      );
    }
    const accessKeyId = `AKIA${hex(`${name}-key`, 16).toUpperCase()}`;
    const secretAccessKey = hex(`${name}-secret`, 40);
    if (user.withAccessKey) {
      add(
        "aws:iam/accessKey:AccessKey",
        name,
        { user: reference("aws:iam/user:User", name, name) },
        { secret: secretAccessKey, status: "Active" },
        accessKeyId,
      );
    }
    outputsUsers[name] = {
      arn: userArn(index),
      keyUser: spec.keys.some((key) => key.keyUsers.includes(index)),
      ...(user.withAccessKey ? { accessKeyId, secretAccessKey } : {}),
    };
  });

  partners.forEach((partner, index) => {
    const name = partnerName(index);
    add(
      "aws:iam/user:User",
      name,
      { ...named(name) },
      { name, arn: partnerArn(index), uniqueId: `AIDA${hex(name, 16).toUpperCase()}` },
      name,
    );
    const statements: Record<string, unknown>[] = [];
    const tables = spec.tables.map((_, table) => tableArn(table));
    if (partner.access !== "none") {
      const actions = partner.access === "readonly" ? READ : [...READ, ...WRITE];
      statements.push({ Sid: "TableAccess", Effect: "Allow", Action: actions, Resource: tables });
    }
    if (partner.decrypt && keyArns.length > 0) {
      statements.push({ Sid: "DecryptTheKey", Effect: "Allow", Action: "kms:Decrypt", Resource: keyArns });
    }
    const assumable = partnerRoles.flatMap((role, roleIndex) =>
      role.trustedPartner === index ? [partnerRoleArn(roleIndex)] : [],
    );
    if (assumable.length > 0) {
      statements.push({
        Sid: "AssumeItsRoles",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: assumable,
      });
    }
    if (statements.length > 0) {
      add(
        "aws:iam/userPolicy:UserPolicy",
        name,
        {
          ...named(`${name}-policy`),
          user: reference("aws:iam/user:User", name, name),
          policy: document({ Version: "2012-10-17", Statement: statements }),
        },
        {},
        `${name}:${name}-policy`,
      );
    }
    const accessKeyId = `AKIA${hex(`${name}-key`, 16).toUpperCase()}`;
    const secretAccessKey = hex(`${name}-secret`, 40);
    add(
      "aws:iam/accessKey:AccessKey",
      name,
      { user: reference("aws:iam/user:User", name, name) },
      { secret: secretAccessKey, status: "Active" },
      accessKeyId,
    );
    // In the outputs as any user: the checks and the prober sign with the key the outputs give.
    outputsUsers[name] = {
      arn: partnerArn(index),
      keyUser: spec.keys.some((key) => (key.keyPartners ?? []).includes(index)),
      accessKeyId,
      secretAccessKey,
    };
  });

  partnerRoles.forEach((role, index) => {
    const name = partnerRoleName(index);
    add(
      "aws:iam/role:Role",
      name,
      {
        ...named(name),
        assumeRolePolicy: document({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: partnerArn(role.trustedPartner) },
              Action: "sts:AssumeRole",
            },
          ],
        }),
      },
      { name, arn: partnerRoleArn(index), uniqueId: `AROA${hex(name, 16).toUpperCase()}` },
      name,
    );
    const statements: Record<string, unknown>[] = [];
    if (role.access !== "none") {
      const actions = role.access === "readonly" ? READ : [...READ, ...WRITE];
      statements.push({
        Sid: "TableAccess",
        Effect: "Allow",
        Action: actions,
        Resource: spec.tables.map((_, table) => tableArn(table)),
      });
    }
    if (role.decrypt && keyArns.length > 0) {
      statements.push({ Sid: "DecryptTheKey", Effect: "Allow", Action: "kms:Decrypt", Resource: keyArns });
    }
    if (statements.length > 0) {
      add(
        "aws:iam/rolePolicy:RolePolicy",
        name,
        {
          ...named(`${name}-policy`),
          role: reference("aws:iam/role:Role", name, name),
          policy: document({ Version: "2012-10-17", Statement: statements }),
        },
        {},
        `${name}:${name}-policy`,
      );
    }
  });

  roles.forEach((role, index) => {
    const name = roleName(index);
    const trusted = [...new Set(role.trustedUsers)].filter((user) => user < spec.users.length);
    add(
      "aws:iam/role:Role",
      name,
      {
        ...named(name),
        ...boundaryInput(role.boundary),
        ...tagsOf(role.team),
        assumeRolePolicy: document({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: {
                AWS: trusted.length > 0 ? trusted.map(userArn) : `arn:aws:iam::${ACCOUNT_ID}:root`,
              },
              Action: "sts:AssumeRole",
            },
          ],
        }),
      },
      { name, arn: roleArn(index), uniqueId: `AROA${hex(name, 16).toUpperCase()}` },
      name,
    );
    const statements = [
      ...tableAccess(role.access),
      ...(role.abac === true ? [abacStatement()] : []),
      ...(role.fineGrained === undefined
        ? []
        : fineGrainedStatements(
            role.fineGrained,
            spec.tables.map((_, table) => tableArn(table)),
          )),
    ];
    if (statements.length > 0) {
      add(
        "aws:iam/rolePolicy:RolePolicy",
        name,
        {
          ...named(`${name}-policy`),
          role: reference("aws:iam/role:Role", name, name),
          policy: document({ Version: "2012-10-17", Statement: statements }),
        },
        {},
        `${name}:${name}-policy`,
      );
    }
    if (role.access === "full") {
      add(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name,
        {
          role: reference("aws:iam/role:Role", name, name),
          policyArn: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
        },
        {},
        `${name}-full`,
      );
    }
    outputsRoles[name] = {
      arn: roleArn(index),
      keyUser: spec.keys.some((key) => (key.keyRoles ?? []).includes(index)),
    };
  });

  spec.keys.forEach((key, index) => {
    const statements: Record<string, unknown>[] = [];
    if (key.rootStatement) {
      statements.push({
        Sid: "EnableIamPoliciesThroughAccountRoot",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
        Action: "kms:*",
        Resource: "*",
      });
    }
    statements.push({
      Sid: "AllowKeyAdministration",
      Effect: "Allow",
      Principal: { AWS: DEPLOYER },
      Action: "kms:*",
      Resource: "*",
    });
    const users = [...new Set(key.keyUsers)].filter((user) => user < spec.users.length);
    const keyRoles = [...new Set(key.keyRoles ?? [])].filter((role) => role < roles.length);
    const keyPartners = [
      ...partnerArns(key.keyPartners ?? []),
      ...partnerRoleArns(key.keyPartnerRoles ?? []),
    ];
    if (users.length + keyRoles.length + keyPartners.length > 0) {
      statements.push({
        Sid: "AllowUseThroughDynamoDB",
        Effect: "Allow",
        Principal: { AWS: [...users.map(userArn), ...keyRoles.map(roleArn), ...keyPartners] },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
        ...(key.viaDynamoDbOnly
          ? { Condition: { StringEquals: { "kms:ViaService": `dynamodb.${REGION}.amazonaws.com` } } }
          : {}),
      });
    }
    if (spec.orgKeys?.keyPolicy !== undefined) {
      const condition = orgCondition(spec.orgKeys.keyPolicy);
      statements.push({
        Sid: "OrganizationThroughDynamoDB",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: "*",
        Condition: {
          ...condition,
          StringEquals: {
            ...(condition.StringEquals ?? {}),
            "kms:ViaService": `dynamodb.${REGION}.amazonaws.com`,
          },
        },
      });
    }
    if (key.analysts === true) {
      statements.push({
        Sid: "AnalystsThroughDynamoDB",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: "*",
        Condition: {
          ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT_ID}:user/${spec.id}-analyst-*` },
          StringEquals: {
            "kms:CallerAccount": ACCOUNT_ID,
            "kms:ViaService": `dynamodb.${REGION}.amazonaws.com`,
          },
        },
      });
    }
    const denied = [...new Set(key.deniedUsers)].filter((user) => user < spec.users.length);
    if (denied.length > 0) {
      statements.push({
        Sid: "DenyDecrypt",
        Effect: "Deny",
        Principal: { AWS: denied.map(userArn) },
        Action: "kms:Decrypt",
        Resource: "*",
      });
    }
    const keyId = keyArns[index].split("/")[1];
    const keyName = `${spec.id}-k${index}`;
    const policy = { Version: "2012-10-17", Statement: statements };
    const policyAs = key.policyAs ?? "key";
    add(
      "aws:kms/key:Key",
      keyName,
      {
        ...(policyAs === "key" ? { policy: document(policy) } : {}),
        isEnabled: key.enabled,
        description: `generated key ${index}`,
        ...(key.team === undefined ? {} : { tags: { team: key.team } }),
      },
      { arn: keyArns[index], keyId },
      keyId,
    );
    if (policyAs === "key-policy-resource") {
      add(
        "aws:kms/keyPolicy:KeyPolicy",
        keyName,
        { keyId: reference("aws:kms/key:Key", keyName, keyId), policy: document(policy) },
        {},
        keyId,
      );
    }
  });

  spec.tables.forEach((keyIndex, index) => {
    const name = tableName(index);
    const kmsKeyArn = keyIndex === undefined ? undefined : keyArns[keyIndex % Math.max(keyArns.length, 1)];
    add(
      "aws:dynamodb/table:Table",
      name,
      {
        ...named(name),
        hashKey: "pk",
        ...(spec.sortKey === true
          ? {
              rangeKey: "sk",
              attributes: [
                { name: "pk", type: "S" },
                { name: "sk", type: "S" },
              ],
            }
          : { attributes: [{ name: "pk", type: "S" }] }),
        billingMode: "PAY_PER_REQUEST",
        ...(kmsKeyArn === undefined ? {} : { serverSideEncryption: { enabled: true, kmsKeyArn } }),
        ...(spec.tableTags?.[index] === undefined ? {} : { tags: { env: spec.tableTags[index] } }),
      },
      { name, arn: tableArn(index) },
      name,
    );
  });

  (spec.tablePolicies ?? []).forEach((tablePolicy, index) => {
    if (tablePolicy === undefined || index >= spec.tables.length) {
      return;
    }
    const users = (indices: readonly number[]) =>
      [...new Set(indices)].filter((user) => user < spec.users.length).map(userArn);
    const resources = [tableArn(index), `${tableArn(index)}/index/*`];
    const statements: Record<string, unknown>[] = [];
    if (users(tablePolicy.readers).length > 0) {
      statements.push({
        Sid: "Readers",
        Effect: "Allow",
        Principal: { AWS: users(tablePolicy.readers) },
        Action: READ,
        Resource: resources,
      });
    }
    if (users(tablePolicy.writers).length > 0) {
      statements.push({
        Sid: "Writers",
        Effect: "Allow",
        Principal: { AWS: users(tablePolicy.writers) },
        Action: [...READ, ...WRITE],
        Resource: resources,
      });
    }
    if (users(tablePolicy.ownItemsUsers ?? []).length > 0) {
      statements.push(
        ...fineGrainedStatements("leading-keys-userid", resources).map((statement) => ({
          ...statement,
          Principal: { AWS: users(tablePolicy.ownItemsUsers ?? []) },
        })),
      );
    }
    if (users(tablePolicy.deniedGetItem).length > 0) {
      statements.push({
        Sid: "NoGetItem",
        Effect: "Deny",
        Principal: { AWS: users(tablePolicy.deniedGetItem) },
        Action: "dynamodb:GetItem",
        Resource: resources,
      });
    }
    if (tablePolicy.organizationReads !== undefined && spec.orgKeys !== undefined) {
      statements.push({
        Sid: "OrganizationReads",
        Effect: "Allow",
        Principal: "*",
        Action: "dynamodb:GetItem",
        Resource: resources,
        Condition: orgCondition(tablePolicy.organizationReads),
      });
    }
    // Partners of the second account: by user ARN, or their whole account by its root ARN.
    const partnerReaders = [
      ...partnerArns(tablePolicy.partnerReaders ?? []),
      ...(tablePolicy.partnerAccountReads === true && partners.length > 0
        ? [`arn:aws:iam::${PARTNER_ACCOUNT}:root`]
        : []),
    ];
    const partnerStatements: [string, string[], string | string[], "Allow" | "Deny"][] = [
      [
        "PartnerReaders",
        [...partnerReaders, ...partnerRoleArns(tablePolicy.partnerRoleReaders ?? [])],
        READ,
        "Allow",
      ],
      ["PartnerWriters", partnerArns(tablePolicy.partnerWriters ?? []), [...READ, ...WRITE], "Allow"],
      ["PartnerNoGetItem", partnerArns(tablePolicy.partnerDeniedGetItem ?? []), "dynamodb:GetItem", "Deny"],
    ];
    for (const [Sid, principals, Action, Effect] of partnerStatements) {
      if (principals.length > 0) {
        statements.push({ Sid, Effect, Principal: { AWS: principals }, Action, Resource: resources });
      }
    }
    if (statements.length === 0) {
      return;
    }
    add(
      "aws:dynamodb/resourcePolicy:ResourcePolicy",
      `${tableName(index)}-policy`,
      { resourceArn: tableArn(index), policy: document({ Version: "2012-10-17", Statement: statements }) },
      {},
      tableArn(index),
    );
  });

  (spec.grants ?? []).forEach((grant, index) => {
    const granteeArn =
      grant.grantee.kind === "user"
        ? grant.grantee.index < spec.users.length
          ? userArn(grant.grantee.index)
          : undefined
        : grant.grantee.index < roles.length
          ? roleArn(grant.grantee.index)
          : undefined;
    if (granteeArn === undefined || grant.key >= keyArns.length) {
      return;
    }
    const name = `${spec.id}-g${index}`;
    // @pulumi/aws 7 aws.kms.Grant: constraints is a list of { encryptionContextEquals?, encryptionContextSubset? }.
    const constraints =
      grant.constraint === "first-table"
        ? [{ encryptionContextSubset: { "aws:dynamodb:tableName": tableName(0) } }]
        : grant.constraint === "other-equals"
          ? [{ encryptionContextEquals: { purpose: "not-a-table" } }]
          : undefined;
    add(
      "aws:kms/grant:Grant",
      name,
      {
        name,
        keyId: keyArns[grant.key],
        granteePrincipal: granteeArn,
        operations: [...grant.operations],
        ...(constraints === undefined ? {} : { constraints }),
      },
      { grantId: hex(`${name}-id`, 64), grantToken: hex(`${name}-token`, 64) },
      hex(`${name}-id`, 64),
    );
  });

  (spec.groups ?? []).forEach((group, index) => {
    const name = physical(`${spec.id}-grp${index}`);
    const groupArn = `arn:aws:iam::${ACCOUNT_ID}:group/${name}`;
    add(
      "aws:iam/group:Group",
      name,
      named(name),
      { name, arn: groupArn, uniqueId: `AGPA${hex(name, 16).toUpperCase()}` },
      name,
    );
    const groupRef = reference("aws:iam/group:Group", name, name);
    const statements = [
      ...tableAccess(group.access),
      ...extraStatements(group.extras, keyArns),
      ...transactionExtras(
        group.extras,
        spec.tables.map((_, table) => tableArn(table)),
      ),
    ];
    if (group.access === "full") {
      add(
        "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
        `${name}-full`,
        { group: groupRef, policyArn: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" },
        {},
        `${name}-full`,
      );
    }
    if (statements.length > 0) {
      const policy = document({ Version: "2012-10-17", Statement: statements });
      if (group.policyAs === "inline") {
        add(
          "aws:iam/groupPolicy:GroupPolicy",
          name,
          { ...named(`${name}-policy`), group: groupRef, policy },
          {},
          `${name}:${name}-policy`,
        );
      } else {
        const policyArn = `arn:aws:iam::${ACCOUNT_ID}:policy/${name}-policy`;
        add(
          "aws:iam/policy:Policy",
          `${name}-policy`,
          { name: `${name}-policy`, policy },
          { arn: policyArn },
          policyArn,
        );
        add(
          "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
          name,
          { group: groupRef, policyArn },
          {},
          `${name}-attachment`,
        );
      }
    }
    const members = [...new Set(group.members)].filter((member) => member < spec.users.length);
    if (group.membership === "group-membership") {
      add(
        "aws:iam/groupMembership:GroupMembership",
        name,
        { name: `${name}-members`, group: groupRef, users: members.map(userName) },
        {},
        `${name}-members`,
      );
    } else {
      for (const member of members) {
        add(
          "aws:iam/userGroupMembership:UserGroupMembership",
          `${name}-u${member}`,
          { user: userName(member), groups: [groupRef] },
          {},
          `${name}-u${member}`,
        );
      }
    }
  });

  const organization = spec.organization;
  if (organization !== undefined) {
    const rootId = `r-${hex(`${spec.id}-root`, 4)}`;
    if (organization.account === "management") {
      add(
        "aws:organizations/organization:Organization",
        `${spec.id}-org`,
        { featureSet: "ALL", enabledPolicyTypes: ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] },
        {
          masterAccountId: ACCOUNT_ID,
          roots: [
            {
              id: rootId,
              name: "Root",
              arn: `arn:aws:organizations::${ACCOUNT_ID}:root/o-example/${rootId}`,
            },
          ],
        },
        `o-${hex(spec.id, 10)}`,
      );
    }
    const targetId =
      organization.attachedTo === "root"
        ? rootId
        : organization.attachedTo === "account"
          ? ACCOUNT_ID
          : "999988887777";
    const policies: [
      string,
      "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY",
      Record<string, unknown>,
    ][] = [
      ...organization.scps.map(
        (kind) =>
          [kind, "SERVICE_CONTROL_POLICY", scpStatement(kind, userArn(0))] as [
            string,
            "SERVICE_CONTROL_POLICY",
            Record<string, unknown>,
          ],
      ),
      ...organization.rcps.map(
        (kind) =>
          [kind, "RESOURCE_CONTROL_POLICY", rcpStatement(kind, userArn(1))] as [
            string,
            "RESOURCE_CONTROL_POLICY",
            Record<string, unknown>,
          ],
      ),
    ];
    for (const [kind, type, statement] of policies) {
      const name = `${spec.id}-${kind}`;
      const policyId = `p-${hex(name, 8)}`;
      add(
        "aws:organizations/policy:Policy",
        name,
        { name, type, content: document({ Version: "2012-10-17", Statement: [statement] }) },
        {
          id: policyId,
          arn: `arn:aws:organizations::${ACCOUNT_ID}:policy/o-example/${type.toLowerCase()}/${policyId}`,
        },
        policyId,
      );
      add(
        "aws:organizations/policyAttachment:PolicyAttachment",
        name,
        { policyId: reference("aws:organizations/policy:Policy", name, policyId), targetId },
        {},
        `${targetId}:${policyId}`,
      );
    }
  }

  const orgKeys = spec.orgKeys;
  if (orgKeys !== undefined) {
    if (spec.organization !== undefined) {
      throw new Error(`stack ${spec.id}: orgKeys and organization are two organizations; give one`);
    }
    if (orgKeys.shape === "organization") {
      add(
        "aws:organizations/organization:Organization",
        `${spec.id}-org`,
        { featureSet: "ALL" },
        {
          id: GENERATED_ORG_ID,
          masterAccountId: ACCOUNT_ID,
          roots: [{ id: GENERATED_ROOT_ID, name: "Root" }],
          accounts: [{ id: ACCOUNT_ID }, ...(orgKeys.partnerMember ? [{ id: PARTNER_ACCOUNT }] : [])],
        },
        GENERATED_ORG_ID,
      );
    }
    add(
      "aws:organizations/organizationalUnit:OrganizationalUnit",
      `${spec.id}-ou`,
      { name: `${spec.id}-ou`, parentId: GENERATED_ROOT_ID },
      {
        arn: `arn:aws:organizations::${ACCOUNT_ID}:ou/${GENERATED_ORG_ID}/${GENERATED_OU_ID}`,
        accounts: [],
      },
      GENERATED_OU_ID,
    );
    if (orgKeys.partnerMember) {
      add(
        "aws:organizations/account:Account",
        `${spec.id}-partner-account`,
        { name: "partner", email: "partner@example.com", parentId: GENERATED_OU_ID },
        { arn: `arn:aws:organizations::${ACCOUNT_ID}:account/${GENERATED_ORG_ID}/${PARTNER_ACCOUNT}` },
        PARTNER_ACCOUNT,
      );
    }
  }

  return {
    steps: states.map((state) => ({ op: "create", urn: state.urn, newState: state, detailedDiff: null })),
    outputs: {
      region: REGION,
      accountId: ACCOUNT_ID,
      users: outputsUsers,
      ...(roles.length > 0 ? { roles: outputsRoles } : {}),
    },
    invokes: [
      {
        token: "aws:index/getCallerIdentity:getCallerIdentity",
        inputs: {},
        result: { accountId: ACCOUNT_ID, arn: DEPLOYER, userId: "AIDAQDEPLOYEREXAMPLE1" },
      },
      ...(spec.organization?.account === "member"
        ? [
            {
              token: "aws:organizations/getOrganization:getOrganization",
              inputs: {},
              result: { masterAccountId: MANAGEMENT_ACCOUNT_ID, id: "o-example" },
            },
          ]
        : []),
    ],
  };
}

/** The identity policy statements of the extras a group can carry (as a user's: see buildStackPlan). */
function extraStatements(
  extras: readonly ExtraPolicy[],
  keyArns: readonly string[],
): Record<string, unknown>[] {
  const statements: Record<string, unknown>[] = [];
  if (extras.includes("allow-kms-decrypt") && keyArns.length > 0) {
    statements.push({ Sid: "DecryptTheKey", Effect: "Allow", Action: "kms:Decrypt", Resource: [...keyArns] });
  }
  if (extras.includes("deny-get-item")) {
    statements.push({ Sid: "NoGetItem", Effect: "Deny", Action: "dynamodb:GetItem", Resource: "*" });
  }
  if (extras.includes("deny-kms")) {
    statements.push({ Sid: "NoKms", Effect: "Deny", Action: "kms:*", Resource: "*" });
  }
  statements.push(...resourceTagExtras(extras));
  return statements;
}

/**
 * The extras that read a resource's tags (aws:ResourceTag/KEY): on tables (DynamoDB Developer Guide,
 * "Using attribute-based access control with DynamoDB",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/attribute-based-access-control.html),
 * on keys (KMS Developer Guide, "Use tags to control access to KMS keys",
 * https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html) and on roles for
 * sts:AssumeRole (IAM User Guide, "Controlling access to AWS resources using tags",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html).
 */
function resourceTagExtras(extras: readonly ExtraPolicy[]): Record<string, unknown>[] {
  const statements: Record<string, unknown>[] = [];
  if (extras.includes("tag-env-prod-tables")) {
    statements.push({
      Sid: "ProdTables",
      Effect: "Allow",
      Action: READ,
      Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/*`,
      Condition: { StringEquals: { "aws:ResourceTag/env": "prod" } },
    });
  }
  if (extras.includes("deny-untagged-tables")) {
    statements.push({
      Sid: "NoUntaggedTables",
      Effect: "Deny",
      Action: "dynamodb:GetItem",
      Resource: "*",
      Condition: { Null: { "aws:ResourceTag/env": "true" } },
    });
  }
  if (extras.includes("tag-team-blue-keys")) {
    statements.push({
      Sid: "BlueKeys",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/*`,
      Condition: { StringEquals: { "aws:ResourceTag/team": "blue" } },
    });
  }
  if (extras.includes("deny-assume-red-roles")) {
    statements.push({
      Sid: "NoRedRoles",
      Effect: "Deny",
      Action: "sts:AssumeRole",
      Resource: `arn:aws:iam::${ACCOUNT_ID}:role/*`,
      Condition: { StringEquals: { "aws:ResourceTag/team": "red" } },
    });
  }
  return statements;
}

/**
 * The extras about a write transaction's parts, which are each authorized as their own action ("Using IAM
 * with DynamoDB transactions",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 */
function transactionExtras(
  extras: readonly ExtraPolicy[],
  tableArns: readonly string[],
): Record<string, unknown>[] {
  return [
    ...(extras.includes("allow-condition-check")
      ? [
          {
            Sid: "ConditionChecks",
            Effect: "Allow",
            Action: "dynamodb:ConditionCheckItem",
            Resource: [...tableArns],
          },
        ]
      : []),
    ...(extras.includes("deny-delete-item")
      ? [{ Sid: "NoDeleteItem", Effect: "Deny", Action: "dynamodb:DeleteItem", Resource: "*" }]
      : []),
  ];
}

/** An SCP's one statement (OrganizationSpec.scps). */
function scpStatement(kind: OrganizationSpec["scps"][number], user0Arn: string): Record<string, unknown> {
  switch (kind) {
    case "deny-delete-item":
      return { Sid: "NoDeleteItem", Effect: "Deny", Action: "dynamodb:DeleteItem", Resource: "*" };
    case "deny-kms-decrypt":
      return { Sid: "NoDecrypt", Effect: "Deny", Action: "kms:Decrypt", Resource: "*" };
    case "deny-user0-dynamodb":
      return {
        Sid: "NotUser0",
        Effect: "Deny",
        Action: "dynamodb:*",
        Resource: "*",
        Condition: { ArnEquals: { "aws:PrincipalArn": user0Arn } },
      };
  }
}

/** An RCP's one statement (OrganizationSpec.rcps); RCPs name Principal "*" only (Organizations, "RCP syntax"). */
function rcpStatement(kind: OrganizationSpec["rcps"][number], user1Arn: string): Record<string, unknown> {
  switch (kind) {
    case "deny-direct-decrypt":
      return {
        Sid: "OnlyThroughDynamoDB",
        Effect: "Deny",
        Principal: "*",
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringNotLike: { "kms:ViaService": "dynamodb.*.amazonaws.com" } },
      };
    case "deny-user1-kms":
      return {
        Sid: "NotUser1",
        Effect: "Deny",
        Principal: "*",
        Action: "kms:*",
        Resource: "*",
        Condition: { ArnEquals: { "aws:PrincipalArn": user1Arn } },
      };
  }
}
