/**
 * The KMS service of the sandbox: JSON 1.1 request bodies in (`X-Amz-Target: TrentService.<Op>`, routed
 * here by the server after SigV4), JSON out. Each operation runs as its entry of the operation table says
 * (operations.ts: its handler and its IAM action), authorized through the Authorizer as a direct call,
 * i.e. without kms:ViaService, so a key user restricted to DynamoDB is refused here.
 */
import { AwsError } from "../errors";
import { checkJsonMembers, NOT_MODELLED } from "../http/requestMembers";
import type { Authorizer, KmsDecision, KmsRequestContext } from "../iam";
import { accountOf } from "../iam/arn";
import type { ContextRecord } from "../iam/evaluation";
import type { GrantStore } from "./grants";
import type { ExportedKeyMaterial, KeyDefinition, KeyRegistry, KmsKeyRecord } from "./keyRegistry";
import { isKmsOperation, KMS_OPERATIONS, kmsOperationSpec, type KmsCall } from "./operations";
import { asBody } from "./requests";

/** A key as the plan deploys it (aws:kms/key:Key): its one owner, the KeyRegistry, takes it as is. */
export type KmsKeyDefinition = KeyDefinition;

/** Who is calling: the principal SigV4 authenticated and the region of the request's credential scope. */
export interface KmsCaller {
  readonly arn: string;
  readonly region: string;
  /** The global keys the request's caller and connection fix (deploy/stack.ts, callerRequestKeys). */
  readonly requestKeys?: ContextRecord;
}

/**
 * The kms:* condition keys a request sets by its own parameters (KMS developer guide, "AWS KMS condition
 * keys"): the encryption algorithm of Encrypt and Decrypt (SYMMETRIC_DEFAULT, the only one of a symmetric
 * key, when omitted), PutKeyPolicy's BypassPolicyLockoutSafetyCheck, ScheduleKeyDeletion's window (30
 * days when omitted), and the alias a KeyId names (kms:RequestAlias: "alias/NAME").
 */
function requestKeysOf(operation: string, request: Record<string, unknown>): Record<string, string> {
  const keys: Record<string, string> = {};
  if (operation === "Encrypt" || operation === "Decrypt" || operation === "GenerateDataKey") {
    keys["kms:EncryptionAlgorithm"] =
      typeof request.EncryptionAlgorithm === "string" ? request.EncryptionAlgorithm : "SYMMETRIC_DEFAULT";
  }
  if (operation === "PutKeyPolicy") {
    keys["kms:BypassPolicyLockoutSafetyCheck"] = String(request.BypassPolicyLockoutSafetyCheck === true);
  }
  if (operation === "ScheduleKeyDeletion") {
    keys["kms:ScheduleKeyDeletionPendingWindowInDays"] = String(request.PendingWindowInDays ?? 30);
  }
  const alias = typeof request.KeyId === "string" ? /(?:^|:)(alias\/.+)$/.exec(request.KeyId) : null;
  if (alias !== null) {
    keys["kms:RequestAlias"] = alias[1];
  }
  return keys;
}

/** The actions whose context has kms:TrailingDaysWithoutKeyUsage. */
const TRACKS_USAGE: ReadonlySet<string> = new Set(["kms:DisableKey", "kms:ScheduleKeyDeletion"]);

export class KmsService {
  /**
   * `registry` and `grants` are the one owners of key state and of grants; `authorizer` must read its keys
   * and grants from them (AuthorizerOptions.keys, AuthorizerOptions.grants).
   */
  constructor(
    private readonly authorizer: Authorizer,
    readonly registry: KeyRegistry,
    readonly grants: GrantStore,
  ) {}

  /**
   * Adds or updates a key (policy, description, state) in place; its material is kept (or taken from
   * importKeyMaterial, or made fresh for a new key). Does not validate the policy: call
   * Authorizer.validateKeyPolicy first, as CreateKey/PutKeyPolicy would.
   */
  putKey(definition: KmsKeyDefinition): void {
    this.registry.put(definition);
  }

