/**
 * Writes a folder of account data as the AWS CLI prints it (access/accountData/read.ts reads it back), from
 * a short description: for tests, and for benches that need an account of any size.
 *
 *   writeAccountData(dir, {
 *     accountId: "123456789012",
 *     users: [{ name: "alice", inline: { read: DOCUMENT }, attached: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }],
 *     roles: [{ name: "ops", trust: TRUST_DOCUMENT }],
 *     policies: [{ name: "decrypt", document: DOCUMENT }],
 *     keys: [{ keyId: KEY_ID, region: "eu-west-1", policy: KEY_POLICY, grants: [...] }],
 *   });
 *   writeAccountData(dir, accountOfSize({ accountId, users: 5000 }));   // 5,000 users, linear to write and read
 *
 * The shapes follow the Output sections of the AWS CLI Command Reference: iam
 * get-account-authorization-details (https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-authorization-details.html),
 * kms get-key-policy and list-grants, organizations list-policies, describe-policy and
 * list-targets-for-policy. Files are written 0600 in folders 0700, as the collect command writes them.
 */
import * as fs from "node:fs";
import * as path from "node:path";

type Document = Record<string, unknown>;

export interface AccountDataSpec {
  readonly accountId: string;
  readonly partition?: string;
  readonly users?: readonly {
    readonly name: string;
    readonly path?: string;
    readonly inline?: Readonly<Record<string, Document>>;
    readonly attached?: readonly string[];
    readonly groups?: readonly string[];
    readonly boundary?: string;
  }[];
  readonly groups?: readonly {
    readonly name: string;
    readonly inline?: Readonly<Record<string, Document>>;
    readonly attached?: readonly string[];
  }[];
  readonly roles?: readonly {
    readonly name: string;
    readonly path?: string;
    readonly trust: Document;
    readonly inline?: Readonly<Record<string, Document>>;
    readonly attached?: readonly string[];
    readonly boundary?: string;
  }[];
  /** Customer managed policies (their ARN is made from the name), or AWS managed ones given by ARN. */
  readonly policies?: readonly {
    readonly name: string;
    readonly arn?: string;
    readonly document: Document;
  }[];
  readonly keys?: readonly {
    readonly keyId: string;
    readonly region: string;
    readonly policy: Document;
    readonly grants?: readonly {
      readonly grantId: string;
      readonly name?: string;
      readonly grantee: string;
      readonly operations: readonly string[];
      readonly encryptionContextSubset?: Readonly<Record<string, string>>;
    }[];
  }[];
  /** SCPs and RCPs of the organization, each with its content and targets. */
  readonly organizationPolicies?: readonly {
    readonly id: string;
    readonly name: string;
    readonly type: "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY";
    readonly content: Document;
    readonly targets: readonly {
      readonly id: string;
      readonly type: "ROOT" | "ORGANIZATIONAL_UNIT" | "ACCOUNT";
    }[];
  }[];
  /** Write IAM's documents URL-encoded, as the API answers them, instead of as the CLI prints them. */
  readonly urlEncoded?: boolean;
}

/** A fixed creation date: the data is the same for the same description. */
const CREATED = "2026-01-02T03:04:05+00:00";

