/**
 * The sandbox's view of a deployed stack: the account, its region, the identity that deployed it, the IAM
 * principals (infra/principal.ts: one description, read through PRINCIPAL_KINDS) with their policies and
 * access keys, customer managed policies, KMS keys with their policies and grants, and DynamoDB tables
 * with their keys. Derived from a Deployment (deployment.ts), never written by hand, from the resources as
 * the AWS provider reads them (resourceValues.ts): resource references, auto-names, policy documents given
 * as objects. What the sandbox does not serve is listed in `notDeployed`, never dropped silently; what is
 * not known until deployment is listed in `unknowns`, never guessed.
 */
import {
  PLAN_PRINCIPAL_KINDS,
  PRINCIPAL_KINDS,
  parsePrincipalArn,
  type PlanPrincipalKind,
  type Principal,
} from "../../infra/principal";
import { createHash } from "node:crypto";
import { AwsError } from "../errors";
import type { TablePolicy } from "../iam/tableResourcePolicies";
import { MANAGED_POLICY_ARNS } from "../iam/managedPolicies";
import type { CallerIdentity, Deployment, DeployedResource } from "./deployment";
import { ORGANIZATION_TREE_TYPES } from "./organizationTree";
import {
  policySourceTypes,
  readPolicySources,
  readPrincipalSources,
  settlePrincipalSources,
  type ModelPolicySources,
  type PlanReadContext,
  type PrincipalPolicySources,
} from "./policySources";
import { isUnknownValue, ResourceValues, UnknownValueError } from "./resourceValues";

/** The region of a preview whose regional ARNs are all unknown: nothing that needs it is deployed. */
export const UNKNOWN_REGION = "(unknown until deployment)";

/** An access key pair of a user. */
export interface CloudAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * An IAM principal the deployment created (a user or a role: the kinds whose PRINCIPAL_KINDS row has
 * `resources`), with what the sandbox needs to authenticate and authorize it. The fields of the policy
 * sources beside its own (its boundary) are PrincipalPolicySources' (deploy/policySources/), in place
 * of Principal's read-only ones of the same name, which the account data and the plan's readers fill.
 */
export interface CloudPrincipal
  extends Omit<Principal, keyof PrincipalPolicySources>, PrincipalPolicySources {
  readonly kind: PlanPrincipalKind;
  /** IAM's unique id (AIDA… for a user, AROA… for a role): GetCallerIdentity's UserId, a session's aws:userid. */
  uniqueId: string;
  /** The IAM path, "/" unless the program gives one. */
  path: string;
  inlinePolicies: { name: string; document: string }[];
  /** Attached managed policies: AWS managed ones, or customer managed ones (`CloudModel.policies`). */
  managedPolicyArns: string[];
  /** Its active access keys (users). */
  accessKeys: CloudAccessKey[];
  /**
   * Policies the deployment gives it whose documents cannot be known (not until deployment, or an AWS
   * managed policy the sandbox holds no document for): its identity-based policies are then unknown, and
   * decided at worst (sandbox/iam/authorizer.ts).
   */
  unknownPolicies: string[];
  /**
   * Its IAM tags, with the provider's default tags (`tagsAll`): aws:PrincipalTag/KEY of its requests, and
   * of its sessions' for a role (IAM User Guide, "Passing session tags in AWS STS": IAM tags).
   */
  tags?: Record<string, string>;
  /** For a principal others assume (a role): its trust policy and longest session. */
  trust?: {
    /** The assumeRolePolicy document, JSON text. */
    policy: string;
    /** The longest session AssumeRole may ask for, in seconds (IAM: 3,600 to 43,200; default 3,600). */
    maxSessionDuration: number;
  };
}

/** @deprecated A user of the cloud model is a CloudPrincipal of kind "user". */
export type CloudUser = CloudPrincipal;
/** @deprecated A role of the cloud model is a CloudPrincipal of kind "role" (with `trust`). */
export type CloudRole = CloudPrincipal;

/** A customer managed policy the deployment creates (aws:iam/policy:Policy). */
export interface CloudManagedPolicy {
  arn: string;
  name: string;
  document: string;
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
  /**
   * A grant the account already has (account data: `aws kms list-grants`), not one the deployment makes:
   * it is not asked for again (no CreateGrant by the deployer, no check of its principals).
   */
  existing?: boolean;
}

/** Where a key's policy comes from. */
export type KeyPolicySource = "key" | "key-policy-resource" | "default";

/**
 * A key as the program declares it. Its live state (key state, deletion date, policy changed through the
 * API) has one owner, the KMS KeyRegistry; applying a deployment changes it only where the program's
 * inputs changed (sandbox/deploy/deployKeys.ts), as `pulumi up` without --refresh does.
 */
