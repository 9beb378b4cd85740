/**
 * The sandbox's view of a deployed stack: the account, its region, the identity that deployed it, IAM
 * users with their policies and access keys, KMS keys with their policies and states, and DynamoDB tables
 * with their keys. Derived from a Deployment (deployment.ts), never written by hand.
 */
import type { CallerIdentity, Deployment, DeployedResource } from "./deployment";

export interface CloudUser {
  name: string;
  arn: string;
  /** IAM's unique id (AIDA…), what GetCallerIdentity returns as UserId. */
  userId: string;
  inlinePolicies: { name: string; document: string }[];
  managedPolicyArns: string[];
  accessKeys: { accessKeyId: string; secretAccessKey: string }[];
}

/** An IAM role (aws:iam/role:Role) with its policies (aws:iam/rolePolicy, aws:iam/rolePolicyAttachment). */
export interface CloudRole {
  name: string;
  arn: string;
  /** IAM's unique id (AROA…), the first half of a session's aws:userid. */
  roleId: string;
  /** The assumeRolePolicy document, JSON text. */
  trustPolicy: string;
  /** The longest session AssumeRole may ask for, in seconds (IAM: 3,600 to 43,200; default 3,600). */
  maxSessionDuration: number;
  inlinePolicies: { name: string; document: string }[];
  managedPolicyArns: string[];
}

/** A KMS grant deployed from a plan (aws:kms/grant:Grant). */
export interface CloudGrant {
  grantId: string;
  grantToken: string;
  keyArn: string;
  granteePrincipal: string;
  retiringPrincipal?: string;
  operations: string[];
  constraints?: {
    encryptionContextEquals?: Record<string, string>;
    encryptionContextSubset?: Record<string, string>;
  };
  name: string;
}

/**
 * A key as the program declares it. Its live state (key state, deletion date, policy changed through the
 * API) has one owner, the KMS KeyRegistry; applying a deployment changes it only where the program's
 * inputs changed (sandbox/deploy/deployKeys.ts), as `pulumi up` without --refresh does.
 */
export interface CloudKey {
  arn: string;
  keyId: string;
  policy: string;
  /** The program's isEnabled (default true). */
  enabled: boolean;
  /** deletionWindowInDays: the waiting period of the ScheduleKeyDeletion that deleting the key makes. */
  deletionWindowInDays?: number;
  bypassPolicyLockoutSafetyCheck: boolean;
  description: string;
  aliases: string[];
}

export interface CloudTable {
  name: string;
  arn: string;
  /** The customer-managed key the table is encrypted with; undefined for AWS-owned encryption. */
  keyArn?: string;
  deletionProtection: boolean;
  /** Point-in-time recovery, when enabled: the days it keeps (aws.dynamodb.Table pointInTimeRecovery). */
  pointInTimeRecovery?: { readonly recoveryPeriodInDays: number };
  /** The CreateTable request that makes the table in the storage engine. */
  createRequest: Record<string, unknown>;
}

export interface CloudModel {
  accountId: string;
  region: string;
  partition: string;
  /** The identity that ran the deployment: it exists in the sandbox and has full administrator rights. */
  deployer: CallerIdentity;
  users: CloudUser[];
  roles: CloudRole[];
  keys: CloudKey[];
  grants: CloudGrant[];
  tables: CloudTable[];
}

/** The deployer's policy: an administrator, as the identity that can run `pulumi up` is. */
export const ADMINISTRATOR_ACCESS_ARN = "arn:aws:iam::aws:policy/AdministratorAccess";

