import { parseAssumedRoleArn, roleOfSession } from "../../infra/assumedRole";
import { AwsError } from "../errors";
import { accountOf, parseArn } from "./arn";
import type { OrganizationTreeSpec } from "./organizationKeys";
import { DecisionCache } from "./decisionCache";
import { NOT_SET } from "./conditionKeys";
import {
  ABSENT,
  accessDeniedMessage,
  compilePolicy,
  contextFrom,
  Decider,
  UNKNOWN,
  type ContextRecord,
  type RequestContext,
  MalformedPolicyDocumentError,
  principalFromArn,
  type CompiledPolicy,
  type EvalPrincipal,
  type EvalResult,
  type PolicyKind,
  type PolicySet,
  type ResourceKind,
} from "./evaluation";
import { managedPolicyDocument } from "./managedPolicies";
import { principalKeysOf, sessionPrincipalTags, withUnknownPrincipalKeys } from "./principalTags";
import { RequestLayer, ResourceLayer } from "./layeredContext";
import { tagsOfResource, type ResourceTags, type ResourceTagSource } from "./resourceTags";
import { TablePolicySides, type TablePolicySide, type TablePolicySource } from "./tableResourcePolicies";
import {
  compileOrganization,
  isServiceLinkedRoleArn,
  organizationPart,
  principalSourceParts,
  type CompiledOrganization,
  type OrganizationSpec,
} from "./policySources";
import { policyIdentityOf, type PolicyIdentity } from "./policyIdentity";
import {
  checkInlinePoliciesSize,
  checkKeyPolicySize,
  parsePolicyDocument,
  statementsOf,
} from "./policyDocument";
import type {
  DecidingStatement,
  Decision,
  DeniedByPolicyType,
  GrantSource,
  KeySource,
  KmsDecision,
  PolicyDocument,
  SessionPolicySource,
  PrincipalSpec,
  RoleSpec,
} from "./types";

/** What a KMS request carries beyond principal, action and key, as KMS puts it in the request context. */
export interface KmsRequestContext {
  /**
   * The service that called KMS on the principal's behalf, e.g. "dynamodb.us-east-1.amazonaws.com".
   * Absent for a direct call (KMS sets kms:ViaService only for calls made through an integrated service).
   */
  readonly viaService?: string;
  /** The request's encryption context: kms:EncryptionContextKeys and kms:EncryptionContext:<key>. */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** Service keys computed from the request (kms:EncryptionAlgorithm, kms:BypassPolicyLockoutSafetyCheck, ...). */
  readonly requestKeys?: ContextRecord;
  /**
   * For CreateGrant: the grant asked for, as the kms:Grant* condition keys (KMS developer guide, "AWS KMS
   * condition keys"; "Controlling access to grants").
   */
  readonly grant?: CreateGrantContext;
}

/** The condition keys of a CreateGrant request. */
export interface CreateGrantContext {
  readonly operations: readonly string[];
  readonly granteePrincipal: string;
  readonly retiringPrincipal?: string;
  /** "EncryptionContextEquals" or "EncryptionContextSubset" when the grant has that constraint. */
  readonly constraintType?: string;
  /** True only when an integrated AWS service creates the grant for the caller (kms:GrantIsForAWSResource). */
  readonly forAwsResource: boolean;
}

export interface AuthorizerStats {
  readonly cacheHits: number;
  readonly cacheMisses: number;
  readonly cacheEntries: number;
}

export interface AuthorizerOptions {
  /** How many decisions to keep; the oldest go first. Default 10,000. */
  readonly maxCachedDecisions?: number;
  /** Where key policies and states are read: their one owner (the sandbox's KeyRegistry). Default: no keys. */
  readonly keys?: KeySource;
  /** Where the KMS decisions read grants: their one owner (the sandbox's GrantStore). Default: no grants. */
  readonly grants?: GrantSource;
  /** Where tables' resource-based policies are read (tableResourcePolicies.ts). Default: none. */
  readonly tablePolicies?: TablePolicySource;
  /** Where role sessions' session policies are read (the STS SessionStore). Default: no session policies. */
  readonly sessions?: SessionPolicySource;
  /** Where tables' and keys' tags are read (aws:ResourceTag, resourceTags.ts). Default: unknown. */
  readonly resourceTags?: ResourceTagSource;
}

interface PrincipalRecord {
  readonly arn: string;
  readonly accountId: string;
  /** Who the evaluator sees make the request (for a session: the session, with its role). */
  readonly evalPrincipal: EvalPrincipal;
  /** For a role: its trust policy. For an assumed-role session: its role's, and `roleArn`. */
  readonly trustPolicy?: CompiledPolicy;
  readonly roleArn?: string;
  readonly roleId?: string;
  /** An IAM user's unique id (aws:userid). */
  readonly uniqueId?: string;
  /** Its identity-based policies (its groups' too), or "unknown" when some of them are (taken at worst). */
  readonly identityPolicies: readonly CompiledPolicy[] | "unknown";
  /** Its permissions boundary; a role's sessions carry their role's. */
  readonly boundary?: CompiledPolicy;
  /** Changes whenever the principal's policies change; part of every cache key that read them. */
  readonly version: number | string;
  /** A role session's session policies (AssumeRole Policy and PolicyArns): the session's permissions are
   * the intersection of these and the role's (IAM User Guide, "Session policies"). */
  readonly sessionPolicies?: readonly CompiledPolicy[];
  /**
   * Its tags (a session's: its role's with its own over them; "unknown" for a session standing for any
   * session of its role) and a session's source identity.
   */
  readonly tags?: Readonly<Record<string, string>> | "unknown";
  readonly sourceIdentity?: string;
  readonly sourceIdentityUnknown?: boolean;
}

/** A resource's own policy as a decision reads it: the policy, how it takes part, and its cache identity. */
interface ResourceSide {
  readonly policy?: CompiledPolicy;
  readonly kind: ResourceKind;
  /** Identifies the policy's content at its version ("" when there is none). */
  readonly id: string;
}

const NO_RESOURCE_POLICY: ResourceSide = { kind: "none", id: "" };

/**
 * A request's own condition keys, or a function computing them: called only when the caller's policies
 * read some condition key (most requests' do not, and computing them is then wasted).
 */
export type RequestKeys = ContextRecord | (() => ContextRecord);

/**
 * Decides whether a principal may perform a DynamoDB, KMS, IAM or STS action, the way AWS evaluates it,
 * with the project's policy evaluator (`./evaluation`). Holds the model (principals and keys) and a
 * decision cache keyed by principal, action, resource, request context and policy versions.
 */
export class Authorizer {
  private readonly principals = new Map<string, PrincipalRecord>();
  private readonly keys: KeySource;
  private readonly cache: DecisionCache<Decision>;
  private readonly decider = new Decider();
  /** Policy sets by principal version and resource policy, so the decider's caches see the same objects. */
  private readonly policySets = new Map<string, PolicySet>();
  /** Key policies compiled once per key version. */
  private readonly keyPolicies = new Map<string, { readonly version: number; readonly side: ResourceSide }>();
  private nextVersion = 1;
  /** The KMS grants every KMS decision consults after the policies (see authorizeKms). */
  private readonly grants: GrantSource;