/** Writes the folder; returns the paths written, relative to it. */
export function writeAccountData(dir: string, spec: AccountDataSpec): string[] {
  const partition = spec.partition ?? "aws";
  const iamArn = (type: string, entityPath: string, name: string) =>
    `arn:${partition}:iam::${spec.accountId}:${type}${entityPath}${name}`;
  const document = (value: Document) =>
    spec.urlEncoded === true ? encodeURIComponent(JSON.stringify(value)) : value;
  const inline = (policies: Readonly<Record<string, Document>> | undefined) =>
    Object.entries(policies ?? {}).map(([name, value]) => ({
      PolicyName: name,
      PolicyDocument: document(value),
    }));
  const attached = (arns: readonly string[] | undefined) =>
    (arns ?? []).map((arn) => ({ PolicyName: arn.slice(arn.lastIndexOf("/") + 1), PolicyArn: arn }));
  const boundary = (arn: string | undefined) =>
    arn === undefined
      ? {}
      : { PermissionsBoundary: { PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: arn } };
  let serial = 0;
  const uniqueId = (prefix: string) => `${prefix}${String(++serial).padStart(17, "0")}`;
  const written: string[] = [];
  const write = (relative: string, value: unknown) => {
    const file = path.join(dir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${JSON.stringify(value, null, 4)}\n`, { mode: 0o600 });
    written.push(relative);
  };
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  write("iam-authorization-details.json", {
    UserDetailList: (spec.users ?? []).map((user) => ({
      Path: user.path ?? "/",
      UserName: user.name,
      UserId: uniqueId("AIDA"),
      Arn: iamArn("user", user.path ?? "/", user.name),
      CreateDate: CREATED,
      UserPolicyList: inline(user.inline),
      GroupList: [...(user.groups ?? [])],
      AttachedManagedPolicies: attached(user.attached),
      ...boundary(user.boundary),
      Tags: [],
    })),
    GroupDetailList: (spec.groups ?? []).map((group) => ({
      Path: "/",
      GroupName: group.name,
      GroupId: uniqueId("AGPA"),
      Arn: iamArn("group", "/", group.name),
      CreateDate: CREATED,
      GroupPolicyList: inline(group.inline),
      AttachedManagedPolicies: attached(group.attached),
    })),
    RoleDetailList: (spec.roles ?? []).map((role) => ({
      Path: role.path ?? "/",
      RoleName: role.name,
      RoleId: uniqueId("AROA"),
      Arn: iamArn("role", role.path ?? "/", role.name),
      CreateDate: CREATED,
      AssumeRolePolicyDocument: document(role.trust),
      InstanceProfileList: [],
      RolePolicyList: inline(role.inline),
      AttachedManagedPolicies: attached(role.attached),
      ...boundary(role.boundary),
      Tags: [],
      RoleLastUsed: {},
    })),
    Policies: (spec.policies ?? []).map((policy) => ({
      PolicyName: policy.name,
      PolicyId: uniqueId("ANPA"),
      Arn: policy.arn ?? iamArn("policy", "/", policy.name),
      Path: "/",
      DefaultVersionId: "v1",
      AttachmentCount: 1,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      CreateDate: CREATED,
      UpdateDate: CREATED,
      PolicyVersionList: [
        { Document: document(policy.document), VersionId: "v1", IsDefaultVersion: true, CreateDate: CREATED },
      ],
    })),
  });
  for (const key of spec.keys ?? []) {
    const keyArn = `arn:${partition}:kms:${key.region}:${spec.accountId}:key/${key.keyId}`;
    write(path.join("key-policies", `${key.keyId}.json`), {
      Policy: JSON.stringify(key.policy),
      PolicyName: "default",
    });
    write(`grants-${key.keyId}.json`, {
      Grants: (key.grants ?? []).map((grant) => ({
        KeyId: keyArn,
        GrantId: grant.grantId,
        Name: grant.name ?? "",
        CreationDate: CREATED,
        GranteePrincipal: grant.grantee,
        IssuingAccount: `arn:${partition}:iam::${spec.accountId}:root`,
        Operations: [...grant.operations],
        ...(grant.encryptionContextSubset === undefined
          ? {}
          : { Constraints: { EncryptionContextSubset: grant.encryptionContextSubset } }),
      })),
      Truncated: false,
    });
  }
  const organizationPolicies = spec.organizationPolicies ?? [];
  if (organizationPolicies.length > 0) {
    const summary = (policy: (typeof organizationPolicies)[number]) => ({
      Id: policy.id,
      Arn: `arn:${partition}:organizations::${spec.accountId}:policy/o-exampleorgid/${policy.type.toLowerCase()}/${policy.id}`,
      Name: policy.name,
      Description: "",
      Type: policy.type,
      AwsManaged: false,
    });
    for (const type of ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] as const) {
      write(`organizations-${type.toLowerCase()}.json`, {
        Policies: organizationPolicies.filter((policy) => policy.type === type).map(summary),
      });
    }
    for (const policy of organizationPolicies) {
      write(`organizations-policy-${policy.id}.json`, {
        Policy: { PolicySummary: summary(policy), Content: JSON.stringify(policy.content) },
      });
      write(path.join("policy-targets", `${policy.id}.json`), {
        Targets: policy.targets.map((target) => ({
          TargetId: target.id,
          Arn: `arn:${partition}:organizations::${spec.accountId}:${target.type === "ACCOUNT" ? "account" : target.type === "ROOT" ? "root" : "ou"}/o-exampleorgid/${target.id}`,
          Name: target.id,
          Type: target.type,
        })),
      });
    }
  }
  return written;
}

/**
 * An account of `users` users (and `roles` roles), each with a small inline policy on DynamoDB and KMS
 * and, every tenth, a customer managed policy: account data of any size, for benches.
 */
export function accountOfSize(options: {
  accountId: string;
  users: number;
  roles?: number;
}): AccountDataSpec {
  const read = (i: number): Document => ({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:Query"],
        Resource: `arn:aws:dynamodb:*:*:table/t${i % 50}`,
      },
      ...(i % 7 === 0 ? [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }] : []),
    ],
  });
  return {
    accountId: options.accountId,
    users: Array.from({ length: options.users }, (_, i) => ({
      name: `user-${i}`,
      inline: { data: read(i) },
      attached: i % 10 === 0 ? [`arn:aws:iam::${options.accountId}:policy/shared-${i % 30}`] : [],
    })),
    roles: Array.from({ length: options.roles ?? 0 }, (_, i) => ({
      name: `role-${i}`,
      trust: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${options.accountId}:root` },
            Action: "sts:AssumeRole",
          },
        ],
      },
      inline: { data: read(i) },
    })),
    policies: Array.from({ length: Math.min(30, Math.ceil(options.users / 10)) }, (_, i) => ({
      name: `shared-${i}`,
      document: read(i),
    })),
  };
}
