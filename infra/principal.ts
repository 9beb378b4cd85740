/**
 * One description of a principal for every layer: the stack's configuration and outputs, the components,
 * the cloud model the sandbox derives from a deployment, the access engine, the static access proof and
 * the checks all speak of a `Principal` and read what a kind of principal does from `PRINCIPAL_KINDS`.
 * It lives in `infra/`, which imports nothing of the project, so every layer may import it and the
 * program can still be copied alone.
 *
 * Adding a kind is a row of `PRINCIPAL_KINDS` (docs/architecture.md, "Add a principal kind"): each
 * layer reads the row, and the tables keyed by kind elsewhere (`satisfies Record<PrincipalKind, ...>`)
 * fail the type check until they have it too.
 */

/**
 * The access levels a data principal can have: the one definition (config, components, outputs, checks).
 * `full` is the AWS managed policy AmazonDynamoDBFullAccess.
 */
export const DYNAMODB_ACCESS_LEVELS = ["readonly", "readwrite", "full"] as const;

export type DynamodbAccess = (typeof DYNAMODB_ACCESS_LEVELS)[number];

/**
 * What a stack declares about a principal it creates: its access to the data and whether it uses the key.
 * This project's stacks declare both (contracts.md section 2); a plan of another program may declare only
 * key use, which is all the access proof's guard reads.
 */
export interface PrincipalIntent {
  readonly dynamodbAccess?: DynamodbAccess;
  /** Listed as a key user in the key policy: may use the key through DynamoDB. */
  readonly keyUser: boolean;
}

/** The intent of a principal of this project's stacks: both fields declared. */
export type DeclaredIntent = Required<PrincipalIntent>;

/**
 * The IAM resources that create principals of a kind in a plan and give them policies (@pulumi/aws type
 * tokens), and the input of the policy resources that names the principal (by name, or by ARN, as the
 * provider accepts).
 */
export interface PrincipalResources {
  readonly type: string;
  readonly inlinePolicy: string;
  readonly policyAttachment: string;
  readonly principalInput: string;
}

export interface PrincipalKindTraits {
  /** How the report and the errors name the kind. */
  readonly title: string;
  /**
   * `false`: one principal with its own ARN. `true`: a class that stands for every principal like it (the
   * ARN is that of one representative, asked in its place).
   */
  readonly abstract: boolean;
  /**
   * How a request is made as it: `itself` (its own ARN signs: a user's access key, the root user) or
   * `session` (a role signs nothing: STS AssumeRole gives a session that acts with its policies; IAM User
   * Guide, "Role terms and concepts").
   */
  readonly actsAs: "itself" | "session";
  /** The plan's resources that create it and attach its policies; absent: no plan creates one. */
  readonly resources?: PrincipalResources;
  /** The key of the stack config and outputs that declares principals of this kind (`users`, `roles`). */
  readonly stackKey?: "users" | "roles";
  /** The IAM actions by which it could give itself an identity policy (IAM API reference). */
  readonly selfEditActions: readonly string[];
  /** The action by which another principal takes it over, gaining what it can do. */
  readonly takeOverAction?: "iam:CreateAccessKey" | "sts:AssumeRole";
}

/**
 * Every kind of principal, and what each does. The values are the `kind`s of the access report
 * (docs/contracts.md, "Access") and of the checks' report.
 */
export const PRINCIPAL_KINDS = {
  user: {
    title: "IAM user",
    abstract: false,
    actsAs: "itself",
    resources: {
      type: "aws:iam/user:User",
      inlinePolicy: "aws:iam/userPolicy:UserPolicy",
      policyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
      principalInput: "user",
    },
    stackKey: "users",
    selfEditActions: ["iam:PutUserPolicy", "iam:AttachUserPolicy"],
    takeOverAction: "iam:CreateAccessKey",
  },
  role: {
    title: "IAM role",
    abstract: false,
    actsAs: "session",
    resources: {
      type: "aws:iam/role:Role",
      inlinePolicy: "aws:iam/rolePolicy:RolePolicy",
      policyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      principalInput: "role",
    },
    stackKey: "roles",
    selfEditActions: ["iam:PutRolePolicy", "iam:AttachRolePolicy"],
    takeOverAction: "sts:AssumeRole",
  },
  deployer: {
    title: "the identity that deploys the stack",
    abstract: false,
    actsAs: "itself",
    selfEditActions: [],
  },
  "account-root": {
    title: "the account root user",
    abstract: false,
    actsAs: "itself",
    selfEditActions: [],
  },
  "same-account-any": {
    title: "any other principal of this account whose IAM policies allow it",
    abstract: true,
    actsAs: "itself",
    selfEditActions: [],
  },
  "policy-pattern": {
    title: "any principal a policy names, by ARN, pattern or condition, that the plan does not create",
    abstract: true,
    actsAs: "itself",
    selfEditActions: [],
  },
  "same-account-no-policies": {
    title: "any principal of this account without policies",
    abstract: true,
    actsAs: "itself",
    selfEditActions: [],
  },
  "named-account": {
    title: "any principal of an account a policy names",
    abstract: true,
    actsAs: "itself",
    selfEditActions: [],
  },
  "other-account": {
    title: "any principal of another account",
    abstract: true,
    actsAs: "itself",
    selfEditActions: [],
  },
  "aws-service": {
    title: "an AWS service principal",
    abstract: true,
    actsAs: "itself",
    selfEditActions: [],
  },
  anonymous: {
    title: "an anonymous (unsigned) caller",
    abstract: true,
    actsAs: "itself",
    selfEditActions: [],
  },
} as const satisfies Record<string, PrincipalKindTraits>;

