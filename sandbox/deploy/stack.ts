/**
 * A deployed stack as the request path sees it: the model, its authorizer (principals and key policies
 * loaded, key policies validated as KMS validates them at deploy time) and the lookups every request does.
 * Built whole and then swapped in, so a request sees either the old stack or the new one, never a mix,
 * and a plan that fails validation leaves the running stack as it was.
 */
import { roleOfSession } from "../../infra/assumedRole";
import { AwsError } from "../errors";
import { Authorizer, parsePolicyDocument, type PrincipalSpec } from "../iam";
import type { CreateGrantContext } from "../iam/authorizer";
import { ABSENT, type ContextRecord } from "../iam/evaluation";
import { GrantStore, KmsService } from "../kms";
import { isGrantPrincipal } from "../kms/grantOperations";
import { stableGrantId, type Grant, type GrantOperation } from "../kms/grants";
import type { TableSettingsJournal } from "./tableSettings";
import type { KeyRegistry } from "../kms/keyRegistry";
import { SessionStore, type RoleSession } from "../sts/sessions";
import { INVALID_TOKEN } from "../http/sigv4";
import { ADMINISTRATOR_ACCESS_ARN, type CloudModel, type CloudPrincipal, type CloudTable } from "./model";
import { organizationTreeSpecOf } from "./organizationTree";
import { organizationSpecOf, principalSourcesOf, type PrincipalSourcesSpec } from "./policySources";

/** An access key pair (the deployer's, for the drills). */
export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What a deployment carries over from the stack it replaces: state made at run time, not by the plan. */
export interface RuntimeState {
  /**
   * Brings the keys' one owner (the KeyRegistry) in line with the model, once the key policies are
   * validated and before the table grants are made: as `pulumi up` creates a key before the table that
   * uses it (DynamoDB's grant needs the key to exist).
   */
  readonly applyKeys?: () => void;
  /** Role sessions issued by AssumeRole; they stay valid across deployments until they expire. */
  readonly sessions?: SessionStore;
  /** Grants made with CreateGrant (origin "api"); those on keys no longer deployed are dropped. */
  readonly apiGrants?: readonly Grant[];
}

/**
 * The operations of the grant DynamoDB creates for a table encrypted with a customer managed key, its
 * grantee and retiring principal (the DynamoDB service principal of the Region) and its constraint (KMS
 * developer guide, "How Amazon DynamoDB uses AWS KMS", Using grants: the ListGrants example).
 */
const DYNAMODB_GRANT_OPERATIONS: GrantOperation[] = [
  "Decrypt",
  "Encrypt",
  "GenerateDataKey",
  "ReEncryptFrom",
  "ReEncryptTo",
  "RetireGrant",
  "DescribeKey",
];

/** A role as STS reads it to issue a session: what AssumeRole needs beside the authorizer's decision. */
export interface AssumableRole {
  readonly arn: string;
  /** IAM's unique id (AROA…): a session's aws:userid is ROLE_ID:SESSION_NAME. */
  readonly roleId: string;
  /** The longest session AssumeRole may ask for, in seconds. */
  readonly maxSessionDuration: number;
}

/** Who signed a request. */
export interface Caller {
  arn: string;
  accountId: string;
  userId: string;
  accessKeyId: string;
  /** The address the request came from (the TCP peer), set per request: aws:SourceIp. */
  sourceIp?: string;
  /** For role session credentials, when the session was issued: aws:TokenIssueTime. */
  tokenIssueTime?: string;
  /**
   * The request's User-Agent and Referer headers (aws:UserAgent, aws:referer), set per request; undefined
   * where the request's headers are not known (then both keys are unknown).
   */
  headers?: RequestHeaders;
}

/** The headers of a request that become condition keys: each only when the request carries it. */
export interface RequestHeaders {
  readonly userAgent?: string;
  readonly referer?: string;
}