export function deriveCloudModel(deployment: Deployment): CloudModel {
  const deployer = deployment.deployer;
  const byType = (type: string): DeployedResource[] =>
    deployment.resources.filter((resource) => resource.custom && resource.type === type);
  const users = byType("aws:iam/user:User").map((user): CloudUser => ({
    name: requireString(user, "outputs", "name"),
    arn: requireString(user, "outputs", "arn"),
    userId: requireString(user, "outputs", "uniqueId"),
    inlinePolicies: [],
    managedPolicyArns: [],
    accessKeys: [],
  }));
  const userNamed = (resource: DeployedResource): CloudUser => {
    const name = requireString(resource, "inputs", "user");
    const user = users.find((candidate) => candidate.name === name);
    if (user === undefined) {
      throw new Error(`${resource.urn}: inputs.user "${name}" is not an IAM user of this deployment`);
    }
    return user;
  };
  for (const policy of byType("aws:iam/userPolicy:UserPolicy")) {
    userNamed(policy).inlinePolicies.push({
      name: requireString(policy, "inputs", "name"),
      document: requireString(policy, "inputs", "policy"),
    });
  }
  for (const attachment of byType("aws:iam/userPolicyAttachment:UserPolicyAttachment")) {
    userNamed(attachment).managedPolicyArns.push(requireString(attachment, "inputs", "policyArn"));
  }
  for (const accessKey of byType("aws:iam/accessKey:AccessKey")) {
    // An Inactive key authenticates nothing (IAM UpdateAccessKey), so it is not served.
    if ((accessKey.outputs.status ?? "Active") === "Active") {
      userNamed(accessKey).accessKeys.push({
        accessKeyId: accessKey.id ?? requireString(accessKey, "outputs", "id"),
        secretAccessKey: requireString(accessKey, "outputs", "secret"),
      });
    }
  }

  const roles = byType("aws:iam/role:Role").map((role): CloudRole => ({
    name: requireString(role, "outputs", "name"),
    arn: requireString(role, "outputs", "arn"),
    roleId: requireString(role, "outputs", "uniqueId"),
    trustPolicy: requireString(role, "inputs", "assumeRolePolicy"),
    maxSessionDuration:
      typeof role.inputs.maxSessionDuration === "number" ? role.inputs.maxSessionDuration : 3600,
    inlinePolicies: [],
    managedPolicyArns: [],
  }));
  const roleNamed = (resource: DeployedResource): CloudRole => {
    // aws:iam/rolePolicy and rolePolicyAttachment name the role by name (or, as the provider accepts, ARN).
    const name = requireString(resource, "inputs", "role");
    const role = roles.find((candidate) => candidate.name === name || candidate.arn === name);
    if (role === undefined) {
      throw new Error(`${resource.urn}: inputs.role "${name}" is not an IAM role of this deployment`);
    }
    return role;
  };
  for (const policy of byType("aws:iam/rolePolicy:RolePolicy")) {
    roleNamed(policy).inlinePolicies.push({
      name: requireString(policy, "inputs", "name"),
      document: requireString(policy, "inputs", "policy"),
    });
  }
  for (const attachment of byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
    roleNamed(attachment).managedPolicyArns.push(requireString(attachment, "inputs", "policyArn"));
  }

  const keys = byType("aws:kms/key:Key").map((key): CloudKey => ({
    arn: requireString(key, "outputs", "arn"),
    keyId: requireString(key, "outputs", "keyId"),
    policy: requireString(key, "inputs", "policy"),
    enabled: key.inputs.isEnabled !== false,
    deletionWindowInDays:
      typeof key.inputs.deletionWindowInDays === "number" ? key.inputs.deletionWindowInDays : undefined,
    bypassPolicyLockoutSafetyCheck: key.inputs.bypassPolicyLockoutSafetyCheck === true,
    description: typeof key.inputs.description === "string" ? key.inputs.description : "",
    aliases: [],
  }));
  const keyFor = (reference: string): CloudKey | undefined =>
    keys.find((key) => key.arn === reference || key.keyId === reference || key.aliases.includes(reference));
  for (const alias of byType("aws:kms/alias:Alias")) {
    const target = requireString(alias, "inputs", "targetKeyId");
    const key = keyFor(target);
    if (key === undefined) {
      throw new Error(`${alias.urn}: inputs.targetKeyId "${target}" is not a KMS key of this deployment`);
    }
    key.aliases.push(requireString(alias, "inputs", "name"));
  }

  const grants = byType("aws:kms/grant:Grant").map((grant): CloudGrant => {
    const keyReference = requireString(grant, "inputs", "keyId");
    const key = keyFor(keyReference);
    if (key === undefined) {
      throw new Error(`${grant.urn}: inputs.keyId "${keyReference}" is not a KMS key of this deployment`);
    }
    // @pulumi/aws 7: constraints is a list of { encryptionContextEquals?, encryptionContextSubset? }.
    const constraintList = (grant.inputs.constraints as Record<string, unknown>[] | undefined) ?? [];
    const first = constraintList[0] ?? {};
    const equals = first.encryptionContextEquals as Record<string, string> | undefined;
    const subset = first.encryptionContextSubset as Record<string, string> | undefined;
    return {
      grantId: requireString(grant, "outputs", "grantId"),
      grantToken: requireString(grant, "outputs", "grantToken"),
      keyArn: key.arn,
      granteePrincipal: requireString(grant, "inputs", "granteePrincipal"),
      retiringPrincipal:
        typeof grant.inputs.retiringPrincipal === "string" ? grant.inputs.retiringPrincipal : undefined,
      operations: (grant.inputs.operations as string[] | undefined) ?? [],
      constraints:
        equals === undefined && subset === undefined
          ? undefined
          : {
              ...(equals !== undefined ? { encryptionContextEquals: equals } : {}),
              ...(subset !== undefined ? { encryptionContextSubset: subset } : {}),
            },
      name: typeof grant.inputs.name === "string" ? grant.inputs.name : "",
    };
  });

  const tables = byType("aws:dynamodb/table:Table").map((table): CloudTable => {
    const sse = table.inputs.serverSideEncryption as { enabled?: boolean; kmsKeyArn?: string } | undefined;
    let keyArn: string | undefined;
    if (sse?.enabled === true && typeof sse.kmsKeyArn === "string" && sse.kmsKeyArn !== "") {
      const aliasName = sse.kmsKeyArn.replace(/^arn:[^:]+:kms:[^:]*:\d*:(?=alias\/)/, "");
      const key = keyFor(sse.kmsKeyArn) ?? keyFor(aliasName);
      if (key === undefined) {
        throw new Error(
          `${table.urn}: inputs.serverSideEncryption.kmsKeyArn "${sse.kmsKeyArn}" is not a KMS key of this deployment`,
        );
      }
      keyArn = key.arn;
    }
    // The provider's default recovery period is 35 days, DynamoDB's longest (API reference,
    // PointInTimeRecoverySpecification, RecoveryPeriodInDays).
    const recovery = table.inputs.pointInTimeRecovery as
      { enabled?: boolean; recoveryPeriodInDays?: number } | undefined;
    return {
      name: requireString(table, "outputs", "name"),
      arn: requireString(table, "outputs", "arn"),
      keyArn,
      deletionProtection: table.inputs.deletionProtectionEnabled === true,
      ...(recovery?.enabled === true
        ? { pointInTimeRecovery: { recoveryPeriodInDays: recovery.recoveryPeriodInDays ?? 35 } }
        : {}),
      createRequest: createTableRequest(table),
    };
  });

  const region = regionOf(deployment, [...keys.map((key) => key.arn), ...tables.map((table) => table.arn)]);
  return {
    accountId: deployer.accountId,
    region,
    partition: deployer.arn.split(":")[1] ?? "aws",
    deployer,
    users,
    roles,
    keys,
    grants,
    tables,
  };
}