  private readonly sessions: SessionPolicySource | undefined;
  /** Customer managed policy documents seen on principals, by ARN: managed session policies resolve here. */
  private readonly customerPolicies = new Map<string, PolicyDocument | string>();
  /** Compiled session policies by their text, with an id for the caches. */
  private readonly compiledSessions = new Map<
    string,
    { readonly id: string; readonly policies: CompiledPolicy[] }
  >();

  constructor(options: AuthorizerOptions = {}) {
    this.sessions = options.sessions;
    this.cache = new DecisionCache(options.maxCachedDecisions ?? 10_000);
    this.keys = options.keys ?? { keyForDecision: () => undefined };
    this.grants = options.grants ?? { find: () => undefined };
    this.tableSides = new TablePolicySides(options.tablePolicies);
    this.resourceTags = options.resourceTags;
  }

  private readonly resourceTags: ResourceTagSource | undefined;

  /** The tags of the resource a decision is on (resourceTags.ts); an IAM principal's from the model. */
  private tagsOn(resourceArn: string): ResourceTags {
    return tagsOfResource(resourceArn, this.resourceTags, (arn) => {
      const record = this.principals.get(arn);
      return record === undefined ? undefined : (record.tags ?? {});
    });
  }

  /** Tables' resource-based policies, compiled per revision (tableResourcePolicies.ts). */
  private readonly tableSides: TablePolicySides;

  /**
   * Adds or replaces a principal and its identity policies: a user, the deploying identity, or, with a
   * trust policy, an IAM role (who may assume it; its sessions act with its identity policies, and a key
   * policy naming the role applies to them). Managed policy ARNs are resolved to their real documents; an
   * unknown one is NoSuchEntity, and nothing changes. `unknownPolicies` make the identity unknown (taken at
   * worst by every decision).
   */
  putPrincipal(spec: PrincipalSpec): void {
    // A principal without an account (an AWS service principal, an anonymous caller: IAM User Guide, "AWS
    // JSON policy elements: Principal") is evaluated as the evaluator reads its name; any other needs an ARN
    // with its account.
    const named = principalFromArnOrUndefined(spec.arn);
    const accountless = named !== undefined && named.accountId === undefined;
    const accountId = accountless ? "" : accountOf(spec.arn, "principal arn");
    if (spec.trustPolicy !== undefined && !isRoleArn(spec.arn)) {
      throw new Error(`role arn: "${spec.arn}" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`);
    }
    for (const policy of spec.customerManagedPolicies ?? []) {
      this.customerPolicies.set(policy.arn, policy.document);
    }
    const identityKnown = (spec.unknownPolicies ?? []).length === 0;
    const own = identityKnown ? identityPoliciesOf(spec) : [];
    // The policies that decide beside its own (a group's, a boundary): ./policySources.ts.
    const sources = principalSourceParts(spec, identityKnown);
    const identityPolicies: readonly CompiledPolicy[] | "unknown" = identityKnown
      ? [...own, ...sources.identity]
      : "unknown";
    const boundary = sources.boundary;
    // A principal's tags are an IAM resource's tags (iam:ResourceTag): no resource layer outlives them.
    this.resourceLayers = new WeakMap();
    this.principals.set(spec.arn, {
      arn: spec.arn,
      accountId,
      // A role (one with a trust policy, or the deployer's role) signs nothing itself; its sessions act as
      // it (principal() derives them).
      evalPrincipal: isRoleArn(spec.arn)
        ? {
            kind: "assumed-role",
            arn: spec.arn,
            accountId,
            roleArn: spec.arn,
            ...(isServiceLinkedRoleArn(spec.arn) ? { serviceLinkedRole: true } : {}),
          }
        : principalFromArn(spec.arn),
      identityPolicies,
      ...(boundary === undefined ? {} : { boundary }),
      ...(spec.uniqueId === undefined ? {} : { uniqueId: spec.uniqueId }),
      ...(spec.tags === undefined ? {} : { tags: spec.tags }),
      ...(spec.trustPolicy === undefined
        ? {}
        : {
            trustPolicy: compiled(
              parsePolicyDocument(spec.trustPolicy, `${spec.arn} trust policy`, "MalformedPolicyDocument"),
              TRUST_POLICY,
              "role-trust",
              "MalformedPolicyDocument",
            ),
            roleArn: spec.arn,
            roleId: spec.roleId,
          }),
      version: this.nextVersion++,
    });
  }

  /**
   * The policy identity of a caller (./policyIdentity.ts): what of its compiled policy set decides, for
   * the static proof to tell which principals decide alike. Computed once per version of the principal.
   */
  policyIdentity(callerArn: string): PolicyIdentity {
    const caller = this.principal(callerArn);
    const cacheKey = `${caller.arn}\n${caller.version}`;
    let identity = this.policyIdentities.get(cacheKey);
    if (identity === undefined) {
      const organization = this.organization;
      identity = policyIdentityOf({
        callerKind: caller.evalPrincipal.kind,
        accountId: caller.accountId,
        serviceLinkedRole: caller.evalPrincipal.serviceLinkedRole === true,
        identity: caller.identityPolicies,
        ...(caller.boundary === undefined ? {} : { boundary: caller.boundary }),
        ...(caller.sessionPolicies === undefined ? {} : { session: caller.sessionPolicies }),
        organization:
          organization === undefined ? [] : [...organization.scps.flat(), ...organization.rcps.flat()],
      });
      if (this.policyIdentities.size >= MAX_POLICY_SETS) {
        this.policyIdentities.clear();
      }
      this.policyIdentities.set(cacheKey, identity);
    }
    return identity;
  }

  private readonly policyIdentities = new Map<string, PolicyIdentity>();

  /** @deprecated putPrincipal with a trust policy. */
  putRole(spec: RoleSpec): void {
    this.putPrincipal(spec);
  }

  /**
   * `sts:AssumeRole` on a role, as STS evaluates it for a caller of the role's account: the role's trust
   * policy is the resource-based policy and the caller's identity policies count beside it; a trust policy
   * that names the caller itself is enough, one that names the account needs an identity policy allowing
   * sts:AssumeRole too (IAM User Guide, "Policy evaluation for requests within a single account"; "IAM
   * roles: how to use a trust policy"). An unknown role is denied like a refused one, as STS answers.
   */
  authorizeAssumeRole(
    callerArn: string,
    roleArn: string,
    requestKeys: RequestKeys = {},
    // sts:TagSession and sts:SetSourceIdentity, the permissions-only actions of an AssumeRole that passes
    // session tags or a source identity, are decided the same way (IAM User Guide, "Passing session tags
    // in AWS STS"; "Monitor and control actions taken with assumed roles").
    action: "sts:AssumeRole" | "sts:TagSession" | "sts:SetSourceIdentity" = "sts:AssumeRole",
  ): Promise<Decision> {
    const caller = this.principal(callerArn);
    const role = this.principals.get(roleArn);
    const cacheKey = ["r", action, caller.arn, caller.version, roleArn, role?.version ?? 0].join("\n");
    const trust: ResourceSide = {
      policy: role?.trustPolicy ?? NOTHING_ALLOWED,
      kind: "role-trust",
      id: `role\n${roleArn}\n${role?.version ?? 0}`,
    };
    return this.cached(cacheKey, caller, action, roleArn, accountOf(roleArn, "role arn"), trust, requestKeys);
  }