export interface CloudKey {
  arn: string;
  keyId: string;
  policy: string;
  /**
   * `key`: the key's `policy` input; `key-policy-resource`: an aws:kms/keyPolicy:KeyPolicy on it (applied
   * after the key is created, so it wins); `default`: neither, so KMS gave the key its default key policy.
   */
  policySource: KeyPolicySource;
  /** The program's isEnabled (default true). */
  enabled: boolean;
  /** deletionWindowInDays: the waiting period of the ScheduleKeyDeletion that deleting the key makes. */
  deletionWindowInDays?: number;
  bypassPolicyLockoutSafetyCheck: boolean;
  /**
   * A key the account already has (account data: its policy as `aws kms get-key-policy` printed it), not
   * one the deployment creates: its policy is not validated again. KMS accepted it when it was set, and may
   * since show a deleted principal by its unique id (AIDA…, AROA…), which a new policy could not name.
   */
  existing?: boolean;
  description: string;
  aliases: string[];
  /** Its tags (resourceTags, below): aws:ResourceTag/KEY of the requests on it. Absent: none. */
  tags?: Record<string, string> | "unknown";
}

export interface CloudTable {
  name: string;
  arn: string;
  /** The customer-managed key the table is encrypted with; undefined for AWS-owned encryption. */
  keyArn?: string;
  deletionProtection: boolean;
  /**
   * Point-in-time recovery, when enabled: the days it keeps (aws.dynamodb.Table pointInTimeRecovery), and
   * when it was enabled (epoch ms) if that was after the table was made (UpdateContinuousBackups).
   */
  pointInTimeRecovery?: { readonly recoveryPeriodInDays: number; readonly enabledAt?: number };
  /**
   * Its resource-based policy (aws.dynamodb.Table resourcePolicy, aws.dynamodb.ResourcePolicy, or
   * PutResourcePolicy), with its revision (DynamoDB Developer Guide, "Using resource-based policies for
   * DynamoDB").
   */
  resourcePolicy?: TablePolicy;
  /** Time to Live, when enabled: the attribute holding each item's expiry (aws.dynamodb.Table ttl). */
  timeToLive?: { readonly attributeName: string };
  /** The CreateTable request that makes the table in the storage engine. */
  createRequest: Record<string, unknown>;
  /** Its tags (resourceTags, below): aws:ResourceTag/KEY of the requests on it and its indexes. Absent: none. */
  tags?: Record<string, string> | "unknown";
}

/** A resource of the deployment the sandbox does not serve, or serves only in part, and why. */
export interface NotDeployed {
  urn: string;
  type: string;
  reason: string;
}

/** A resource whose values the model needs are not known until deployment: set aside, never guessed. */
export interface UnknownResource {
  urn: string;
  type: string;
  /** The first unknown value it needs, e.g. `inputs.policy`. */
  path: string;
  /** What the model did without it. */
  consequence: string;
}

/** Where the deploying identity comes from: the plan's getCallerIdentity, the caller, or the default. */
export type DeployerSource = "plan" | "given" | "default";

/**
 * The policy sources beside a principal's own (groups, the organization and its structure) are
 * ModelPolicySources' fields (deploy/policySources/).
 */
export interface CloudModel extends ModelPolicySources {
  accountId: string;
  region: string;
  partition: string;
  /** The identity that ran the deployment: it exists in the sandbox and has full administrator rights. */
  deployer: CallerIdentity;
  deployerSource: DeployerSource;
  /** The IAM users and roles the deployment created, in its order. */
  principals: CloudPrincipal[];
  /** Customer managed policies the deployment created. */
  policies: CloudManagedPolicy[];
  keys: CloudKey[];
  grants: CloudGrant[];
  tables: CloudTable[];
  /** What the sandbox does not serve, listed (never dropped silently). */
  notDeployed: NotDeployed[];
  /** What is not known until deployment, listed (never guessed). */
  unknowns: UnknownResource[];
}

/** The deployer's policy: an administrator, as the identity that can run `pulumi up` is. */
export const ADMINISTRATOR_ACCESS_ARN = "arn:aws:iam::aws:policy/AdministratorAccess";

/**
 * The key policy KMS gives a key created without one: it allows the account's root user every KMS action,
 * which lets IAM policies of the account allow access to the key (KMS Developer Guide, "Default key
 * policy": "When you create a KMS key programmatically ... and you don't specify a key policy, AWS KMS
 * applies a very simple default key policy", Sid "Enable IAM User Permissions",
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 */
export function defaultKeyPolicy(partition: string, accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Id: "key-default-1",
    Statement: [
      {
        Sid: "Enable IAM User Permissions",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  });
}