/** DynamoDB's CreateTable request for an aws:dynamodb/table:Table's inputs (@pulumi/aws 7 names). */
function createTableRequest(table: DeployedResource): Record<string, unknown> {
  const inputs = table.inputs;
  const keySchema = (hashKey: unknown, rangeKey: unknown) => [
    { AttributeName: hashKey, KeyType: "HASH" },
    ...(typeof rangeKey === "string" ? [{ AttributeName: rangeKey, KeyType: "RANGE" }] : []),
  ];
  const projection = (index: Record<string, unknown>) => ({
    ProjectionType: index.projectionType,
    ...(Array.isArray(index.nonKeyAttributes) ? { NonKeyAttributes: index.nonKeyAttributes } : {}),
  });
  const provisioned = inputs.billingMode === "PROVISIONED";
  const throughput = (source: Record<string, unknown>) =>
    provisioned
      ? {
          ProvisionedThroughput: {
            ReadCapacityUnits: source.readCapacity,
            WriteCapacityUnits: source.writeCapacity,
          },
        }
      : {};
  const attributes = (inputs.attributes as { name: string; type: string }[] | undefined) ?? [];
  const globalIndexes = (inputs.globalSecondaryIndexes as Record<string, unknown>[] | undefined) ?? [];
  const localIndexes = (inputs.localSecondaryIndexes as Record<string, unknown>[] | undefined) ?? [];
  return {
    TableName: requireString(table, "outputs", "name"),
    AttributeDefinitions: attributes.map((attribute) => ({
      AttributeName: attribute.name,
      AttributeType: attribute.type,
    })),
    KeySchema: keySchema(requireString(table, "inputs", "hashKey"), inputs.rangeKey),
    BillingMode: provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
    ...throughput(inputs),
    ...(globalIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: globalIndexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.hashKey, index.rangeKey),
            Projection: projection(index),
            ...throughput(index),
          })),
        }
      : {}),
    ...(localIndexes.length > 0
      ? {
          LocalSecondaryIndexes: localIndexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(inputs.hashKey, index.rangeKey),
            Projection: projection(index),
          })),
        }
      : {}),
  };
}

function regionOf(deployment: Deployment, arns: string[]): string {
  const regions = new Set(arns.map((arn) => arn.split(":")[3]).filter((region) => region !== undefined));
  if (regions.size > 1) {
    throw new Error(`the deployment spans regions ${[...regions].join(", ")}; the sandbox serves one region`);
  }
  const [region] = regions;
  const declared = deployment.outputs.region;
  if (region !== undefined) {
    return region;
  }
  if (typeof declared === "string") {
    return declared;
  }
  throw new Error("the deployment has no regional resource and no region output; cannot tell its region");
}

function requireString(resource: DeployedResource, side: "inputs" | "outputs", name: string): string {
  const value = side === "inputs" ? resource.inputs[name] : { ...resource.inputs, ...resource.outputs }[name];
  if (typeof value !== "string" || value === "") {
    throw new Error(
      `${resource.urn}: ${side}.${name} is ${JSON.stringify(value)}, expected a non-empty string`,
    );
  }
  return value;
}