  /** Whether `arn` is an IAM role of the model. */
  hasRole(arn: string): boolean {
    return this.principals.get(arn)?.trustPolicy !== undefined;
  }

  /**
   * An action that names no resource, against the caller's identity policies only, e.g.
   * kms:ListRetirableGrants, which "is not on a particular KMS key" (KMS API reference,
   * ListRetirableGrants: the permission must be in an IAM policy).
   */
  authorizeIdentityOnly(callerArn: string, action: string, requestKeys: RequestKeys = {}): Promise<Decision> {
    const caller = this.principal(callerArn);
    const cacheKey = ["i", caller.arn, caller.version, action].join("\n");
    return this.cached(cacheKey, caller, action, "*", caller.accountId, NO_RESOURCE_POLICY, requestKeys);
  }

  /**
   * An action on a resource decided by the caller's identity-based policies alone (no resource-based
   * policy takes part): kms:RetireGrant on a grant's key, which "is not effective in a key policy" but
   * can be allowed, or denied, in an IAM policy (KMS developer guide, "Retiring and revoking grants").
   */
  authorizeIdentityOn(
    callerArn: string,
    action: string,
    resourceArn: string,
    requestKeys: RequestKeys = {},
  ): Promise<Decision> {
    const caller = this.principal(callerArn);
    const cacheKey = ["o", caller.arn, caller.version, action, resourceArn].join("\n");
    return this.cached(
      cacheKey,
      caller,
      action,
      resourceArn,
      accountOf(resourceArn, "resource arn"),
      NO_RESOURCE_POLICY,
      requestKeys,
    );
  }

  deletePrincipal(arn: string): void {
    this.principals.delete(arn);
  }

  /** The organization's SCPs and RCPs for an account (./policySources.ts), or undefined for none. */
  private organization: CompiledOrganization | undefined;

  /**
   * Sets the SCPs and RCPs of the stack's account (undefined: none). Throws AwsError
   * MalformedPolicyDocumentException for a policy Organizations would refuse, and nothing changes. Every
   * principal's version moves, so no decision made before is reused.
   */
  putOrganization(spec: OrganizationSpec | undefined): void {
    this.organization = spec === undefined ? undefined : compileOrganization(spec);
    for (const [arn, record] of this.principals) {
      this.principals.set(arn, { ...record, version: this.nextVersion++ });
    }
  }

  /** The organization the model knows, for the organization condition keys (./organizationKeys.ts). */
  private organizationTree: OrganizationTreeSpec | undefined;

  /** Sets the organization (undefined: the model knows none); no decision made before is reused. */
  putOrganizationTree(spec: OrganizationTreeSpec | undefined): void {
    this.organizationTree = spec;
    for (const [arn, record] of this.principals) {
      this.principals.set(arn, { ...record, version: this.nextVersion++ });
    }
  }

  hasPrincipal(arn: string): boolean {
    return this.principals.has(arn);
  }

  /**
   * Checks a key policy as KMS's CreateKey and PutKeyPolicy do before they accept it, throwing
   * MalformedPolicyDocumentException:
   * - every AWS principal must exist: an account id, an account root, "*", or a principal of the model
   *   ("Policy contains a statement with one or more invalid principals.");
   * - unless bypassPolicyLockoutSafetyCheck, the caller must be allowed kms:PutKeyPolicy by the new policy
   *   (with its identity policies, under the root-delegation rule): "The new key policy will not allow you
   *   to update the key policy in the future." (KMS API reference, CreateKey, BypassPolicyLockoutSafetyCheck).
   * Call it after the principals the policy names are in the model, as AWS creates them first.
   */
  async validateKeyPolicy(request: {
    readonly keyArn: string;
    readonly policy: unknown;
    readonly callerArn: string;
    readonly bypassPolicyLockoutSafetyCheck?: boolean;
  }): Promise<void> {
    checkKeyPolicySize(request.policy);
    const policy = parsePolicyDocument(
      request.policy,
      `key ${request.keyArn} policy`,
      "MalformedPolicyDocumentException",
    );
    for (const statement of statementsOf(policy)) {
      for (const principal of awsPrincipalsOf(statement.Principal)) {
        if (!this.principalExists(principal)) {
          throw new AwsError(
            "MalformedPolicyDocumentException",
            "Policy contains a statement with one or more invalid principals.",
          );
        }
      }
    }
    // The evaluator refuses what IAM's policy grammar does not allow (an unknown condition operator, ...).
    compiled(policy, KEY_POLICY, "kms-key", "MalformedPolicyDocumentException");
    if (request.bypassPolicyLockoutSafetyCheck) {
      return;
    }
    const caller = this.principal(request.callerArn);
    const keyAccount = accountOf(request.keyArn, "key arn");
    const candidate: ResourceSide = {
      policy: compiled(policy, KEY_POLICY, "kms-key", "MalformedPolicyDocumentException"),
      kind: "kms-key",
      // Not cached as a key's policy: a candidate is decided once, then forgotten.
      id: `candidate\n${this.nextVersion++}`,
    };
    const decision = await this.decide(caller, "kms:PutKeyPolicy", request.keyArn, keyAccount, candidate, {
      "kms:CallerAccount": caller.accountId,
    });
    if (!decision.allowed) {
      throw new AwsError(
        "MalformedPolicyDocumentException",
        "The new key policy will not allow you to update the key policy in the future.",
      );
    }
  }

  /**
   * `dynamodb:<Action>` on a table or index ARN, or on "*" for actions without a resource (ListTables),
   * against the caller's identity policies and the table's resource-based policy (tableResourcePolicies.ts).
   */
  authorizeDynamoDb(
    callerArn: string,
    action: string,
    resourceArn: string,
    requestKeys: RequestKeys = {},
    // A table policy not yet attached, decided as if it were (PutResourcePolicy's self-access check).
    proposedTablePolicy?: TablePolicySide,
  ): Promise<Decision> {
    if (!action.startsWith("dynamodb:")) {
      throw new Error(`action: "${action}" is not a dynamodb: action`);
    }
    const caller = this.principal(callerArn);
    // Actions that take no resource (ListTables) are authorized on "*" (IAM service authorization
    // reference, Amazon DynamoDB); they act in the caller's own account.
    const resourceAccount = resourceArn === "*" ? caller.accountId : accountOf(resourceArn, "resource arn");
    const side = proposedTablePolicy ?? this.tableSides.side(resourceArn);
    return this.cached(
      dynamoDbCacheKey(caller, action, resourceArn, side),
      caller,
      action,
      resourceArn,
      resourceAccount,
      side,
      requestKeys,
    );
  }