/** The resource types the sandbox serves (the IAM principal types come from PRINCIPAL_KINDS). */
const SERVED = new Set([
  ...PLAN_PRINCIPAL_KINDS.flatMap((kind) => {
    const resources = PRINCIPAL_KINDS[kind].resources;
    return [resources.type, resources.inlinePolicy, resources.policyAttachment];
  }),
  ...policySourceTypes(),
  ...Object.values(ORGANIZATION_TREE_TYPES),
  "aws:iam/accessKey:AccessKey",
  "aws:iam/policy:Policy",
  "aws:iam/policyAttachment:PolicyAttachment",
  "aws:kms/key:Key",
  "aws:kms/externalKey:ExternalKey",
  "aws:kms/alias:Alias",
  "aws:kms/keyPolicy:KeyPolicy",
  "aws:kms/grant:Grant",
  "aws:dynamodb/table:Table",
  "aws:dynamodb/resourcePolicy:ResourcePolicy",
]);

/** Why each kind of resource that is not served matters, when it does. */
const UNSERVED_REASONS: Readonly<Record<string, string>> = {
  "aws:dynamodb/globalTable:GlobalTable":
    "DynamoDB global tables (version 2017.11.29) span regions; the sandbox serves one region",
  "aws:dynamodb/tableReplica:TableReplica":
    "a replica is a table in another region; the sandbox serves one region",
};

/**
 * The cloud model of a deployment. Throws for what cannot be deployed at all (a policy resource naming a
 * principal the deployment lacks, two tables of one name: ResourceInUseException as DynamoDB answers).
 */
export function deriveCloudModel(deployment: Deployment): CloudModel {
  return new ModelBuilder(deployment).build();
}

/** A resource names something the deployment does not create: it is listed as not deployed. */
class OutsideDeploymentError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

class ModelBuilder {
  private readonly values: ResourceValues;
  private readonly principals: CloudPrincipal[] = [];
  private readonly policies: CloudManagedPolicy[] = [];
  private readonly keys: CloudKey[] = [];
  private readonly notDeployed: NotDeployed[] = [];
  private readonly unknowns: UnknownResource[] = [];
  private readonly deployer: CallerIdentity;
  private readonly partition: string;
  private readonly region: string;
  /** Keys and tables set aside for an unknown value: what refers to them is set aside too. */
  private readonly unknownUrns = new Set<string>();
  private readonly unknownKeyRefs = new Set<string>();

  constructor(private readonly deployment: Deployment) {
    this.values = new ResourceValues(deployment.resources);
    this.deployer = deployment.deployer;
    this.partition = deployment.deployer.arn.split(":")[1] || "aws";
    this.region = regionOf(deployment);
  }

