/**
 * The KMS service of the sandbox: JSON 1.1 request bodies in (`X-Amz-Target: TrentService.<Op>`, routed
 * here by the server after SigV4), JSON out. Every operation is authorized through the Authorizer as a
 * direct call, i.e. without kms:ViaService, so a key user restricted to DynamoDB is refused here.
 */
import { randomBytes } from "crypto";
import { AwsError } from "../errors";
import type { Authorizer } from "../iam";
import { accountOf } from "../iam/arn";
import { blobKeyArn, openBlob, sealBlob, type EncryptionContext } from "./ciphertext";
import { handleGrantOperation, isGrantApiOperation } from "./grantOperations";
import type { GrantStore } from "./grants";
import type { ExportedKeyMaterial, KeyDefinition, KeyRegistry, KmsKeyRecord } from "./keyRegistry";
import { isKeyStateOperation, KeyStateOperations } from "./keyStateOperations";
import { KMS_OPERATIONS } from "./operations";
import {
  asBody,
  checkSymmetricAlgorithm,
  encryptionContext,
  optionalInteger,
  optionalString,
  requiredBlob,
  requiredString,
  type RequestBody,
} from "./requests";

/** A key as the plan deploys it (aws:kms/key:Key): its one owner, the KeyRegistry, takes it as is. */
export type KmsKeyDefinition = KeyDefinition;

/** Who is calling: the principal SigV4 authenticated and the region of the request's credential scope. */
export interface KmsCaller {
  readonly arn: string;
  readonly region: string;
}

/**
 * KMS's answer to Decrypt of a blob whose key is unknown or not usable by the caller, in the message that
 * DynamoDB also relays (docs/fieldNotes.md: aws-cdk issues 10010 and 18616).
 */
const UNKNOWN_CIPHERTEXT_KEY =
  "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.";

export class KmsService {
  private readonly keyStateOperations: KeyStateOperations;