  /**
   * authorizeDynamoDb's decision when it is already made (the same question decided before, and no
   * policy of the caller changed since), at once and without a promise turn; undefined otherwise, and
   * then authorizeDynamoDb decides. For the request path, which asks the same questions over and over.
   */
  knownDynamoDbDecision(
    callerArn: string,
    action: string,
    resourceArn: string,
    requestKeys: RequestKeys = {},
  ): Decision | undefined {
    const caller = this.principal(callerArn);
    const side = this.tableSides.side(resourceArn);
    const { cacheKey, resourceAccount, reads } = this.dynamoDbQuestion(caller, action, resourceArn, side);
    if (reads.length === 0) {
      return this.cache.known(cacheKey);
    }
    const context = this.contextOf(caller, resourceArn, resourceAccount, requestKeys);
    return this.cache.known(cacheKey + fingerprint(reads, context));
  }

  /**
   * What knownDynamoDbDecision works out of its question before reading the cache: its cache key, the
   * resource's account, the condition keys its policies read. Kept per principal record (replaced when
   * the principal or the organization changes), resource and action while the table's policy side stays,
   * so a request asked before parses no ARN and builds no string.
   */
  private dynamoDbQuestion(
    caller: PrincipalRecord,
    action: string,
    resourceArn: string,
    side: TablePolicySide,
  ): DynamoDbQuestion {
    // A role session's record is made per request (principal()): kept, it would never be asked again.
    const kept = this.principals.get(caller.arn) === caller;
    let byResource = kept
      ? this.dynamoDbQuestions.get(caller)
      : new Map<string, Map<string, DynamoDbQuestion>>();
    if (byResource === undefined) {
      byResource = new Map();
      this.dynamoDbQuestions.set(caller, byResource);
    }
    let byAction = byResource.get(resourceArn);
    if (byAction === undefined) {
      if (byResource.size >= MAX_RESOURCE_LAYERS) {
        byResource.clear();
      }
      byAction = new Map();
      byResource.set(resourceArn, byAction);
    }
    let question = byAction.get(action);
    if (question === undefined || question.side !== side) {
      const resourceAccount = resourceArn === "*" ? caller.accountId : accountOf(resourceArn, "resource arn");
      question = {
        side,
        cacheKey: dynamoDbCacheKey(caller, action, resourceArn, side),
        resourceAccount,
        reads: this.keysRead(this.policySet(caller, side, action, resourceAccount)),
      };
      byAction.set(action, question);
    }
    return question;
  }

  private readonly dynamoDbQuestions = new WeakMap<
    PrincipalRecord,
    Map<string, Map<string, DynamoDbQuestion>>
  >();

  /**
   * `kms:<Action>` on a key, as KMS evaluates it: the key policy, plus the caller's identity policies where
   * the key policy allows the account root (the root-delegation rule of the KMS developer guide, "Key
   * policies: default key policy"); then the key's state. Throws NotFoundException for an unknown key.
   */
  async authorizeKms(
    callerArn: string,
    action: string,
    keyArn: string,
    context: KmsRequestContext = {},
  ): Promise<KmsDecision> {
    if (!action.startsWith("kms:")) {
      throw new Error(`action: "${action}" is not a kms: action`);
    }
    const caller = this.principal(callerArn);
    const key = this.keys.keyForDecision(keyArn);
    if (!key) {
      throw new AwsError("NotFoundException", `Key '${keyArn}' does not exist`);
    }
    const variables = kmsContextVariables(caller, context);
    // kms:TrailingDaysWithoutKeyUsage is in DisableKey's and ScheduleKeyDeletion's context (Service
    // Authorization Reference, AWS KMS); a question that does not give it (the static proof, a key's own
    // time unknown) leaves it unknown there, absent elsewhere.
    if (
      (action === "kms:DisableKey" || action === "kms:ScheduleKeyDeletion") &&
      variables["kms:TrailingDaysWithoutKeyUsage"] === undefined
    ) {
      variables["kms:TrailingDaysWithoutKeyUsage"] = UNKNOWN;
    }
    // kms:ResourceAliases: the key's aliases, whatever KeyId the request used (KMS developer guide,
    // "AWS KMS condition keys"); absent for a key without aliases.
    const aliases = this.keys.aliasesOf?.(key.arn).map((arn) => arn.slice(arn.indexOf(":alias/") + 1));
    if (aliases !== undefined && aliases.length > 0) {
      variables["kms:ResourceAliases"] = aliases;
    }
    const cacheKey = [
      "k",
      caller.arn,
      caller.version,
      key.arn,
      key.version,
      action,
      JSON.stringify(Object.entries(variables).sort(([a], [b]) => (a < b ? -1 : 1))),
    ].join("\n");
    const keyPolicy = this.keyPolicySide(key);
    // "In AWS KMS, the aws:ResourceTag/tag-key condition key is supported only in IAM policies. It isn't
    // supported in key policies" (KMS Developer Guide, "Use tags to control access to KMS keys"): what a key
    // policy's condition on it comes to is not documented, so a decision that depends on one is refused.
    for (const read of keyPolicy.policy?.core.keys ?? []) {
      if (read.startsWith("aws:resourcetag/")) {
        variables[read] = UNKNOWN;
      }
    }
    const byPolicy = await this.cached(
      cacheKey,
      caller,
      action,
      key.arn,
      key.accountId,
      keyPolicy,
      variables,
    );
    const decision = this.withGrants(byPolicy, caller, action, key.arn, context);
    // A decision that turns on an unknown request value is still refused for sure on a key that is not
    // Enabled: KMS refuses the operation whatever the policies allow (below).
    const conditional = decision.outcome === "Conditional";
    if ((!decision.allowed && !conditional) || key.state === "Enabled") {
      return decision;
    }
    // KMS refuses a usable-by-policy request on a key that is not Enabled with these errors and messages
    // (KMS API reference: DisabledException, KMSInvalidStateException; "Key states of AWS KMS keys").
    // KMS refuses a cryptographic operation, and CreateGrant, on a key that is not Enabled; DescribeKey,
    // GetKeyPolicy, the other grant operations and the key-state operations follow their own rows
    // ("Key states of AWS KMS keys", the table of operations by key state).
    if (!NEEDS_ENABLED_KEY.has(action)) {
      return decision;
    }
    const keyStateError =
      key.state === "Disabled"
        ? { code: "DisabledException", message: `${key.arn} is disabled.` }
        : { code: "KMSInvalidStateException", message: `${key.arn} is pending deletion.` };
    return {
      allowed: false,
      outcome: conditional ? "ImplicitlyDenied" : decision.outcome,
      message: keyStateError.message,
      keyStateError,
    };
  }

  /**
   * `kms:<Action>` on a table's key when DynamoDB calls KMS for the caller: the context DynamoDB sets
   * (DynamoDB developer guide, "How Amazon DynamoDB uses AWS KMS": kms:ViaService
   * dynamodb.REGION.amazonaws.com, encryption context aws:dynamodb:tableName and aws:dynamodb:subscriberId).
   */
  authorizeKmsViaDynamoDb(
    callerArn: string,
    action: string,
    keyArn: string,
    table: { readonly name: string; readonly region: string; readonly accountId: string },
    // The global keys of the caller's request that DynamoDB's call keeps (aws:SourceIp: forward access
    // sessions preserve the requester's address).
    callerKeys: ContextRecord = {},
  ): Promise<KmsDecision> {
    return this.authorizeKms(callerArn, action, keyArn, {
      requestKeys: {
        ...callerKeys,
        // What a forward access session carries as User-Agent and Referer is not documented (IAM User
        // Guide, "Forward access sessions", names aws:CalledVia* and aws:ViaAWSService only): unknown, so a
        // decision that depends on them is refused on this path.
        "aws:UserAgent": UNKNOWN,
        "aws:referer": UNKNOWN,
        "kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
      },
      viaService: `dynamodb.${table.region}.amazonaws.com`,
      encryptionContext: {
        "aws:dynamodb:tableName": table.name,
        "aws:dynamodb:subscriberId": table.accountId,
      },
    });
  }