  build(): CloudModel {
    const custom = this.deployment.resources.filter((resource) => resource.custom);
    for (const resource of custom) {
      if (!SERVED.has(resource.type)) {
        this.notDeployed.push({
          urn: resource.urn,
          type: resource.type,
          reason:
            UNSERVED_REASONS[resource.type] ??
            "the sandbox serves IAM users and roles, KMS and DynamoDB only",
        });
      }
    }
    const byType = (type: string) =>
      custom.filter((resource) => resource.type === type && this.inRegion(resource));
    for (const kind of PLAN_PRINCIPAL_KINDS) {
      for (const resource of byType(PRINCIPAL_KINDS[kind].resources.type)) {
        this.settle(resource, "not in the matrix: the proof cannot ask about it", () =>
          this.principals.push(this.principal(kind, resource)),
        );
      }
    }
    for (const resource of byType("aws:iam/policy:Policy")) {
      this.settle(resource, "not deployed: the principals it is attached to are taken at worst", () =>
        this.policies.push({
          arn: this.values.string(resource, "outputs", "arn"),
          name: this.values.physicalName(resource),
          document: this.values.document(resource, "policy"),
        }),
      );
    }
    settlePrincipalSources(this.principals, (arn) => this.knownPolicy(arn));
    for (const kind of PLAN_PRINCIPAL_KINDS) {
      this.attachPolicies(kind, byType);
    }
    for (const resource of byType("aws:iam/policyAttachment:PolicyAttachment")) {
      this.policyAttachment(resource);
    }
    const context: PlanReadContext = {
      values: this.values,
      accountId: this.deployer.accountId,
      ...(this.deployment.managementAccountId === undefined
        ? {}
        : { managementAccountId: this.deployment.managementAccountId }),
      principals: this.principals,
      byType,
      settle: (resource, consequence, derive) => this.settle(resource, consequence, derive),
      identityPolicy: (resource, targetOf, add) => this.identityPolicy(resource, targetOf, add),
      attach: (target, policyArn) => this.attach(target, policyArn),
      outside: (reason) => new OutsideDeploymentError(reason),
      notApplied: (resource, reason) =>
        this.notDeployed.push({ urn: resource.urn, type: resource.type, reason }),
    };
    // Groups, SCPs and RCPs and the organization's structure they apply by (deploy/policySources/).
    const sources = readPolicySources(context);
    for (const resource of byType("aws:iam/accessKey:AccessKey")) {
      // An Inactive key authenticates nothing (IAM UpdateAccessKey), so it is not served.
      this.settle(resource, "not served", () => {
        if ((this.values.optionalString(resource, "inputs", "status") ?? "Active") === "Active") {
          this.principalNamed("user", resource, "user").accessKeys.push({
            accessKeyId: resource.id ?? this.values.string(resource, "outputs", "id"),
            secretAccessKey: this.values.string(resource, "outputs", "secret"),
          });
        }
      });
    }
    // A key with imported material (aws.kms.ExternalKey) is a customer managed key with a key policy like
    // any other (KMS Developer Guide, "Importing key material"); the sandbox makes its own material for it.
    for (const resource of [...byType("aws:kms/key:Key"), ...byType("aws:kms/externalKey:ExternalKey")]) {
      this.settle(resource, "not deployed, nor the tables on it", () => this.keys.push(this.key(resource)));
    }
    for (const resource of byType("aws:kms/keyPolicy:KeyPolicy")) {
      this.keyPolicy(resource);
    }
    for (const resource of byType("aws:kms/alias:Alias")) {
      this.settle(resource, "the alias is not served", () => {
        const target = this.values.string(resource, "inputs", "targetKeyId");
        this.keyFor(resource, target, "inputs.targetKeyId").aliases.push(this.values.physicalName(resource));
      });
    }
    const grants: CloudGrant[] = [];
    for (const resource of byType("aws:kms/grant:Grant")) {
      this.settle(resource, "the grant is not made", () => grants.push(this.grant(resource)));
    }
    const tables: CloudTable[] = [];
    for (const resource of byType("aws:dynamodb/table:Table")) {
      this.settle(resource, "the table is not in the matrix", () => {
        const table = this.table(resource);
        if (tables.some((other) => other.name === table.name)) {
          // DynamoDB table names are unique per account and region; CreateTable of an existing name fails
          // (DynamoDB API reference, CreateTable: ResourceInUseException).
          throw new AwsError(
            "ResourceInUseException",
            `creating table ${table.name} (${resource.urn}): ResourceInUseException: Table already exists: ${table.name}`,
          );
        }
        tables.push(table);
      });
    }
    for (const resource of byType("aws:dynamodb/resourcePolicy:ResourcePolicy")) {
      this.settle(resource, "its table's resource-based policy is not applied", () => {
        const resourceArn = this.values.string(resource, "inputs", "resourceArn");
        const table = tables.find((candidate) => candidate.arn === resourceArn);
        if (table === undefined) {
          // A stream ARN, or a table made outside the program: nothing the sandbox serves.
          throw new OutsideDeploymentError(`its resource ${resourceArn} is not a table of the deployment`);
        }
        table.resourcePolicy = tablePolicyOf(this.values.document(resource, "policy"));
      });
    }
    return {
      accountId: this.deployer.accountId,
      region: this.region,
      partition: this.partition,
      deployer: this.deployer,
      deployerSource: this.deployment.deployerSource ?? "plan",
      principals: this.principals,
      policies: this.policies,
      ...sources,
      keys: this.keys,
      grants,
      tables,
      notDeployed: this.notDeployed,
      unknowns: this.unknowns,
    };
  }

  /**
   * Runs `derive`; a value unknown until deployment sets the resource aside, listed with `consequence`, and
   * a resource that names something the deployment lacks (a role made outside the program) is listed as
   * not deployed.
   */
  private settle(resource: DeployedResource, consequence: string, derive: () => void): void {
    try {
      derive();
    } catch (err) {
      if (err instanceof OutsideDeploymentError) {
        this.notDeployed.push({ urn: resource.urn, type: resource.type, reason: err.reason });
        return;
      }
      if (!(err instanceof UnknownValueError)) {
        throw err;
      }
      this.unknowns.push({ urn: resource.urn, type: resource.type, path: err.path, consequence });
      this.unknownUrns.add(resource.urn);
      if (resource.type === "aws:kms/key:Key" || resource.type === "aws:kms/externalKey:ExternalKey") {
        for (const side of [resource.inputs, resource.outputs]) {
          for (const name of ["arn", "keyId"]) {
            if (typeof side[name] === "string") {
              this.unknownKeyRefs.add(side[name] as string);
            }
          }
        }
        if (resource.id !== undefined) {
          this.unknownKeyRefs.add(resource.id);
        }
      }
    }
  }