export type PrincipalKind = keyof typeof PRINCIPAL_KINDS;

export const PRINCIPAL_KIND_NAMES = Object.keys(PRINCIPAL_KINDS) as PrincipalKind[];

/** The kinds a plan creates from its IAM resources (users, roles). */
export type PlanPrincipalKind = {
  [K in PrincipalKind]: (typeof PRINCIPAL_KINDS)[K] extends { resources: PrincipalResources } ? K : never;
}[PrincipalKind];

/** The kinds a stack's config declares (`kms-dynamodb:users`, `kms-dynamodb:roles`). */
export type StackPrincipalKind = {
  [K in PrincipalKind]: (typeof PRINCIPAL_KINDS)[K] extends { stackKey: string } ? K : never;
}[PrincipalKind];

export const PLAN_PRINCIPAL_KINDS = PRINCIPAL_KIND_NAMES.filter(
  (kind): kind is PlanPrincipalKind => "resources" in PRINCIPAL_KINDS[kind],
);

export const STACK_PRINCIPAL_KINDS = PRINCIPAL_KIND_NAMES.filter(
  (kind): kind is StackPrincipalKind => "stackKey" in PRINCIPAL_KINDS[kind],
);

export function traitsOf(kind: PrincipalKind): PrincipalKindTraits {
  return PRINCIPAL_KINDS[kind];
}

/**
 * A principal, as every layer describes it. Each layer adds what it alone needs beside it (the cloud
 * model its policies and keys, the access proof the ARN it asks as), never a second description.
 */
export interface Principal {
  readonly kind: PrincipalKind;
  /** Its ARN (for an abstract kind, its representative's); an IAM role's with its path. */
  readonly arn: string;
  /** The account it belongs to. */
  readonly accountId: string;
  /** The IAM user or role name, or what people call it ("deployer", "account root", a class's title). */
  readonly name: string;
  /** What the stack declares about it; absent where nothing is declared (another program's principals). */
  readonly intent?: PrincipalIntent;
  /** The IAM groups it is a member of, by name. Read by nothing yet: groups come with account data. */
  readonly groups?: readonly string[];
  /** The ARN of its permissions boundary. Read by nothing yet: boundaries come with account data. */
  readonly permissionsBoundary?: string;
}

// IAM user and role names: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html and
// API_CreateRole.html (UserName, RoleName): 1-64 of [\w+=,.@-]. Paths: 1-512 characters starting and ending
// with "/" (Path), in between any printable ASCII but "/" is the separator.
const IAM_NAME = /^[\w+=,.@-]{1,64}$/;
const IAM_ARN =
  /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):(root|user|role)(\/(?:[\x21-\x7e]*\/)?)?([\w+=,.@-]{1,64})?$/;

/** Whether `name` is a valid IAM user or role name (1-64 characters of A-Z a-z 0-9 + = , . @ _ -). */
export function isIamName(name: unknown): name is string {
  return typeof name === "string" && IAM_NAME.test(name);
}

/**
 * What an IAM principal ARN says: the account root, a user or a role (with its path), or undefined for
 * anything else (a session, a service, a malformed ARN). IAM User Guide, "IAM identifiers".
 */
export function parsePrincipalArn(arn: string):
  | {
      kind: "user" | "role" | "account-root";
      partition: string;
      accountId: string;
      name: string;
      path: string;
    }
  | undefined {
  const match = IAM_ARN.exec(arn);
  if (match === null) {
    return undefined;
  }
  const [, partition, accountId, type, path, name] = match;
  if (type === "root") {
    return path === undefined && name === undefined
      ? { kind: "account-root", partition, accountId, name: "root", path: "/" }
      : undefined;
  }
  if (path === undefined || name === undefined) {
    return undefined;
  }
  return { kind: type === "user" ? "user" : "role", partition, accountId, name, path };
}

/** The ARN of an IAM user or role: `arn:PARTITION:iam::ACCOUNT:user/PATH/NAME`. */
export function principalArn(
  kind: PlanPrincipalKind,
  partition: string,
  accountId: string,
  name: string,
  path = "/",
): string {
  return `arn:${partition}:iam::${accountId}:${kind}${path}${name}`;
}