  /**
   * A grant is another way to be allowed a key operation, beside the key policy and IAM (KMS developer
   * guide, "Grants in AWS KMS": "grants are considered along with key policies and IAM policies"); an
   * explicit deny in a policy still wins, as it overrides any allow (IAM User Guide, "Policy evaluation
   * logic"). Grants are read outside the decision cache: a grant created or retired counts at once.
   * (AWS's own grant propagation can take up to five minutes; the sandbox has none: "eventual consistency"
   * in the KMS developer guide, "Grant concepts".)
   */
  private withGrants(
    decision: Decision,
    caller: PrincipalRecord,
    action: string,
    keyArn: string,
    context: KmsRequestContext,
  ): Decision {
    // A decision that depends on a key the sandbox does not model stays refused as such: a grant cannot
    // outweigh a Deny it might be under.
    if (decision.allowed || decision.outcome === "ExplicitlyDenied" || decision.notModelledKeys) {
      return decision;
    }
    const grant = this.grants.find({
      keyArn,
      operation: action.slice("kms:".length),
      granteeArns:
        caller.roleArn !== undefined && caller.roleArn !== caller.arn
          ? [caller.arn, caller.roleArn]
          : [caller.arn],
      encryptionContext: context.encryptionContext,
    });
    return grant === undefined ? decision : { allowed: true, outcome: "Allowed", grantId: grant.grantId };
  }

  /**
   * An IAM or STS action (`iam:PutUserPolicy`, `sts:AssumeRole`, ...) on an IAM resource, against the
   * caller's identity policies only: for "who could change who can decrypt". IAM users and policies
   * carry no resource-based policy (IAM user guide, "Policy evaluation logic").
   */
  authorizeIam(callerArn: string, action: string, resourceArn: string): Promise<Decision> {
    if (!action.startsWith("iam:") && !action.startsWith("sts:")) {
      throw new Error(`action: "${action}" is not an iam: or sts: action`);
    }
    const caller = this.principal(callerArn);
    const resourceAccount = accountOf(resourceArn, "resource arn");
    const cacheKey = ["i", caller.arn, caller.version, action, resourceArn].join("\n");
    return this.cached(cacheKey, caller, action, resourceArn, resourceAccount, NO_RESOURCE_POLICY, {});
  }

  stats(): AuthorizerStats {
    return { cacheHits: this.cache.hits, cacheMisses: this.cache.misses, cacheEntries: this.cache.size };
  }

  /**
   * The principal a request is evaluated as. An assumed-role session
   * (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION) acts with its role's identity policies under its own
   * ARN, so that policies naming the role or the session both apply (IAM User Guide, "Role terms and
   * concepts": role session; "AWS JSON policy elements: Principal", role sessions).
   */
  private principal(arn: string): PrincipalRecord {
    const record = this.principals.get(arn);
    if (record) {
      return record;
    }
    const roleArn = roleOfSession(arn);
    const role = roleArn === undefined ? undefined : this.principals.get(roleArn);
    if (role?.trustPolicy === undefined) {
      throw new Error(`caller arn: "${arn}" is not a principal of the sandbox`);
    }
    const sessionPolicies = this.sessions?.sessionPolicies(arn);
    const compiledSession =
      sessionPolicies === undefined ? undefined : this.compileSessionPolicies(sessionPolicies);
    // Session tags and source identity (principalTags.ts): in the context, not the policies.
    const attributes = this.sessions?.sessionAttributes?.(arn);
    const tags = sessionPrincipalTags(role.tags, attributes?.tags);
    return {
      ...role,
      arn,
      ...(tags === undefined ? {} : { tags }),
      ...(attributes?.sourceIdentity === undefined ? {} : { sourceIdentity: attributes.sourceIdentity }),
      ...(attributes?.sourceIdentityUnknown === true ? { sourceIdentityUnknown: true } : {}),
      evalPrincipal: {
        kind: "assumed-role",
        arn,
        accountId: role.accountId,
        roleArn: role.arn,
        ...(role.evalPrincipal.serviceLinkedRole === true ? { serviceLinkedRole: true } : {}),
      },
      ...(compiledSession === undefined
        ? {}
        : { sessionPolicies: compiledSession.policies, version: `${role.version}:${compiledSession.id}` }),
    };
  }

  /**
   * AssumeRole's session policies compiled as IAM reads them: the inline policy (JSON text) and each
   * managed policy ARN (an AWS managed policy the sandbox holds, or a customer managed policy of the
   * model). Throws AwsError MalformedPolicyDocument for an inline policy IAM would refuse, NoSuchEntity
   * for a managed policy the sandbox holds no document for. STS calls it before issuing the session.
   */
  compileSessionPolicies(session: { readonly policy?: string; readonly policyArns?: readonly string[] }): {
    readonly id: string;
    readonly policies: CompiledPolicy[];
  } {
    const text = `${session.policy ?? ""}\n${(session.policyArns ?? []).join("\n")}`;
    let compiledSet = this.compiledSessions.get(text);
    if (compiledSet === undefined) {
      const policies: CompiledPolicy[] = [];
      if (session.policy !== undefined) {
        policies.push(
          compiled(
            parsePolicyDocument(session.policy, "session policy", "MalformedPolicyDocument"),
            "session policy",
            "session",
            "MalformedPolicyDocument",
          ),
        );
      }
      for (const policyArn of session.policyArns ?? []) {
        const document = this.customerPolicies.get(policyArn);
        policies.push(
          compiled(
            document === undefined
              ? managedPolicyDocument(policyArn)
              : parsePolicyDocument(document, `managed policy ${policyArn}`, "MalformedPolicyDocument"),
            policyArn,
            "session",
            "MalformedPolicyDocument",
          ),
        );
      }
      compiledSet = { id: `s${this.nextVersion++}`, policies };
      if (this.compiledSessions.size >= MAX_POLICY_SETS) {
        this.compiledSessions.clear();
      }
      this.compiledSessions.set(text, compiledSet);
    }
    return compiledSet;
  }

  /** The key policy as the evaluator reads it, compiled once per version of the key. */
  private keyPolicySide(key: {
    readonly arn: string;
    readonly policy: PolicyDocument;
    readonly version: number;
  }): ResourceSide {
    const known = this.keyPolicies.get(key.arn);
    if (known !== undefined && known.version === key.version) {
      return known.side;
    }
    const side: ResourceSide = {
      policy: compiled(key.policy, KEY_POLICY, "kms-key", "MalformedPolicyDocumentException"),
      kind: "kms-key",
      id: `key\n${key.arn}\n${key.version}`,
    };
    this.keyPolicies.set(key.arn, { version: key.version, side });
    return side;
  }