  /**
   * `registry` and `grants` are the one owners of key state and of grants; `authorizer` must read its keys
   * and grants from them (AuthorizerOptions.keys, AuthorizerOptions.grants).
   */
  constructor(
    private readonly authorizer: Authorizer,
    readonly registry: KeyRegistry,
    readonly grants: GrantStore,
  ) {
    this.keyStateOperations = new KeyStateOperations(registry, authorizer);
  }

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
    const request = asBody(body);
    if (isKeyStateOperation(operation)) {
      return this.keyStateOperations.handle(operation, request, {
        arn: caller.arn,
        resolve: (keyId, options) => this.resolve(keyId, caller, options),
      });
    }
    switch (operation) {
      case "Encrypt":
        return this.encrypt(request, caller);
      case "Decrypt":
        return this.decrypt(request, caller);
      case "GenerateDataKey":
        return this.generateDataKey(request, caller);
      case "DescribeKey":
        return this.describeKey(request, caller);
      case "GetKeyPolicy":
        return this.getKeyPolicy(request, caller);
      default:
        if (isGrantApiOperation(operation)) {
          return handleGrantOperation(operation, request, {
            authorizer: this.authorizer,
            grants: this.grants,
            callerArn: caller.arn,
            resolveKey: (keyId, options) => this.resolve(keyId, caller, options),
          });
        }
        throw new AwsError(
          "UnknownOperationException",
          `TrentService.${operation} is not an operation this sandbox serves (it serves ${KMS_OPERATIONS.join(", ")})`,
        );
    }
  }

  private async encrypt(request: RequestBody, caller: KmsCaller): Promise<Record<string, unknown>> {
    const key = this.resolve(requiredString(request, "KeyId", "keyId"), caller);
    // KMS limits Encrypt's plaintext to 4,096 bytes (KMS API reference, Encrypt, Plaintext).
    const plaintext = requiredBlob(request, "Plaintext", "plaintext", 1, 4096);
    checkSymmetricAlgorithm(request);
    const context = encryptionContext(request);
    await this.authorize(caller, "kms:Encrypt", key, context);
    return {
      CiphertextBlob: sealBlob(key.arn, key.material, plaintext, context).toString("base64"),
      KeyId: key.arn,
      EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
    };
  }

  private async decrypt(request: RequestBody, caller: KmsCaller): Promise<Record<string, unknown>> {
    const blob = requiredBlob(request, "CiphertextBlob", "ciphertextBlob", 1, 6144);
    const requestedKeyId = optionalString(request, "KeyId", "keyId");
    checkSymmetricAlgorithm(request);
    const context = encryptionContext(request);
    const blobArn = blobKeyArn(blob);
    if (blobArn === undefined) {
      throw new AwsError(
        "InvalidCiphertextException",
        "The ciphertext is not a ciphertext blob of this KMS.",
      );
    }
    const key = this.registry.get(blobArn);
    if (!key) {
      throw new AwsError("AccessDeniedException", UNKNOWN_CIPHERTEXT_KEY);
    }
    // With a KeyId, KMS decrypts only if it names the key of the blob (KMS API reference, Decrypt, KeyId).
    if (requestedKeyId !== undefined && this.resolve(requestedKeyId, caller).arn !== key.arn) {
      throw new AwsError(
        "IncorrectKeyException",
        "The key ID in the request does not identify a KMS key that can perform this operation.",
      );
    }
    await this.authorize(caller, "kms:Decrypt", key, context);
    const plaintext = openBlob(blob, key.material, context);
    if (!plaintext) {
      // Wrong encryption context or a tampered blob: KMS gives no detail either.
      throw new AwsError(
        "InvalidCiphertextException",
        "The ciphertext or its encryption context is invalid.",
      );
    }
    return {
      KeyId: key.arn,
      Plaintext: plaintext.toString("base64"),
      EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
    };
  }

  private async generateDataKey(request: RequestBody, caller: KmsCaller): Promise<Record<string, unknown>> {
    const key = this.resolve(requiredString(request, "KeyId", "keyId"), caller);
    const keySpec = optionalString(request, "KeySpec", "keySpec");
    const numberOfBytes = optionalInteger(request, "NumberOfBytes", "numberOfBytes", 1, 1024);
    // KMS API reference, GenerateDataKey: "You must specify either the KeySpec or the NumberOfBytes
    // parameter (but not both)".
    if ((keySpec === undefined) === (numberOfBytes === undefined)) {
      throw new AwsError("ValidationException", "Please specify either number of bytes or key spec.");
    }
    if (keySpec !== undefined && keySpec !== "AES_256" && keySpec !== "AES_128") {
      throw new AwsError(
        "ValidationException",
        `1 validation error detected: Value '${keySpec}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]`,
      );
    }
    const context = encryptionContext(request);
    await this.authorize(caller, "kms:GenerateDataKey", key, context);
    const length = numberOfBytes ?? (keySpec === "AES_128" ? 16 : 32);
    const plaintext = randomBytes(length);
    return {
      CiphertextBlob: sealBlob(key.arn, key.material, plaintext, context).toString("base64"),
      Plaintext: plaintext.toString("base64"),
      KeyId: key.arn,
    };
  }

  private async describeKey(request: RequestBody, caller: KmsCaller): Promise<Record<string, unknown>> {
    const key = this.resolve(requiredString(request, "KeyId", "keyId"), caller);
    await this.authorize(caller, "kms:DescribeKey", key, {});
    return {
      KeyMetadata: {
        AWSAccountId: key.accountId,
        KeyId: key.keyId,
        Arn: key.arn,
        // JSON 1.1 timestamps are epoch seconds.
        CreationDate: key.creationDate.getTime() / 1000,
        Enabled: key.state === "Enabled",
        Description: key.description,
        KeyUsage: "ENCRYPT_DECRYPT",
        KeyState: key.state,
        Origin: "AWS_KMS",
        KeyManager: "CUSTOMER",
        CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
        KeySpec: "SYMMETRIC_DEFAULT",
        EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
        MultiRegion: false,
        ...(key.deletionDate
          ? {
              DeletionDate: key.deletionDate.getTime() / 1000,
              PendingDeletionWindowInDays: key.pendingWindowInDays,
            }
          : {}),
      },
    };
  }

  private async getKeyPolicy(request: RequestBody, caller: KmsCaller): Promise<Record<string, unknown>> {
    const key = this.resolve(requiredString(request, "KeyId", "keyId"), caller, { aliases: false });
    // "default" is the only key policy name (KMS API reference, GetKeyPolicy, PolicyName).
    const policyName = optionalString(request, "PolicyName", "policyName") ?? "default";
    if (policyName !== "default") {
      throw new AwsError(
        "NotFoundException",
        `PolicyName: "${policyName}" does not exist; the only key policy name is "default"`,
      );
    }
    await this.authorize(caller, "kms:GetKeyPolicy", key, {});
    return { Policy: key.policyText, PolicyName: "default" };
  }

  private resolve(keyId: string, caller: KmsCaller, options?: { readonly aliases: boolean }): KmsKeyRecord {
    const scope = { accountId: accountOf(caller.arn, "caller arn"), region: caller.region };
    return this.registry.resolve(keyId, scope, options);
  }

  private async authorize(
    caller: KmsCaller,
    action: string,
    key: KmsKeyRecord,
    context: EncryptionContext,
  ): Promise<void> {
    const decision = await this.authorizer.authorizeKms(caller.arn, action, key.arn, {
      encryptionContext: Object.keys(context).length > 0 ? context : undefined,
    });
    if (decision.keyStateError) {
      throw new AwsError(decision.keyStateError.code, decision.keyStateError.message);
    }
    if (!decision.allowed) {
      throw new AwsError(
        "AccessDeniedException",
        decision.message ?? `${caller.arn} may not ${action} ${key.arn}`,
      );
    }
  }
}