/**
 * The global condition keys a request's caller and connection fix (IAM User Guide, "AWS global condition
 * context keys"): aws:SourceIp, the requester's address, which a call a service makes on the caller's
 * behalf keeps (forward access sessions preserve the original requester's IP: IAM User Guide, "AWS:
 * Denies access to AWS based on the source IP"); aws:TokenIssueTime, only for temporary credentials;
 * aws:UserAgent and aws:referer, the User-Agent and Referer headers, "included in the request context only
 * if the value was provided by the caller in an HTTP header" (absent otherwise).
 */
export function callerRequestKeys(caller: Caller): ContextRecord {
  // Once per caller: a long-term key's caller from one address is one object for all its requests.
  let keys = callerKeys.get(caller);
  if (keys === undefined) {
    const headers = caller.headers;
    keys = {
      ...(caller.sourceIp === undefined ? {} : { "aws:SourceIp": caller.sourceIp }),
      ...(caller.tokenIssueTime === undefined ? {} : { "aws:TokenIssueTime": caller.tokenIssueTime }),
      ...(headers === undefined
        ? {}
        : {
            "aws:UserAgent": headers.userAgent ?? ABSENT,
            "aws:referer": headers.referer ?? ABSENT,
          }),
    };
    callerKeys.set(caller, keys);
  }
  return keys;
}

const callerKeys = new WeakMap<Caller, ContextRecord>();

export class LiveStack {
  /** Where a table's settings changed at run time are made durable first (tableSettings.ts). */
  tableJournal: TableSettingsJournal | undefined;
  private readonly callers = new Map<string, { caller: Caller; secret: string; from?: Caller }>();
  private readonly tablesByName: Map<string, CloudTable>;

  private constructor(
    readonly model: CloudModel,
    readonly authorizer: Authorizer,
    /** The KMS grants of the stack, their one owner: the authorizer and the KMS service read them here. */
    readonly grants: GrantStore,
    readonly kms: KmsService,
    deployerKey: AccessKey | undefined,
    readonly sessions: SessionStore,
  ) {
    for (const principal of model.principals) {
      for (const key of principal.accessKeys) {
        // A principal of another account (its ARN names it) reports that account (GetCallerIdentity).
        const caller = {
          arn: principal.arn,
          accountId: principal.accountId,
          userId: principal.uniqueId,
          accessKeyId: key.accessKeyId,
        };
        this.callers.set(key.accessKeyId, { caller, secret: key.secretAccessKey });
      }
    }
    if (deployerKey !== undefined) {
      const caller = {
        arn: model.deployer.arn,
        accountId: model.accountId,
        userId: model.deployer.userId,
        accessKeyId: deployerKey.accessKeyId,
      };
      this.callers.set(deployerKey.accessKeyId, { caller, secret: deployerKey.secretAccessKey });
    }
    this.tablesByName = new Map(model.tables.map((table) => [table.name, table]));
  }