  /**
   * The policy set of a caller against a resource, one object per (principal version, resource policy):
   * the decider caches what it learns of a set by the set's identity.
   */
  private policySet(
    caller: PrincipalRecord,
    resource: ResourceSide,
    action: string,
    resourceAccount: string,
  ): PolicySet {
    const organization = organizationPart(
      this.organization,
      caller.accountId,
      resourceAccount,
      action.slice(0, action.indexOf(":")).toLowerCase(),
    );
    const id =
      `${caller.roleArn ?? caller.arn}\n${caller.version}\n${resource.id}` +
      `\n${organization.scps === undefined ? "" : "s"}${organization.rcps === undefined ? "" : "r"}`;
    let set = this.policySets.get(id);
    if (set === undefined) {
      set = {
        identity: caller.identityPolicies,
        ...(caller.boundary === undefined ? {} : { boundary: caller.boundary }),
        ...(caller.sessionPolicies === undefined ? {} : { session: caller.sessionPolicies }),
        ...organization,
        resourceKind: resource.kind,
        ...(resource.policy === undefined ? {} : { resource: resource.policy }),
      };
      if (this.policySets.size >= MAX_POLICY_SETS) {
        this.policySets.clear();
      }
      this.policySets.set(id, set);
    }
    return set;
  }

  private principalExists(principal: string): boolean {
    if (principal === "*" || /^\d{12}$/.test(principal)) {
      return true;
    }
    const parsed = parseArn(principal);
    if (
      parsed &&
      parsed.service === "iam" &&
      parsed.resource === "root" &&
      /^\d{12}$/.test(parsed.accountId)
    ) {
      return true;
    }
    if (this.principals.has(principal)) {
      return true;
    }
    // A key policy may name an assumed-role session of an existing role (IAM User Guide, "AWS JSON policy
    // elements: Principal", role session principals).
    const roleArn = roleOfSession(principal);
    return roleArn !== undefined && this.hasRole(roleArn);
  }

  /**
   * A decision through the decision cache. The cache key names the principal, action, resource and policy
   * versions; when the policies read condition keys, the values of those keys in this request's context
   * are part of it too (the context is built only then, or on a miss: most requests read no key).
   */
  private cached(
    cacheKey: string,
    caller: PrincipalRecord,
    action: string,
    resourceArn: string,
    resourceAccount: string,
    resource: ResourceSide,
    requestKeys: RequestKeys,
  ): Promise<Decision> {
    const set = this.policySet(caller, resource, action, resourceAccount);
    const reads = this.keysRead(set);
    if (reads.length === 0) {
      return this.cache.get(cacheKey, () =>
        this.decide(caller, action, resourceArn, resourceAccount, resource, requestKeys),
      );
    }
    const context = this.contextOf(caller, resourceArn, resourceAccount, requestKeys);
    return this.cache.get(cacheKey + fingerprint(reads, context), () =>
      Promise.resolve(this.decideIn(caller, action, resourceArn, resourceAccount, set, context)),
    );
  }

  /** Every condition key the policies of a set read (lower case), once per set. */
  private keysRead(set: PolicySet): readonly string[] {
    let keys = this.setKeys.get(set);
    if (keys === undefined) {
      const policies = [
        ...(set.identity === "unknown" ? [] : set.identity),
        ...(set.boundary === undefined ? [] : [set.boundary]),
        ...(set.session ?? []),
        ...(set.scps ?? []).flat(),
        ...(set.rcps ?? []).flat(),
        ...(set.resource === undefined ? [] : [set.resource]),
      ];
      keys = [...new Set(policies.flatMap((policy) => policy.core.keys))].sort();
      this.setKeys.set(set, keys);
    }
    return keys;
  }

  private readonly setKeys = new WeakMap<PolicySet, readonly string[]>();

  /**
   * The request context AWS builds for the request: the caller's keys, the global keys every request
   * carries, then the request's own (service keys, and for a call a service makes for the caller the keys
   * of that call). A key set to nothing is ABSENT, or UNKNOWN where the sandbox refuses it (conditionKeys.ts).
   */
  private contextOf(
    caller: PrincipalRecord,
    resourceArn: string,
    resourceAccount: string,
    requestKeys: RequestKeys,
  ): RequestContext {
    // The request's own keys first, then the time keys, then what its resource and caller fix
    // (layeredContext.ts): one small object per request, the rest kept per caller record and resource.
    return new RequestLayer(
      requestKeys,
      this.keys.now?.(),
      this.resourceLayer(caller, resourceArn, resourceAccount),
    );
  }

  /**
   * The keys a request takes from its resource and caller, kept per principal record (a record is
   * replaced, never changed, when the principal, or the organization, changes) and resource. Tables' and
   * keys' tags change only with the plan, which makes a new authorizer; an IAM resource's tags are its
   * principal record's, read at the first read of a tag key and dropped with the caller's record or when
   * that principal changes (putPrincipal clears the layers).
   */
  private resourceLayer(
    caller: PrincipalRecord,
    resourceArn: string,
    resourceAccount: string,
  ): ResourceLayer {
    // A role session's record is made per request (principal()): kept, it would never be asked again.
    const kept = this.principals.get(caller.arn) === caller;
    let layers = kept ? this.resourceLayers.get(caller) : new Map<string, ResourceLayer>();
    if (layers === undefined) {
      layers = new Map();
      this.resourceLayers.set(caller, layers);
    }
    const id = `${resourceAccount}\n${resourceArn}`;
    let layer = layers.get(id);
    if (layer === undefined) {
      const region = regionOf(resourceArn);
      if (region !== undefined) {
        this.region = region;
      }
      if (layers.size >= MAX_RESOURCE_LAYERS) {
        layers.clear();
      }
      layer = new ResourceLayer({
        resourceArn,
        resourceAccount,
        principalAccount: caller.accountId,
        region: () => region ?? this.region ?? UNKNOWN,
        tags: () => this.tagsOn(resourceArn),
        organizationTree: this.organizationTree,
        caller: this.callerContext(caller),
      });
      layers.set(id, layer);
    }
    return layer;
  }

  private resourceLayers = new WeakMap<PrincipalRecord, Map<string, ResourceLayer>>();