  /**
   * Whether the resource is in the deployment's region: a resource whose ARN names another region (a
   * second provider) is listed as not deployed, since the sandbox serves one region.
   */
  private inRegion(resource: DeployedResource): boolean {
    const arn = resource.outputs.arn ?? resource.inputs.arn;
    const region = typeof arn === "string" ? arn.split(":")[3] : undefined;
    if (region === undefined || region === "" || region === this.region || arn === undefined) {
      return true;
    }
    if (!this.notDeployed.some((entry) => entry.urn === resource.urn)) {
      this.notDeployed.push({
        urn: resource.urn,
        type: resource.type,
        reason: `it is in ${region}; the sandbox serves one region, ${this.region}`,
      });
    }
    return false;
  }

  private principal(kind: PlanPrincipalKind, resource: DeployedResource): CloudPrincipal {
    const arn = this.values.string(resource, "outputs", "arn");
    const parsed = parsePrincipalArn(arn);
    const principal: CloudPrincipal = {
      kind,
      arn,
      accountId: parsed?.accountId ?? this.deployer.accountId,
      name: this.values.physicalName(resource),
      path: parsed?.path ?? "/",
      uniqueId: this.values.string(resource, "outputs", "uniqueId"),
      inlinePolicies: [],
      managedPolicyArns: [],
      accessKeys: [],
      unknownPolicies: [],
    };
    readPrincipalSources(this.values, resource, principal);
    // tagsAll (the provider's default tags too) once deployed; a preview has the program's tags only.
    const tags =
      resource.outputs?.tagsAll !== undefined
        ? this.values.value(resource, "outputs", "tagsAll")
        : this.values.value(resource, "inputs", "tags");
    if (typeof tags === "object" && tags !== null && Object.keys(tags).length > 0) {
      principal.tags = Object.fromEntries(
        Object.entries(tags as Record<string, unknown>).map(([key, value]) => [key, String(value)]),
      );
    }
    if (PRINCIPAL_KINDS[kind].actsAs === "session") {
      const duration = this.values.value(resource, "inputs", "maxSessionDuration");
      principal.trust = {
        policy: this.values.document(resource, "assumeRolePolicy"),
        maxSessionDuration: typeof duration === "number" ? duration : 3600,
      };
    }
    return principal;
  }

  /** The principal of `kind` a policy resource names by its `input` (by name or, as the provider accepts, ARN). */
  private principalNamed(kind: PlanPrincipalKind, resource: DeployedResource, input: string): CloudPrincipal {
    const reference = this.values.string(resource, "inputs", input);
    const principal = this.principals.find(
      (candidate) => candidate.kind === kind && (candidate.name === reference || candidate.arn === reference),
    );
    if (principal === undefined) {
      const unknown = this.unknowns.find(
        (entry) =>
          entry.type === PRINCIPAL_KINDS[kind].resources.type &&
          (entry.urn.endsWith(`::${reference}`) || this.values.resource(entry.urn)?.id === reference),
      );
      if (unknown !== undefined) {
        throw new UnknownValueError(resource.urn, `inputs.${input} (${unknown.urn}: ${unknown.path})`);
      }
      throw new OutsideDeploymentError(
        `it names ${PRINCIPAL_KINDS[kind].title} "${reference}" (inputs.${input}), which the deployment does not create`,
      );
    }
    return principal;
  }

  private attachPolicies(kind: PlanPrincipalKind, byType: (type: string) => DeployedResource[]): void {
    const resources = PRINCIPAL_KINDS[kind].resources;
    for (const resource of byType(resources.inlinePolicy)) {
      this.identityPolicy(
        resource,
        () => this.principalNamed(kind, resource, resources.principalInput),
        (principal) =>
          principal.inlinePolicies.push({
            name: this.inlinePolicyName(resource),
            document: this.values.document(resource, "policy"),
          }),
      );
    }
    for (const resource of byType(resources.policyAttachment)) {
      this.identityPolicy(
        resource,
        () => this.principalNamed(kind, resource, resources.principalInput),
        (principal) => this.attach(principal, this.values.string(resource, "inputs", "policyArn")),
      );
    }
  }

  /**
   * aws:iam/policyAttachment:PolicyAttachment: one managed policy to lists of users, roles and groups (its
   * groups are read with the groups: deploy/policySources/groups.ts).
   */
  private policyAttachment(resource: DeployedResource): void {
    const kinds: Record<PlanPrincipalKind, string> = { user: "users", role: "roles" };
    for (const kind of PLAN_PRINCIPAL_KINDS) {
      const names = resource.inputs[kinds[kind]];
      for (const [index] of (Array.isArray(names) ? names : []).entries()) {
        this.identityPolicy(
          resource,
          () => {
            const list = this.values.value(resource, "inputs", kinds[kind]) as unknown[];
            const name = String(list[index]);
            const principal = this.principals.find(
              (candidate) => candidate.kind === kind && (candidate.name === name || candidate.arn === name),
            );
            if (principal === undefined) {
              throw new OutsideDeploymentError(
                `it names ${PRINCIPAL_KINDS[kind].title} "${name}" (inputs.${kinds[kind]}[${index}]), which the deployment does not create`,
              );
            }
            return principal;
          },
          (principal) => this.attach(principal, this.values.string(resource, "inputs", "policyArn")),
        );
      }
    }
  }