  /**
   * Loads the model into a new authorizer that reads keys from `keys`, their one owner: the deployer (an
   * administrator) and the users first, then each key policy is validated as CreateKey/PutKeyPolicy would
   * for the deployer (unknown principals, lockout). Throws AwsError MalformedPolicyDocumentException (or
   * NoSuchEntity for an unknown managed policy). Changes nothing in `keys`: the caller applies the
   * deployment's keys once everything else succeeded (deploy/deployKeys.ts).
   * `deployerKey` lets the deploying identity sign requests (key administration in the drills).
   */
  static async build(
    model: CloudModel,
    keys: KeyRegistry,
    deployerKey?: AccessKey,
    runtime: RuntimeState = {},
  ): Promise<LiveStack> {
    const grants = new GrantStore();
    const sessions = runtime.sessions ?? new SessionStore();
    // A table's resource-based policy is read at each decision: PutResourcePolicy changes it in place.
    const tablesByArn = new Map(model.tables.map((table) => [table.arn, table]));
    const keysByArn = new Map(model.keys.map((key) => [key.arn, key]));
    const authorizer = new Authorizer({
      keys,
      grants,
      sessions,
      tablePolicies: { tablePolicy: (tableArn) => tablesByArn.get(tableArn)?.resourcePolicy },
      // Tables' and keys' tags, as the plan (or account data) gives them: no served operation changes them.
      // A table or key the stack does not hold has no tags (a request on it fails as not found).
      resourceTags: { tagsOf: (arn) => (tablesByArn.get(arn) ?? keysByArn.get(arn))?.tags ?? {} },
    });
    const kms = new KmsService(authorizer, keys, grants);
    for (const arn of deployerPrincipals(model.deployer.arn)) {
      authorizer.putPrincipal({ arn, managedPolicyArns: [ADMINISTRATOR_ACCESS_ARN] });
    }
    const sourcesOf = principalSourcesOf(model);
    for (const principal of model.principals) {
      authorizer.putPrincipal(principalSpec(model, principal, sourcesOf(principal)));
    }
    authorizer.putOrganization(organizationSpecOf(model.accountId, model.organization));
    authorizer.putOrganizationTree(organizationTreeSpecOf(model.organizationTree));
    for (const key of model.keys) {
      if (key.existing === true) {
        continue;
      }
      try {
        await authorizer.validateKeyPolicy({
          keyArn: key.arn,
          policy: key.policy,
          callerArn: model.deployer.arn,
          bypassPolicyLockoutSafetyCheck: key.bypassPolicyLockoutSafetyCheck,
        });
      } catch (err) {
        if (err instanceof AwsError) {
          // As `pulumi up` reports a failed CreateKey/PutKeyPolicy: which key, then AWS's error.
          throw new AwsError(
            err.code,
            `creating KMS key ${key.arn}: ${err.code}: ${err.message}`,
            err.status,
          );
        }
        throw err;
      }
    }
    runtime.applyKeys?.();
    await putGrants(model, authorizer, grants, runtime.apiGrants ?? []);
    return new LiveStack(model, authorizer, grants, kms, deployerKey, sessions);
  }

  /** The secret of an active access key or of a role session, or undefined when the key is unknown. */
  secretOf(accessKeyId: string): string | undefined {
    return this.callers.get(accessKeyId)?.secret ?? this.liveSession(accessKeyId)?.secretAccessKey;
  }

  /** For a role session's access key: the session token it must be presented with, and whether it expired. */
  sessionOf(accessKeyId: string): { token: string; expired: boolean } | undefined {
    const session = this.liveSession(accessKeyId);
    return session === undefined
      ? undefined
      : { token: session.sessionToken, expired: this.sessions.isExpired(session) };
  }

  /**
   * The caller of a request signed with `accessKeyId` from `sourceIp`, with its `headers`. A long-term
   * key's caller from one address with the same headers is made once: the request path asks for it on
   * every request.
   */
  callerOf(accessKeyId: string, sourceIp?: string, headers?: RequestHeaders): Caller {
    const entry = this.callers.get(accessKeyId);
    if (entry !== undefined) {
      if (sourceIp === undefined && headers === undefined) {
        return entry.caller;
      }
      // One caller per address and headers: a client that keeps them keeps one caller, and its keys.
      let from = entry.from;
      if (
        from === undefined ||
        from.sourceIp !== sourceIp ||
        from.headers?.userAgent !== headers?.userAgent ||
        from.headers?.referer !== headers?.referer ||
        (from.headers === undefined) !== (headers === undefined)
      ) {
        from = {
          ...entry.caller,
          ...(sourceIp === undefined ? {} : { sourceIp }),
          ...(headers === undefined ? {} : { headers }),
        };
        entry.from = from;
      }
      return from;
    }
    const session = this.liveSession(accessKeyId);
    if (session === undefined) {
      throw new AwsError("UnrecognizedClientException", INVALID_TOKEN);
    }
    return {
      arn: session.sessionArn,
      accountId: session.accountId,
      userId: session.assumedRoleId,
      accessKeyId,
      ...(sourceIp === undefined ? {} : { sourceIp }),
      ...(headers === undefined ? {} : { headers }),
      ...(session.issued === undefined
        ? {}
        : { tokenIssueTime: session.issued.toISOString().replace(/\.\d{3}Z$/, "Z") }),
    };
  }