  /**
   * The keys a request takes from its caller alone, built once per principal record (a record is replaced,
   * never changed, when the principal changes): the static proof asks tens of thousands of questions of
   * a few thousand callers, and building these keys was most of the cost of a request's context.
   */
  private callerContext(caller: PrincipalRecord): RequestContext {
    let context = this.callerContexts.get(caller);
    if (context === undefined) {
      context = contextFrom(
        {
          ...principalContextVariables(caller),
          // IAM User Guide, "AWS global condition context keys": present in every request, true when an AWS
          // service principal calls (a service acting through its grant: the static proof asks as one).
          "aws:PrincipalIsAWSService": caller.evalPrincipal.kind === "service" ? "true" : "false",
          "aws:ViaAWSService": "false",
          // AWS SDKs and the CLI call AWS over HTTPS; KMS and STS endpoints take nothing else (docs/authorization.md).
          "aws:SecureTransport": "true",
          // In every request but through a VPC endpoint (IAM User Guide, "AWS global condition context keys");
          // every request path gives the requester's (deploy/stack.ts, callerRequestKeys); a question without
          // a request (the static proof, a deployment's own calls) leaves it unknown, so a policy that reads
          // it there is conditional, or refused, rather than decided without it.
          "aws:SourceIp": UNKNOWN,
          // Likewise the User-Agent and Referer headers (deploy/stack.ts, callerRequestKeys, gives them, or
          // their absence, where the request is known).
          "aws:UserAgent": UNKNOWN,
          "aws:referer": UNKNOWN,
        },
        {
          otherwise:
            caller.tags === "unknown" || caller.sourceIdentityUnknown === true
              ? withUnknownPrincipalKeys(NOT_SET, {
                  tags: caller.tags === "unknown",
                  sourceIdentity: caller.sourceIdentityUnknown === true,
                })
              : NOT_SET,
        },
      );
      this.callerContexts.set(caller, context);
    }
    return context;
  }

  private readonly callerContexts = new WeakMap<PrincipalRecord, RequestContext>();

  /** The region of the requests, once a regional resource told it (every request of a stack is in one region). */
  private region: string | undefined;

  /** One decision by the evaluator, in the sandbox's Decision shape. */
  private decide(
    caller: PrincipalRecord,
    action: string,
    resourceArn: string,
    resourceAccount: string,
    resource: ResourceSide,
    requestKeys: RequestKeys,
  ): Promise<Decision> {
    const context = this.contextOf(caller, resourceArn, resourceAccount, requestKeys);
    return Promise.resolve(
      this.decideIn(
        caller,
        action,
        resourceArn,
        resourceAccount,
        this.policySet(caller, resource, action, resourceAccount),
        context,
      ),
    );
  }

  private decideIn(
    caller: PrincipalRecord,
    action: string,
    resourceArn: string,
    resourceAccount: string,
    set: PolicySet,
    context: RequestContext,
  ): Decision {
    const result = this.decider.decide(
      {
        principal: caller.evalPrincipal,
        action,
        resource: { arn: resourceArn, accountId: resourceAccount },
        context,
      },
      set,
    );
    return decisionOf(result, caller.arn, action, resourceArn);
  }
}

/** The evaluator's result as the sandbox's Decision: allowed, the deciding statements, AWS's message. */
function decisionOf(result: EvalResult, callerArn: string, action: string, resourceArn: string): Decision {
  const statements: DecidingStatement[] = result.statements.map((statement) => ({
    policy: statement.policy,
    ...(statement.sid === undefined ? {} : { sid: statement.sid }),
    index: statement.index,
    effect: statement.effect,
  }));
  if (result.outcome === "Allowed") {
    return { allowed: true, outcome: "Allowed", statements };
  }
  const notModelledKeys =
    result.outcome === "Conditional" && result.conditions !== undefined && result.conditions.length > 0
      ? [...new Set(result.conditions.map((condition) => condition.key))]
      : undefined;
  if (notModelledKeys !== undefined) {
    return {
      allowed: false,
      outcome: result.outcome,
      statements,
      notModelledKeys,
      conditions: result.conditions,
      message:
        `${action} on ${resourceArn} for ${callerArn} depends on condition key ${notModelledKeys.join(", ")}, ` +
        "which the sandbox does not model (docs/authorization.md, condition keys): a policy that reads it " +
        "cannot be decided here as AWS would decide it",
    };
  }
  const policyType = POLICY_TYPE_NAMES[result.deniedBy ?? "identity"];
  return {
    allowed: false,
    outcome: result.outcome,
    statements,
    policyType,
    message: accessDeniedMessage(callerArn, action, resourceArn, result),
    ...(result.conditions === undefined ? {} : { conditions: result.conditions }),
  };
}

/** How AWS's message names each policy type (IAM User Guide, "Troubleshoot access denied error messages"). */
const POLICY_TYPE_NAMES: Record<NonNullable<EvalResult["deniedBy"]>, DeniedByPolicyType> = {
  identity: "identity-based",
  resource: "resource-based",
  boundary: "permissions boundary",
  session: "session policy",
  scp: "service control policy",
  rcp: "resource control policy",
};

/** The evaluator's reading of a principal name, or undefined for one it cannot read. */
function principalFromArnOrUndefined(arn: string): EvalPrincipal | undefined {
  try {
    return principalFromArn(arn);
  } catch {
    return undefined;
  }
}

function isRoleArn(arn: string): boolean {
  const parsed = parseArn(arn);
  return parsed !== undefined && parsed.service === "iam" && parsed.resource.startsWith("role/");
}

/** Names the deciding statements carry for a resource's own policy. */
const KEY_POLICY = "key policy";
const TRUST_POLICY = "trust policy";

/** Bounds the policy sets kept for the decider (principals x resource policies of one deployment). */
const MAX_POLICY_SETS = 100_000;

/** A DynamoDB question's parts that depend only on its caller record, resource, action and table policy. */
interface DynamoDbQuestion {
  readonly side: TablePolicySide;
  readonly cacheKey: string;
  readonly resourceAccount: string;
  readonly reads: readonly string[];
}

/** Resource layers kept per caller record (the static proof asks a caller of thousands of resources). */
const MAX_RESOURCE_LAYERS = 10_000;

/** Compiles a parsed policy; a document the evaluator's grammar refuses is AWS's malformed-policy error. */
function compiled(document: PolicyDocument, name: string, kind: PolicyKind, code: string): CompiledPolicy {
  try {
    return compilePolicy(document, name, kind);
  } catch (err) {
    if (err instanceof MalformedPolicyDocumentError) {
      throw new AwsError(code, err.message);
    }
    throw err;
  }
}

/**
 * A DynamoDB decision's cache key: it reads the caller's identity policies, at their version, and the
 * table's resource-based policy, at its revision.
 */
function dynamoDbCacheKey(
  caller: PrincipalRecord,
  action: string,
  resourceArn: string,
  table: TablePolicySide,
): string {
  return `d\n${caller.arn}\n${caller.version}\n${action}\n${resourceArn}\n${table.id}`;
}

