/**
 * Principals that exist only in the account, for the access differential test: users of the stack's
 * account that the plan does not create, each with its identity policies, maybe a group and a permissions
 * boundary of the account. The sandbox is deployed with them (the account as it is: the plan plus these
 * users, their access keys, group and boundary, as the slow collect test deploys a user the plan lacks),
 * and the proof is given the plan without them plus the account data that describes them, as `aws iam
 * get-account-authorization-details` prints it (test/support/accountData.ts), merged by `npm run access --
 * --account-data DIR` (access/accountData/). The prober signs as them with their keys.
 */
import { createHash } from "node:crypto";
import type { Plan, PlanResourceState } from "../../plan/types";
import type { AccountDataSpec } from "./accountData";
import type { Signer } from "./prober";

/** A user only the account knows. */
export interface AccountOnlyUserSpec {
  /** Its inline policy's table access (none, reads, reads and writes with ConditionCheckItem). */
  readonly access: "none" | "readonly" | "readwrite";
  /** Its inline policy also allows kms:Decrypt on the stack's keys (counts where a key policy delegates). */
  readonly decrypt: boolean;
  /** Its inline policy also denies dynamodb:GetItem. */
  readonly denyGetItem: boolean;
  /** It is in the account's group, whose policy allows the table reads and kms:Decrypt on the keys. */
  readonly inGroup: boolean;
  /** Its permissions boundary, the account's policy allowing the table reads and no KMS action. */
  readonly boundary: boolean;
}

/**
 * A role only the account knows, trusted by a user of the plan with an access key (so the prober assumes
 * it), with its inline policy's table access and kms:Decrypt on the keys or not.
 */
export interface AccountOnlyRoleSpec {
  readonly access: "none" | "readonly" | "readwrite";
  readonly decrypt: boolean;
}

const MARK = "acct-only";

const READS = [
  "dynamodb:GetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:BatchGetItem",
  "dynamodb:DescribeTable",
];
const WRITES = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
];

/**
 * The plan deployed (with the account-only users), the plan analysed (without them), the account data
 * that describes them, and their signers.
 */