  /** A session whose role is still deployed (a deleted role's sessions can do nothing). */
  private liveSession(accessKeyId: string): RoleSession | undefined {
    const session = this.sessions.get(accessKeyId);
    return session !== undefined && this.authorizer.hasRole(session.roleArn) ? session : undefined;
  }

  /** A role of the stack that can be assumed, as STS reads it. */
  role(arn: string): AssumableRole | undefined {
    const role = this.model.principals.find(
      (principal) => principal.arn === arn && principal.trust !== undefined,
    );
    return role?.trust === undefined
      ? undefined
      : { arn: role.arn, roleId: role.uniqueId, maxSessionDuration: role.trust.maxSessionDuration };
  }

  table(name: string): CloudTable | undefined {
    return this.tablesByName.get(name);
  }

  /** The ARN of a table by name, whether or not it exists (IAM authorizes the ARN before DynamoDB looks). */
  tableArn(name: string): string {
    return (
      this.tablesByName.get(name)?.arn ??
      `arn:${this.model.partition}:dynamodb:${this.model.region}:${this.model.accountId}:table/${name}`
    );
  }
}

/**
 * What the engine holds of a principal of the model: its policies (customer managed ones with their
 * documents, which the plan holds) and, for a role, its trust policy. Inline policies are parsed here:
 * IAM's PutUserPolicy and PutRolePolicy answer MalformedPolicyDocument for a document they cannot read.
 */
function principalSpec(
  model: CloudModel,
  principal: CloudPrincipal,
  sources: PrincipalSourcesSpec,
): PrincipalSpec {
  const managed = new Set([...principal.managedPolicyArns, ...sources.managedPolicyArns]);
  return {
    arn: principal.arn,
    inlinePolicies: principal.inlinePolicies.map((policy) => ({
      name: policy.name,
      document: parsePolicyDocument(
        policy.document,
        `${principal.arn} inline policy ${policy.name}`,
        "MalformedPolicyDocument",
      ),
    })),
    managedPolicyArns: principal.managedPolicyArns,
    customerManagedPolicies: model.policies.filter((policy) => managed.has(policy.arn)),
    unknownPolicies: [...principal.unknownPolicies, ...sources.unknownPolicies],
    uniqueId: principal.uniqueId,
    // The policies that decide beside its own (a group's, a boundary): deploy/policySources/.
    ...sources.fields,
    ...(principal.tags === undefined ? {} : { tags: principal.tags }),
    ...(principal.trust === undefined
      ? {}
      : { trustPolicy: principal.trust.policy, roleId: principal.uniqueId }),
  };
}

/**
 * The grant DynamoDB creates on a table's customer managed key, and the CreateGrant request it makes for
 * it on behalf of whoever chose the key (at CreateTable, or UpdateTable switching the key): its grantee
 * and retiring principal are the DynamoDB service principal of the Region, its constraint the table's
 * encryption context (KMS developer guide, "How Amazon DynamoDB uses AWS KMS", Using grants).
 */
export function tableKeyGrant(
  model: Pick<CloudModel, "partition" | "accountId" | "region">,
  table: { readonly name: string; readonly arn: string },
  keyArn: string,
): {
  readonly request: CreateGrantContext & { readonly viaService: string };
  readonly grant: Omit<Grant, "grantToken" | "creationDate">;
} {
  const servicePrincipal = `dynamodb.${model.region}.amazonaws.com`;
  return {
    request: {
      operations: DYNAMODB_GRANT_OPERATIONS,
      granteePrincipal: servicePrincipal,
      retiringPrincipal: servicePrincipal,
      constraintType: "EncryptionContextSubset",
      forAwsResource: true,
      viaService: servicePrincipal,
    },
    grant: {
      grantId: stableGrantId("dynamodb", table.arn, keyArn),
      keyArn,
      granteePrincipal: servicePrincipal,
      retiringPrincipal: servicePrincipal,
      operations: DYNAMODB_GRANT_OPERATIONS,
      constraints: {
        encryptionContextSubset: {
          "aws:dynamodb:tableName": table.name,
          "aws:dynamodb:subscriberId": model.accountId,
        },
      },
      name: stableGrantId("name", table.arn).slice(0, 36),
      issuingAccount: `arn:${model.partition}:iam::${model.accountId}:root`,
      origin: "service",
    },
  };
}

