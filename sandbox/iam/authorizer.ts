import { getDenialReasons, runSimulation, type RequestAnalysis } from "@cloud-copilot/iam-simulate";
import { AwsError } from "../errors";
import { accountOf, parseArn } from "./arn";
import { DecisionCache } from "./decision-cache";
import { managedPolicyDocument } from "./managed-policies";
import { accessDeniedMessage } from "./messages";
import { parsePolicyDocument, statementsOf } from "./policy-document";
import type {
  DecidingStatement,
  Decision,
  EvaluationOutcome,
  KeySpec,
  KeyState,
  KmsDecision,
  PolicyDocument,
  PrincipalSpec,
} from "./types";

/** What a KMS request carries beyond principal, action and key, as KMS puts it in the request context. */
export interface KmsRequestContext {
  /**
   * The service that called KMS on the principal's behalf, e.g. "dynamodb.us-east-1.amazonaws.com".
   * Absent for a direct call (KMS sets kms:ViaService only for calls made through an integrated service).
   */
  readonly viaService?: string;
  /** The request's encryption context, exposed as kms:EncryptionContextKeys (and see docs on limits). */
  readonly encryptionContext?: Readonly<Record<string, string>>;
}

export interface AuthorizerStats {
  readonly cacheHits: number;
  readonly cacheMisses: number;
  readonly cacheEntries: number;
}

export interface AuthorizerOptions {
  /** How many decisions to keep; the oldest go first. Default 10,000. */
  readonly maxCachedDecisions?: number;
}

interface PrincipalRecord {
  readonly arn: string;
  readonly accountId: string;
  readonly identityPolicies: { name: string; policy: PolicyDocument }[];
  /** Changes whenever the principal's policies change; part of every cache key that read them. */
  readonly version: number;
}

interface KeyRecord {
  readonly arn: string;
  readonly accountId: string;
  readonly policy: PolicyDocument;
  readonly state: KeyState;
  readonly version: number;
}

/**
 * Decides whether a principal may perform a DynamoDB or KMS action, the way AWS evaluates it, with
 * @cloud-copilot/iam-simulate doing the policy evaluation. Holds the model (principals and keys) and a
 * decision cache keyed by principal, action, resource, request context and policy versions.
 */
export class Authorizer {
  private readonly principals = new Map<string, PrincipalRecord>();
  private readonly keys = new Map<string, KeyRecord>();
  private readonly cache: DecisionCache<Decision>;
  private nextVersion = 1;

  constructor(options: AuthorizerOptions = {}) {
    this.cache = new DecisionCache(options.maxCachedDecisions ?? 10_000);
  }

  /**
   * Adds or replaces a principal and its identity policies. Managed policy ARNs are resolved to their real
   * documents; an unknown one is NoSuchEntity, and nothing changes.
   */
  putPrincipal(spec: PrincipalSpec): void {
    const accountId = accountOf(spec.arn, "principal arn");
    const identityPolicies = [
      ...(spec.inlinePolicies ?? []).map((inline) => ({
        name: `inline:${inline.name}`,
        policy: parsePolicyDocument(
          inline.document,
          `${spec.arn} inline policy ${inline.name}`,
          "MalformedPolicyDocument",
        ),
      })),
      ...(spec.managedPolicyArns ?? []).map((policyArn) => ({
        name: policyArn,
        policy: managedPolicyDocument(policyArn),
      })),
    ];
    this.principals.set(spec.arn, {
      arn: spec.arn,
      accountId,
      identityPolicies,
      version: this.nextVersion++,
    });
  }

  deletePrincipal(arn: string): void {
    this.principals.delete(arn);
  }

  hasPrincipal(arn: string): boolean {
    return this.principals.has(arn);
  }