/** KMS's cryptographic operations: the ones a key that is not Enabled refuses ("Key states of AWS KMS keys"). */
const CRYPTOGRAPHIC_ACTIONS: ReadonlySet<string> = new Set([
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyPair",
  "kms:GenerateDataKeyPairWithoutPlaintext",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:GenerateMac",
  "kms:VerifyMac",
  "kms:Sign",
  "kms:Verify",
  "kms:GetPublicKey",
  "kms:DeriveSharedSecret",
]);
/** Global condition keys of the caller (IAM reference, "AWS global condition context keys"). */
function principalContextVariables(caller: PrincipalRecord): Record<string, string | typeof UNKNOWN> {
  const resource = parseArn(caller.arn)?.resource ?? "";
  const session = parseAssumedRoleArn(caller.arn);
  // A service principal or an anonymous caller has neither (IAM User Guide, "AWS global condition context
  // keys": aws:PrincipalArn and aws:PrincipalAccount are present for IAM principals only).
  const variables: Record<string, string | typeof UNKNOWN> =
    caller.accountId === ""
      ? {}
      : {
          "aws:PrincipalArn": caller.arn,
          "aws:PrincipalAccount": caller.accountId,
          ...principalKeysOf(caller.tags, caller.sourceIdentity),
        };
  if (resource === "root") {
    variables["aws:PrincipalType"] = "Account";
    variables["aws:userid"] = caller.accountId;
  } else if (resource.startsWith("user/")) {
    variables["aws:PrincipalType"] = "User";
    variables["aws:username"] = resource.slice(resource.lastIndexOf("/") + 1);
    variables["aws:userid"] = caller.uniqueId ?? UNKNOWN;
  } else if (session !== undefined && caller.roleArn !== undefined) {
    // For a role session aws:PrincipalArn is the role's ARN, aws:PrincipalType "AssumedRole" and
    // aws:userid "ROLE_ID:SESSION_NAME" (IAM User Guide, "AWS global condition context keys").
    variables["aws:PrincipalArn"] = caller.roleArn;
    variables["aws:PrincipalType"] = "AssumedRole";
    variables["aws:userid"] =
      caller.roleId === undefined ? UNKNOWN : `${caller.roleId}:${session.sessionName}`;
    // Temporary credentials: MFA present is false without MFA (AssumeRole's SerialNumber is refused);
    // the issue time is the request's own (deploy/stack.ts, callerRequestKeys), unknown until given.
    variables["aws:MultiFactorAuthPresent"] = "false";
    variables["aws:TokenIssueTime"] = UNKNOWN;
  }
  return variables;
}

/** KMS condition keys (KMS developer guide, "AWS KMS condition keys"). */
function kmsContextVariables(
  caller: PrincipalRecord,
  context: KmsRequestContext,
): Record<string, ContextRecord[string]> {
  const variables: Record<string, ContextRecord[string]> = {
    "kms:CallerAccount": caller.accountId,
    // Every sandbox key is a symmetric encryption key of KMS's own material, in one region.
    "kms:KeyOrigin": "AWS_KMS",
    "kms:KeySpec": "SYMMETRIC_DEFAULT",
    "kms:CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
    "kms:KeyUsage": "ENCRYPT_DECRYPT",
    "kms:CustomerMasterKeyUsage": "ENCRYPT_DECRYPT",
    "kms:MultiRegion": "false",
    ...context.requestKeys,
  };
  if (context.viaService) {
    variables["kms:ViaService"] = context.viaService;
    // A forward access session: "aws:ViaAWSService is set to true whenever a FAS request is made" and
    // aws:CalledVia* name the calling service (IAM User Guide, "Forward access sessions"); temporary
    // credentials AWS makes for an IAM user's call have aws:MultiFactorAuthPresent false.
    const service = context.viaService.replace(/^([a-z0-9-]+)\..*$/, "$1.amazonaws.com");
    variables["aws:ViaAWSService"] = "true";
    variables["aws:CalledVia"] = [service];
    variables["aws:CalledViaFirst"] = service;
    variables["aws:CalledViaLast"] = service;
    variables["aws:MultiFactorAuthPresent"] = "false";
  }
  if (context.grant) {
    variables["kms:GrantOperations"] = [...context.grant.operations];
    variables["kms:GranteePrincipal"] = context.grant.granteePrincipal;
    variables["kms:GrantIsForAWSResource"] = String(context.grant.forAwsResource);
    if (context.grant.retiringPrincipal !== undefined) {
      variables["kms:RetiringPrincipal"] = context.grant.retiringPrincipal;
    }
    if (context.grant.constraintType !== undefined) {
      variables["kms:GrantConstraintType"] = context.grant.constraintType;
    }
  }
  if (context.encryptionContext) {
    const entries = Object.entries(context.encryptionContext);
    variables["kms:EncryptionContextKeys"] = entries.map(([key]) => key);
    for (const [key, value] of entries) {
      variables[`kms:EncryptionContext:${key}`] = value;
    }
  }
  return variables;
}

/** The operations a key must be Enabled for: the cryptographic ones and CreateGrant. */
const NEEDS_ENABLED_KEY: ReadonlySet<string> = new Set([...CRYPTOGRAPHIC_ACTIONS, "kms:CreateGrant"]);

/**
 * What an unknown role's trust policy amounts to: it allows no AWS principal (a service principal that
 * no request carries), so the caller is implicitly denied, as STS denies an unknown role.
 */
const NOTHING_ALLOWED: CompiledPolicy = compilePolicy(
  {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: "nobody.sandbox.invalid" }, Action: "sts:AssumeRole" },
    ],
  },
  TRUST_POLICY,
  "role-trust",
);

function identityPoliciesOf(spec: PrincipalSpec): CompiledPolicy[] {
  const customer = new Map(
    (spec.customerManagedPolicies ?? []).map((policy) => [policy.arn, policy.document]),
  );
  const inline = (spec.inlinePolicies ?? []).map((entry) => ({
    name: `inline:${entry.name}`,
    policy: parsePolicyDocument(
      entry.document,
      `${spec.arn} inline policy ${entry.name}`,
      "MalformedPolicyDocument",
    ),
  }));
  // IAM's quota on a principal's inline policies together, refused as IAM refuses it.
  checkInlinePoliciesSize(
    spec.arn,
    inline.map((entry) => entry.policy),
  );
  return [
    ...inline.map((entry) => compiled(entry.policy, entry.name, "identity", "MalformedPolicyDocument")),
    ...(spec.managedPolicyArns ?? []).map((policyArn) => {
      const document = customer.get(policyArn);
      return compiled(
        document === undefined
          ? managedPolicyDocument(policyArn)
          : parsePolicyDocument(document, `managed policy ${policyArn}`, "MalformedPolicyDocument"),
        policyArn,
        "identity",
        "MalformedPolicyDocument",
      );
    }),
  ];
}

/** The AWS principals a statement names ("*" for the anonymous wildcard). */
function awsPrincipalsOf(principal: unknown): string[] {
  if (principal === "*") {
    return ["*"];
  }
  if (typeof principal !== "object" || principal === null) {
    return [];
  }
  const aws = (principal as Record<string, unknown>).AWS;
  if (aws === undefined) {
    return [];
  }
  return (Array.isArray(aws) ? aws : [aws]).map(String);
}

/** The region of a regional ARN, or undefined ("*", IAM and STS resources). */
function regionOf(arn: string): string | undefined {
  const region = arn.split(":")[3];
  return region === undefined || region === "" ? undefined : region;
}

/** The values of the keys a decision reads, as one string: part of its cache key. */
function fingerprint(keys: readonly string[], context: RequestContext): string {
  let text = "\n";
  for (const key of keys) {
    const value = context.get(key);
    text +=
      value === ABSENT
        ? "\u0002-"
        : value === UNKNOWN
          ? "\u0002?"
          : typeof value === "string"
            ? `\u0002=${value}`
            : `\u0002[${value.join("\u0003")}`;
  }
  return text;
}