export function withAccountOnlyUsers(
  plan: Plan,
  id: string,
  accountId: string,
  users: readonly AccountOnlyUserSpec[],
  roles: readonly AccountOnlyRoleSpec[] = [],
): { deployed: Plan; analysed: Plan; account: AccountDataSpec; signers: Signer[]; roles: number } {
  const states = plan.steps.flatMap((step) => (step.newState === undefined ? [] : [step.newState]));
  const arnsOf = (type: string) =>
    states.filter((state) => state.type === type).map((state) => String(state.outputs.arn));
  const tables = arnsOf("aws:dynamodb/table:Table");
  const keys = arnsOf("aws:kms/key:Key");
  const groupName = `${id}-${MARK}-group`;
  const boundaryName = `${id}-${MARK}-boundary`;
  const boundaryArn = `arn:aws:iam::${accountId}:policy/${boundaryName}`;
  const groupDocument = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "GroupReads", Effect: "Allow", Action: READS, Resource: tables },
      ...(keys.length > 0
        ? [{ Sid: "GroupDecrypts", Effect: "Allow", Action: "kms:Decrypt", Resource: keys }]
        : []),
    ],
  };
  const boundaryDocument = {
    Version: "2012-10-17",
    Statement: [{ Sid: "ReadsOnly", Effect: "Allow", Action: READS, Resource: "*" }],
  };
  const added: PlanResourceState[] = [];
  const add = (
    type: string,
    name: string,
    resourceId: string,
    inputs: Record<string, unknown>,
    outputs = {},
  ) =>
    added.push({
      type,
      urn: `urn:pulumi:gen::kms-dynamodb::${type}::${name}`,
      custom: true,
      id: resourceId,
      inputs,
      outputs: { ...inputs, ...outputs },
      dependencies: [],
      propertyDependencies: {},
    });
  const account: {
    users: NonNullable<AccountDataSpec["users"]>[number][];
    groups: NonNullable<AccountDataSpec["groups"]>[number][];
    roles: NonNullable<AccountDataSpec["roles"]>[number][];
    policies: NonNullable<AccountDataSpec["policies"]>[number][];
  } = { users: [], groups: [], roles: [], policies: [] };
  const signers: Signer[] = [];
  const members: string[] = [];
  users.forEach((user, index) => {
    const name = `${id}-${MARK}-u${index}`;
    const arn = `arn:aws:iam::${accountId}:user/${name}`;
    const statements = [
      ...(user.access === "none"
        ? []
        : [
            {
              Sid: "TableAccess",
              Effect: "Allow",
              Action: user.access === "readonly" ? READS : [...READS, ...WRITES],
              Resource: tables,
            },
          ]),
      ...(user.decrypt && keys.length > 0
        ? [{ Sid: "DecryptTheKey", Effect: "Allow", Action: "kms:Decrypt", Resource: keys }]
        : []),
      ...(user.denyGetItem
        ? [{ Sid: "NoGetItem", Effect: "Deny", Action: "dynamodb:GetItem", Resource: "*" }]
        : []),
    ];
    const document = { Version: "2012-10-17", Statement: statements };
    add(
      "aws:iam/user:User",
      name,
      name,
      { name, ...(user.boundary ? { permissionsBoundary: boundaryArn } : {}) },
      { arn, uniqueId: `AIDA${hex(name, 16).toUpperCase()}` },
    );
    if (statements.length > 0) {
      add("aws:iam/userPolicy:UserPolicy", name, `${name}:policy`, {
        name: "policy",
        user: name,
        policy: JSON.stringify(document),
      });
    }
    const accessKeyId = `AKIA${hex(`${name}-key`, 16).toUpperCase()}`;
    const secretAccessKey = hex(`${name}-secret`, 40);
    add(
      "aws:iam/accessKey:AccessKey",
      name,
      accessKeyId,
      { user: name },
      { secret: secretAccessKey, status: "Active" },
    );
    signers.push({ arn, accessKeyId, secretAccessKey });
    if (user.inGroup) {
      members.push(name);
    }
    account.users.push({
      name,
      ...(statements.length > 0 ? { inline: { policy: document } } : {}),
      ...(user.inGroup ? { groups: [groupName] } : {}),
      ...(user.boundary ? { boundary: boundaryArn } : {}),
    });
  });
  // The roles trust the plan's first user of the account with an access key (the prober assumes them as it).
  const keyed = new Set(
    states
      .filter((state) => state.type === "aws:iam/accessKey:AccessKey")
      .map((state) => String(state.inputs.user)),
  );
  const truster = states.find(
    (state) =>
      state.type === "aws:iam/user:User" &&
      String(state.outputs.arn).split(":")[4] === accountId &&
      keyed.has(String(state.outputs.name)),
  );
  const trustedRoles = truster === undefined ? [] : roles;
  trustedRoles.forEach((role, index) => {
    const name = `${id}-${MARK}-r${index}`;
    const arn = `arn:aws:iam::${accountId}:role/${name}`;
    const trust = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: String(truster?.outputs.arn) }, Action: "sts:AssumeRole" },
      ],
    };
    const statements = [
      ...(role.access === "none"
        ? []
        : [
            {
              Sid: "TableAccess",
              Effect: "Allow",
              Action: role.access === "readonly" ? READS : [...READS, ...WRITES],
              Resource: tables,
            },
          ]),
      ...(role.decrypt && keys.length > 0
        ? [{ Sid: "DecryptTheKey", Effect: "Allow", Action: "kms:Decrypt", Resource: keys }]
        : []),
    ];
    const document = { Version: "2012-10-17", Statement: statements };
    add(
      "aws:iam/role:Role",
      name,
      name,
      { name, assumeRolePolicy: JSON.stringify(trust) },
      { arn, uniqueId: `AROA${hex(name, 16).toUpperCase()}` },
    );
    if (statements.length > 0) {
      add("aws:iam/rolePolicy:RolePolicy", name, `${name}:policy`, {
        name: "policy",
        role: name,
        policy: JSON.stringify(document),
      });
    }
    account.roles.push({ name, trust, ...(statements.length > 0 ? { inline: { policy: document } } : {}) });
  });
  if (users.some((user) => user.boundary)) {
    add(
      "aws:iam/policy:Policy",
      boundaryName,
      boundaryArn,
      {
        name: boundaryName,
        policy: JSON.stringify(boundaryDocument),
      },
      { arn: boundaryArn },
    );
    account.policies.push({ name: boundaryName, document: boundaryDocument });
  }
  if (members.length > 0) {
    add(
      "aws:iam/group:Group",
      groupName,
      groupName,
      { name: groupName },
      {
        arn: `arn:aws:iam::${accountId}:group/${groupName}`,
      },
    );
    add("aws:iam/groupPolicy:GroupPolicy", groupName, `${groupName}:policy`, {
      name: "policy",
      group: groupName,
      policy: JSON.stringify(groupDocument),
    });
    add("aws:iam/groupMembership:GroupMembership", groupName, `${groupName}-members`, {
      name: `${groupName}-members`,
      group: groupName,
      users: members,
    });
    account.groups.push({ name: groupName, inline: { policy: groupDocument } });
  }
  return {
    deployed: {
      ...plan,
      steps: [
        ...plan.steps,
        ...added.map((state) => ({
          op: "create" as const,
          urn: state.urn,
          newState: state,
          detailedDiff: null,
        })),
      ],
    },
    analysed: plan,
    account: { accountId, ...account },
    signers,
    roles: trustedRoles.length,
  };
}

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}