  /**
   * An identity policy of a principal: when its document is unknown until deployment, the principal is
   * still deployed, and its identity-based policies are unknown (decided at worst).
   */
  private identityPolicy<T extends { unknownPolicies: string[] }>(
    resource: DeployedResource,
    principalOf: () => T,
    add: (principal: T) => void,
  ): void {
    let principal: T | undefined;
    this.settle(resource, "not applied: its principal's identity-based policies are taken at worst", () => {
      principal = principalOf();
      add(principal);
    });
    if (principal !== undefined && this.unknownUrns.has(resource.urn)) {
      principal.unknownPolicies.push(resource.urn);
    }
  }

  /**
   * An attached managed policy. Its document is the plan's (a customer managed policy it creates) or the
   * sandbox's copy of an AWS managed policy (sandbox/iam/awsManagedPolicies.json); any other (an AWS
   * managed policy the sandbox holds no copy of, a policy made outside the program, one whose document is
   * unknown until deployment) makes the principal's identity-based policies unknown: decided at worst,
   * and listed (`unknownPolicies`).
   */
  private attach(
    principal: { managedPolicyArns: string[]; unknownPolicies: string[] },
    policyArn: string,
  ): void {
    if (this.knownPolicy(policyArn)) {
      principal.managedPolicyArns.push(policyArn);
    } else {
      principal.unknownPolicies.push(policyArn);
    }
  }

  /** Whether the model can read a managed policy's document: the plan's own, or an AWS managed one the sandbox holds. */
  private knownPolicy(policyArn: string): boolean {
    return (
      this.policies.some((policy) => policy.arn === policyArn) || MANAGED_POLICY_ARNS.includes(policyArn)
    );
  }

  /** An inline policy's name: the program's (or the provider's auto-name), else the name in its ID (PRINCIPAL:NAME). */
  private inlinePolicyName(resource: DeployedResource): string {
    return (
      this.values.optionalString(resource, "inputs", "name") ??
      this.values.optionalString(resource, "outputs", "name") ??
      (resource.id?.includes(":") ? resource.id.slice(resource.id.indexOf(":") + 1) : undefined) ??
      resource.urn.slice(resource.urn.lastIndexOf("::") + 2)
    );
  }

  private key(resource: DeployedResource): CloudKey {
    const policy = this.values.value(resource, "inputs", "policy");
    const arn = this.values.string(resource, "outputs", "arn");
    const window = this.values.value(resource, "inputs", "deletionWindowInDays");
    const description = this.values.value(resource, "inputs", "description");
    return {
      arn,
      // An ExternalKey has no keyId output: its ID is the key id.
      keyId:
        this.values.optionalString(resource, "outputs", "keyId") ??
        this.values.string(resource, "outputs", "id"),
      ...(policy === undefined || policy === ""
        ? {
            policy: defaultKeyPolicy(this.partition, arn.split(":")[4] ?? this.deployer.accountId),
            policySource: "default" as const,
          }
        : { policy: this.values.document(resource, "policy"), policySource: "key" as const }),
      enabled: this.values.value(resource, "inputs", "isEnabled") !== false,
      deletionWindowInDays: typeof window === "number" ? window : undefined,
      bypassPolicyLockoutSafetyCheck:
        this.values.value(resource, "inputs", "bypassPolicyLockoutSafetyCheck") === true,
      description: typeof description === "string" ? description : "",
      aliases: [],
      ...resourceTags(this.values, resource),
    };
  }

  /**
   * aws:kms/keyPolicy:KeyPolicy sets its key's policy (PutKeyPolicy after CreateKey): it wins over the
   * key's. One whose policy is unknown until deployment leaves its key's policy unknown: the key is set
   * aside with it, and the tables on it.
   */
  private keyPolicy(resource: DeployedResource): void {
    let key: CloudKey | undefined;
    this.settle(resource, "not applied: its key, and the tables on it, are not deployed", () => {
      key = this.keyFor(resource, this.values.string(resource, "inputs", "keyId"), "inputs.keyId");
      key.policy = this.values.document(resource, "policy");
      key.policySource = "key-policy-resource";
      key.bypassPolicyLockoutSafetyCheck =
        this.values.value(resource, "inputs", "bypassPolicyLockoutSafetyCheck") === true;
    });
    if (key !== undefined && this.unknownUrns.has(resource.urn)) {
      const unknownKey = key;
      this.keys.splice(this.keys.indexOf(unknownKey), 1);
      for (const reference of [unknownKey.arn, unknownKey.keyId]) {
        this.unknownKeyRefs.add(reference);
      }
    }
  }