  /** Adds or replaces a key's policy and state. Takes effect for the very next decision. */
  putKey(spec: KeySpec): void {
    const parsed = parseArn(spec.arn);
    const keyId = parsed?.resource.startsWith("key/") ? parsed.resource.slice("key/".length) : "";
    if (!parsed || parsed.service !== "kms" || !keyId || !/^\d{12}$/.test(parsed.accountId)) {
      throw new Error(`key arn: "${spec.arn}" is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY_ID)`);
    }
    this.keys.set(spec.arn, {
      arn: spec.arn,
      accountId: parsed.accountId,
      policy: parsePolicyDocument(spec.policy, `key ${spec.arn} policy`, "MalformedPolicyDocumentException"),
      state: spec.state ?? "Enabled",
      version: this.nextVersion++,
    });
  }

  deleteKey(arn: string): void {
    this.keys.delete(arn);
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
    if (request.bypassPolicyLockoutSafetyCheck) {
      return;
    }
    const caller = this.principal(request.callerArn);
    const keyAccount = accountOf(request.keyArn, "key arn");
    const decision = await this.simulate(caller, "kms:PutKeyPolicy", request.keyArn, keyAccount, policy, {
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
   * against the caller's identity policies (DynamoDB tables in this sandbox carry no resource-based policy).
   */
  authorizeDynamoDb(callerArn: string, action: string, resourceArn: string): Promise<Decision> {
    if (!action.startsWith("dynamodb:")) {
      throw new Error(`action: "${action}" is not a dynamodb: action`);
    }
    const caller = this.principal(callerArn);
    // Actions that take no resource (ListTables) are authorized on "*" (IAM service authorization
    // reference, Amazon DynamoDB); they act in the caller's own account.
    const resourceAccount = resourceArn === "*" ? caller.accountId : accountOf(resourceArn, "resource arn");
    const cacheKey = ["d", caller.arn, caller.version, action, resourceArn].join("\n");
    return this.cache.get(cacheKey, () =>
      this.simulate(caller, action, resourceArn, resourceAccount, undefined, {}),
    );
  }

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
    const key = this.keys.get(keyArn);
    if (!key) {
      throw new AwsError("NotFoundException", `Key '${keyArn}' does not exist`);
    }
    const variables = kmsContextVariables(caller, context);
    const cacheKey = [
      "k",
      caller.arn,
      caller.version,
      key.arn,
      key.version,
      action,
      JSON.stringify(Object.entries(variables).sort(([a], [b]) => (a < b ? -1 : 1))),
    ].join("\n");
    const decision = await this.cache.get(cacheKey, () =>
      this.simulate(caller, action, key.arn, key.accountId, key.policy, variables),
    );
    if (!decision.allowed || key.state === "Enabled") {
      return decision;
    }
    // KMS refuses a usable-by-policy request on a key that is not Enabled with these errors and messages
    // (KMS API reference: DisabledException, KMSInvalidStateException; "Key states of AWS KMS keys").
    // DescribeKey and GetKeyPolicy still work in those states.
    if (action === "kms:DescribeKey" || action === "kms:GetKeyPolicy") {
      return decision;
    }
    const keyStateError =
      key.state === "Disabled"
        ? { code: "DisabledException", message: `${key.arn} is disabled.` }
        : { code: "KMSInvalidStateException", message: `${key.arn} is pending deletion.` };
    return { allowed: false, outcome: decision.outcome, message: keyStateError.message, keyStateError };
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
  ): Promise<KmsDecision> {
    return this.authorizeKms(callerArn, action, keyArn, {
      viaService: `dynamodb.${table.region}.amazonaws.com`,
      encryptionContext: {
        "aws:dynamodb:tableName": table.name,
        "aws:dynamodb:subscriberId": table.accountId,
      },
    });
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
    return this.cache.get(cacheKey, () =>
      this.simulate(caller, action, resourceArn, resourceAccount, undefined, {}),
    );
  }

  stats(): AuthorizerStats {
    return { cacheHits: this.cache.hits, cacheMisses: this.cache.misses, cacheEntries: this.cache.size };
  }

  private principal(arn: string): PrincipalRecord {
    const record = this.principals.get(arn);
    if (!record) {
      throw new Error(`caller arn: "${arn}" is not a principal of the sandbox`);
    }
    return record;
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
    return this.principals.has(principal);
  }

  private async simulate(
    caller: PrincipalRecord,
    action: string,
    resourceArn: string,
    resourceAccount: string,
    resourcePolicy: PolicyDocument | undefined,
    extraContext: Record<string, string | string[]>,
  ): Promise<Decision> {
    const result = await runSimulation(
      {
        request: {
          principal: caller.arn,
          action,
          resource: { resource: resourceArn, accountId: resourceAccount },
          contextVariables: { ...principalContextVariables(caller), ...extraContext },
        },
        identityPolicies: caller.identityPolicies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy,
      },
      {},
    );
    if (result.resultType === "error") {
      throw new Error(
        `iam-simulate refused ${action} on ${resourceArn} for ${caller.arn}: ${result.errors.message}`,
      );
    }
    const analysis = result.resultType === "single" ? result.result.analysis : result.results[0]?.analysis;
    const outcome = result.overallResult as EvaluationOutcome;
    const statements = decidingStatements(analysis, resourceArn);
    if (outcome === "Allowed") {
      return { allowed: true, outcome, statements };
    }
    const policyType = blamedPolicyType(analysis, outcome);
    return {
      allowed: false,
      outcome,
      statements,
      policyType,
      message: accessDeniedMessage(
        caller.arn,
        action,
        resourceArn,
        outcome === "ExplicitlyDenied",
        policyType,
      ),
    };
  }
}

/**
 * Which kind of policy AWS's message names. iam-simulate reports the denying (explicit) or missing
 * (implicit) policy types; for a key, an implicit "resource" denial means the key policy neither allows
 * the caller nor delegates to the account, while "identity" means it delegates and no identity policy allows.
 */
function blamedPolicyType(
  analysis: RequestAnalysis | undefined,
  outcome: EvaluationOutcome,
): "identity-based" | "resource-based" {
  const reasons = analysis ? getDenialReasons(analysis) : [];
  const wanted = outcome === "ExplicitlyDenied" ? "Explicit" : "Implicit";
  const reason = reasons.find((entry) => entry.denialType === wanted) ?? reasons[0];
  return reason?.policyType === "resource" ? "resource-based" : "identity-based";
}

/** The statements that matched the request, in every policy iam-simulate evaluated. */
function decidingStatements(analysis: RequestAnalysis | undefined, resourceArn: string): DecidingStatement[] {
  const resourcePolicy = resourceArn.includes(":kms:") ? "key policy" : "resource policy";
  const found: DecidingStatement[] = [];
  for (const [part, policyName] of [
    [analysis?.identityAnalysis, undefined],
    [analysis?.resourceAnalysis, resourcePolicy],
  ] as const) {
    for (const entry of [...(part?.denyStatements ?? []), ...(part?.allowStatements ?? [])]) {
      const sid = entry.statement.sid();
      found.push({
        policy: policyName ?? entry.policyId,
        ...(sid === undefined ? {} : { sid }),
        index: entry.statement.index(),
        effect: entry.statement.effect() === "Deny" ? "Deny" : "Allow",
      });
    }
  }
  return found;
}

/** Global condition keys of the caller (IAM reference, "AWS global condition context keys"). */
function principalContextVariables(caller: PrincipalRecord): Record<string, string> {
  const resource = parseArn(caller.arn)?.resource ?? "";
  const variables: Record<string, string> = {
    "aws:PrincipalArn": caller.arn,
    "aws:PrincipalAccount": caller.accountId,
  };
  if (resource === "root") {
    variables["aws:PrincipalType"] = "Account";
  } else if (resource.startsWith("user/")) {
    variables["aws:PrincipalType"] = "User";
    variables["aws:username"] = resource.slice(resource.lastIndexOf("/") + 1);
  }
  return variables;
}

/** KMS condition keys (KMS developer guide, "AWS KMS condition keys"). */
function kmsContextVariables(
  caller: PrincipalRecord,
  context: KmsRequestContext,
): Record<string, string | string[]> {
  const variables: Record<string, string | string[]> = { "kms:CallerAccount": caller.accountId };
  if (context.viaService) {
    variables["kms:ViaService"] = context.viaService;
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