  deleteKey(keyArn: string): void {
    this.registry.delete(keyArn);
  }

  /** `aliasName` "alias/NAME" (aws:kms/alias:Alias name) pointing at a key put before. */
  putAlias(aliasName: string, targetKeyArn: string): void {
    this.registry.putAlias(aliasName, targetKeyArn);
  }

  deleteAlias(aliasArn: string): void {
    this.registry.deleteAlias(aliasArn);
  }

  /** Every key's material, to persist (write with mode 0600). */
  exportKeyMaterial(): ExportedKeyMaterial[] {
    return this.registry.exportMaterial();
  }

  /** Restores persisted material; call before putKey when reloading, so old ciphertexts still decrypt. */
  importKeyMaterial(entries: readonly ExportedKeyMaterial[]): void {
    this.registry.importMaterial(entries);
  }

  /**
   * Runs one KMS operation. `body` is the parsed JSON request. Throws AwsError with KMS's codes:
   * NotFoundException, AccessDeniedException, DisabledException, KMSInvalidStateException,
   * InvalidCiphertextException, IncorrectKeyException, ValidationException, UnknownOperationException.
   */
  async handle(operation: string, body: unknown, caller: KmsCaller): Promise<Record<string, unknown>> {
    if (!isKmsOperation(operation)) {
      throw new AwsError(
        "UnknownOperationException",
        `TrentService.${operation} is not an operation this sandbox serves (it serves ${KMS_OPERATIONS.join(", ")})`,
      );
    }
    const spec = kmsOperationSpec(operation);
    const request = asBody(body);
    // A member the sandbox does not model is refused before anything else (requestMembers.ts).
    checkJsonMembers("kms", operation, request, spec.members);
    return spec.handler(request, this.call(caller, spec.iamAction, requestKeysOf(operation, request)));
  }

  /** What a handler runs with: the caller, the operation's action, and the key, grant and policy owners. */
  private call(caller: KmsCaller, action: string, requestKeys: Record<string, string>): KmsCall {
    const { authorizer, registry, grants } = this;
    return {
      callerArn: caller.arn,
      region: caller.region,
      action,
      authorizer,
      registry,
      grants,
      requestKeys: caller.requestKeys ?? {},
      resolveKey: (keyId, options) => this.resolve(keyId, caller, options),
      authorize: (key, context = {}) =>
        this.authorize(caller, action, key, {
          ...context,
          requestKeys: { ...requestKeys, ...context.requestKeys },
        }),
    };
  }

  private resolve(keyId: string, caller: KmsCaller, options?: { readonly aliases: boolean }): KmsKeyRecord {
    const scope = { accountId: accountOf(caller.arn, "caller arn"), region: caller.region };
    return this.registry.resolve(keyId, scope, options);
  }

  private async authorize(
    caller: KmsCaller,
    action: string,
    key: KmsKeyRecord,
    context: KmsRequestContext = {},
  ): Promise<KmsDecision> {
    // kms:TrailingDaysWithoutKeyUsage, in DisableKey's and ScheduleKeyDeletion's context only (Service
    // Authorization Reference, AWS KMS): from the key's last use, which the registry keeps.
    const usage: ContextRecord = TRACKS_USAGE.has(action)
      ? { "kms:TrailingDaysWithoutKeyUsage": String(this.registry.trailingDaysWithoutUsage(key.arn)) }
      : {};
    const decision = await this.authorizer.authorizeKms(caller.arn, action, key.arn, {
      ...context,
      requestKeys: { ...caller.requestKeys, ...usage, ...context.requestKeys },
    });
    if (decision.notModelledKeys !== undefined) {
      throw new AwsError(NOT_MODELLED, decision.message ?? `${action} on ${key.arn} is not modelled`);
    }
    if (decision.keyStateError) {
      throw new AwsError(decision.keyStateError.code, decision.keyStateError.message);
    }
    if (!decision.allowed) {
      throw new AwsError(
        "AccessDeniedException",
        decision.message ?? `${caller.arn} may not ${action} ${key.arn}`,
      );
    }
    return decision;
  }
}