  private keyFor(resource: DeployedResource, reference: string, path: string): CloudKey {
    const aliasName = reference.replace(/^arn:[^:]+:kms:[^:]*:\d*:(?=alias\/)/, "");
    const key = this.keys.find(
      (candidate) =>
        candidate.arn === reference ||
        candidate.keyId === reference ||
        candidate.aliases.includes(reference) ||
        candidate.aliases.includes(aliasName),
    );
    if (key !== undefined) {
      return key;
    }
    if (this.unknownKeyRefs.has(reference)) {
      throw new UnknownValueError(
        resource.urn,
        `${path} (a key whose values are not known until deployment)`,
      );
    }
    throw new OutsideDeploymentError(`${path} "${reference}" is not a KMS key the deployment creates`);
  }

  private grant(resource: DeployedResource): CloudGrant {
    const key = this.keyFor(resource, this.values.string(resource, "inputs", "keyId"), "inputs.keyId");
    // @pulumi/aws 7: constraints is a list of { encryptionContextEquals?, encryptionContextSubset? }.
    const constraintList =
      (this.values.value(resource, "inputs", "constraints") as Record<string, unknown>[] | undefined) ?? [];
    const first = constraintList[0] ?? {};
    const equals = first.encryptionContextEquals as Record<string, string> | undefined;
    const subset = first.encryptionContextSubset as Record<string, string> | undefined;
    return {
      grantId: this.values.string(resource, "outputs", "grantId"),
      grantToken: this.values.string(resource, "outputs", "grantToken"),
      keyArn: key.arn,
      granteePrincipal: this.values.string(resource, "inputs", "granteePrincipal"),
      retiringPrincipal: this.values.optionalString(resource, "inputs", "retiringPrincipal"),
      operations: (this.values.value(resource, "inputs", "operations") as string[] | undefined) ?? [],
      constraints:
        equals === undefined && subset === undefined
          ? undefined
          : {
              ...(equals !== undefined ? { encryptionContextEquals: equals } : {}),
              ...(subset !== undefined ? { encryptionContextSubset: subset } : {}),
            },
      name: this.values.optionalString(resource, "inputs", "name") ?? "",
    };
  }

  private table(resource: DeployedResource): CloudTable {
    const sse = this.values.value(resource, "inputs", "serverSideEncryption") as
      { enabled?: boolean; kmsKeyArn?: string } | undefined;
    let keyArn: string | undefined;
    // The AWS managed key (alias/aws/dynamodb) lets every principal of the account use it through DynamoDB
    // (DynamoDB Developer Guide, "Encryption at rest: how it works", AWS managed key): as an AWS owned key
    // does, the caller's DynamoDB permissions alone decide. Only a customer managed key has a policy to model.
    const awsManaged = typeof sse?.kmsKeyArn === "string" && /(^|:)alias\/aws\//.test(sse.kmsKeyArn);
    if (sse?.enabled === true && typeof sse.kmsKeyArn === "string" && sse.kmsKeyArn !== "" && !awsManaged) {
      keyArn = this.keyFor(resource, sse.kmsKeyArn, "inputs.serverSideEncryption.kmsKeyArn").arn;
    }
    const replicas = this.values.value(resource, "inputs", "replicas");
    for (const replica of Array.isArray(replicas) ? (replicas as { regionName?: unknown }[]) : []) {
      this.notDeployed.push({
        urn: resource.urn,
        type: resource.type,
        reason: `its replica in ${String(replica.regionName)}: the sandbox serves one region, ${this.region}`,
      });
    }
    const name = this.values.physicalName(resource);
    // The provider's default recovery period is 35 days, DynamoDB's longest (API reference,
    // PointInTimeRecoverySpecification, RecoveryPeriodInDays).
    const recovery = this.values.value(resource, "inputs", "pointInTimeRecovery") as
      { enabled?: boolean; recoveryPeriodInDays?: number } | undefined;
    const ttl = this.values.value(resource, "inputs", "ttl") as
      { enabled?: boolean; attributeName?: string } | undefined;
    return {
      name,
      arn: this.values.string(resource, "outputs", "arn"),
      keyArn,
      deletionProtection: this.values.value(resource, "inputs", "deletionProtectionEnabled") === true,
      ...(recovery?.enabled === true
        ? { pointInTimeRecovery: { recoveryPeriodInDays: recovery.recoveryPeriodInDays ?? 35 } }
        : {}),
      ...(ttl?.enabled === true && typeof ttl.attributeName === "string" && ttl.attributeName !== ""
        ? { timeToLive: { attributeName: ttl.attributeName } }
        : {}),
      createRequest: createTableRequest(this.values, resource, name),
      ...resourceTags(this.values, resource),
      ...(typeof resource.inputs.resourcePolicy === "string" ||
      typeof resource.inputs.resourcePolicy === "object"
        ? { resourcePolicy: tablePolicyOf(this.values.document(resource, "resourcePolicy")) }
        : {}),
    };
  }
}