/**
 * The grants of a deployment, in the order AWS makes them: DynamoDB's grant for each table on a customer
 * managed key (created for the deployer, who needs kms:CreateGrant through DynamoDB), the plan's grants
 * (CreateGrant by the deployer), then the grants made at run time that still have their key.
 */
async function putGrants(
  model: CloudModel,
  authorizer: Authorizer,
  grants: GrantStore,
  apiGrants: readonly Grant[],
): Promise<void> {
  const issuingAccount = `arn:${model.partition}:iam::${model.accountId}:root`;
  for (const table of model.tables) {
    if (table.keyArn === undefined) {
      continue;
    }
    const { request, grant } = tableKeyGrant(model, table, table.keyArn);
    await requireCreateGrant(
      authorizer,
      model.deployer.arn,
      table.keyArn,
      `creating table ${table.name}`,
      request,
    );
    grants.put(grant);
  }
  for (const grant of model.grants) {
    if (grant.existing === true) {
      grants.put({
        ...grant,
        operations: grant.operations as GrantOperation[],
        issuingAccount,
        origin: "api",
      });
      continue;
    }
    const where = `creating KMS grant ${grant.name || grant.grantId} on ${grant.keyArn}`;
    for (const principal of [grant.granteePrincipal, grant.retiringPrincipal]) {
      if (principal !== undefined && !isGrantPrincipal(principal, authorizer)) {
        throw new AwsError(
          "InvalidArnException",
          `${where}: InvalidArnException: ${principal} is not a valid principal ARN.`,
        );
      }
    }
    await requireCreateGrant(authorizer, model.deployer.arn, grant.keyArn, where, {
      operations: grant.operations,
      granteePrincipal: grant.granteePrincipal,
      retiringPrincipal: grant.retiringPrincipal,
      constraintType:
        grant.constraints?.encryptionContextEquals !== undefined
          ? "EncryptionContextEquals"
          : grant.constraints?.encryptionContextSubset !== undefined
            ? "EncryptionContextSubset"
            : undefined,
      forAwsResource: false,
    });
    grants.put({
      ...grant,
      operations: grant.operations as GrantOperation[],
      issuingAccount,
      origin: "plan",
    });
  }
  const keys = new Set(model.keys.map((key) => key.arn));
  for (const grant of apiGrants) {
    if (keys.has(grant.keyArn)) {
      grants.put(grant);
    }
  }
}

async function requireCreateGrant(
  authorizer: Authorizer,
  deployerArn: string,
  keyArn: string,
  where: string,
  grant: {
    operations: readonly string[];
    granteePrincipal: string;
    retiringPrincipal?: string;
    constraintType?: string;
    forAwsResource: boolean;
    viaService?: string;
  },
): Promise<void> {
  const decision = await authorizer.authorizeKms(deployerArn, "kms:CreateGrant", keyArn, {
    viaService: grant.viaService,
    grant,
  });
  // Only the policies count: a grant already made stays when its key is later disabled, and the
  // sandbox makes its grants again on every deployment.
  if (!decision.allowed && decision.keyStateError === undefined) {
    throw new AwsError("AccessDeniedException", `${where}: AccessDeniedException: ${decision.message ?? ""}`);
  }
}

/**
 * The deployer as a principal, and, when it is an assumed-role session, its role too: key policies name the
 * role (a session ARN is not a valid key-policy principal), so the role must exist for them to validate.
 */
function deployerPrincipals(arn: string): string[] {
  const role = roleOfSession(arn);
  return role === undefined ? [arn] : [arn, role];
}