/**
 * A table's or key's tags, as aws:ResourceTag reads them: `tagsAll` once deployed (the provider's default
 * tags too), the program's `tags` in a preview, as for a principal's; "unknown" when they are not known
 * until deployment (a tag value from another resource's output), so that a decision that reads one is
 * Conditional rather than decided without it. None for no tags.
 */
function resourceTags(
  values: ResourceValues,
  resource: DeployedResource,
): { tags?: Record<string, string> | "unknown" } {
  let tags: unknown;
  try {
    tags =
      resource.outputs?.tagsAll !== undefined
        ? values.value(resource, "outputs", "tagsAll")
        : values.value(resource, "inputs", "tags");
  } catch (err) {
    if (err instanceof UnknownValueError) {
      return { tags: "unknown" };
    }
    throw err;
  }
  if (typeof tags !== "object" || tags === null || Object.keys(tags).length === 0) {
    return {};
  }
  return {
    tags: Object.fromEntries(
      Object.entries(tags as Record<string, unknown>).map(([key, value]) => [key, String(value)]),
    ),
  };
}

/**
 * A deployed table policy with its revision: a number, as DynamoDB's RevisionIds are, fixed by the text
 * (the same policy deployed again keeps its revision, as PutResourcePolicy of the same policy does).
 */
export function tablePolicyOf(document: string): TablePolicy {
  const digest = createHash("sha256").update(document).digest();
  return { document, revisionId: String(digest.readUIntBE(0, 6)) };
}

/** DynamoDB's CreateTable request for an aws:dynamodb/table:Table's inputs (@pulumi/aws 7 names). */
function createTableRequest(
  values: ResourceValues,
  table: DeployedResource,
  name: string,
): Record<string, unknown> {
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
    TableName: name,
    AttributeDefinitions: attributes.map((attribute) => ({
      AttributeName: attribute.name,
      AttributeType: attribute.type,
    })),
    KeySchema: keySchema(values.string(table, "inputs", "hashKey"), inputs.rangeKey),
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

/**
 * The one region the deployment is served in: the stack's `region` output when it has one, else the
 * region of its first regional KMS or DynamoDB resource, else of any regional resource. Resources in other
 * regions are listed as not deployed (ModelBuilder.inRegion).
 */
function regionOf(deployment: Deployment): string {
  const declared = deployment.outputs.region;
  if (typeof declared === "string" && declared !== "") {
    return declared;
  }
  const regionOfResource = (resource: DeployedResource): string | undefined => {
    const arn = resource.outputs.arn ?? resource.inputs.arn;
    const region = typeof arn === "string" && arn.startsWith("arn:") ? arn.split(":")[3] : undefined;
    return region === "" ? undefined : region;
  };
  const custom = deployment.resources.filter((resource) => resource.custom);
  const preferred = custom.filter((resource) => /^aws:(kms|dynamodb)\//.test(resource.type));
  const region = [...preferred, ...custom]
    .map(regionOfResource)
    .find((found) => found !== undefined && !isUnknownValue(found));
  if (region !== undefined) {
    return region;
  }
  if (custom.some((resource) => resource.id === undefined)) {
    // A preview whose regional ARNs are not known yet: whatever needs the region is set aside anyway.
    return UNKNOWN_REGION;
  }
  throw new Error("the deployment has no regional resource and no region output; cannot tell its region");
}

/**
 * The remote (multi-language) components of a plan: their children are made by a provider plugin the
 * offline plan engine does not run, so neither the sandbox nor the proof sees them.
 */
export function remoteComponents(
  states: readonly { urn: string; type: string; remote?: boolean }[],
): NotDeployed[] {
  return states
    .filter((state) => state.remote === true)
    .map((state) => ({
      urn: state.urn,
      type: state.type,
      reason:
        "a remote component: its children are made by its provider plugin, which the offline plan does not run",
    }));
}

/** The principals of the model of one kind. */
export function principalsOfKind(
  model: Pick<CloudModel, "principals">,
  kind: PlanPrincipalKind,
): CloudPrincipal[] {
  return model.principals.filter((principal) => principal.kind === kind);
}
