/**
 * KMS's cryptographic operations on a symmetric key: Encrypt, Decrypt and GenerateDataKey, with real
 * AES-256-GCM per key (ciphertext.ts), ciphertexts bound to the key and the encryption context. Each is
 * authorized as a direct call (no kms:ViaService), so a key user restricted to DynamoDB is refused here,
 * and needs an Enabled key ("Key states of AWS KMS keys").
 */
import { randomBytes } from "node:crypto";
import { AwsError } from "../errors";
import { blobKeyArn, openBlob, sealBlob, type EncryptionContext } from "./ciphertext";
import type { KmsKeyRecord } from "./keyRegistry";
import { refuseDryRun } from "./grantOperations";
import type { KmsCall } from "./operations";
import {
  checkSymmetricAlgorithm,
  encryptionContext,
  optionalInteger,
  optionalString,
  requiredBlob,
  requiredString,
  type RequestBody,
} from "./requests";

/**
 * KMS's answer to Decrypt of a blob whose key is unknown or not usable by the caller, in the message that
 * DynamoDB also relays (docs/fieldNotes.md: aws-cdk issues 10010 and 18616).
 */
const UNKNOWN_CIPHERTEXT_KEY =
  "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.";

export async function encrypt(request: RequestBody, call: KmsCall): Promise<Record<string, unknown>> {
  const key = call.resolveKey(requiredString(request, "KeyId", "keyId"));
  // KMS limits Encrypt's plaintext to 4,096 bytes (KMS API reference, Encrypt, Plaintext).
  const plaintext = requiredBlob(request, "Plaintext", "plaintext", 1, 4096);
  checkSymmetricAlgorithm(request);
  const context = encryptionContext(request);
  await authorizeWithContext(call, key, context);
  refuseDryRun(request);
  const ciphertext = sealBlob(key.arn, key.material, plaintext, context).toString("base64");
  call.registry.recordUse(key.arn);
  return { CiphertextBlob: ciphertext, KeyId: key.arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" };
}

export async function decrypt(request: RequestBody, call: KmsCall): Promise<Record<string, unknown>> {
  const blob = requiredBlob(request, "CiphertextBlob", "ciphertextBlob", 1, 6144);
  const requestedKeyId = optionalString(request, "KeyId", "keyId");
  checkSymmetricAlgorithm(request);
  const context = encryptionContext(request);
  const blobArn = blobKeyArn(blob);
  if (blobArn === undefined) {
    throw new AwsError("InvalidCiphertextException", "The ciphertext is not a ciphertext blob of this KMS.");
  }
  const key = call.registry.get(blobArn);
  if (!key) {
    throw new AwsError("AccessDeniedException", UNKNOWN_CIPHERTEXT_KEY);
  }
  // With a KeyId, KMS decrypts only if it names the key of the blob (KMS API reference, Decrypt, KeyId).
  if (requestedKeyId !== undefined && call.resolveKey(requestedKeyId).arn !== key.arn) {
    throw new AwsError(
      "IncorrectKeyException",
      "The key ID in the request does not identify a KMS key that can perform this operation.",
    );
  }
  await authorizeWithContext(call, key, context);
  refuseDryRun(request);
  const plaintext = openBlob(blob, key.material, context);
  if (!plaintext) {
    // Wrong encryption context or a tampered blob: KMS gives no detail either.
    throw new AwsError("InvalidCiphertextException", "The ciphertext or its encryption context is invalid.");
  }
  call.registry.recordUse(key.arn);
  return {
    KeyId: key.arn,
    Plaintext: plaintext.toString("base64"),
    EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
  };
}

export async function generateDataKey(request: RequestBody, call: KmsCall): Promise<Record<string, unknown>> {
  const key = call.resolveKey(requiredString(request, "KeyId", "keyId"));
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
  await authorizeWithContext(call, key, context);
  refuseDryRun(request);
  const length = numberOfBytes ?? (keySpec === "AES_128" ? 16 : 32);
  const plaintext = randomBytes(length);
  call.registry.recordUse(key.arn);
  return {
    CiphertextBlob: sealBlob(key.arn, key.material, plaintext, context).toString("base64"),
    Plaintext: plaintext.toString("base64"),
    KeyId: key.arn,
  };
}

/** The encryption context is part of the request context (kms:EncryptionContext:*) when one is given. */
function authorizeWithContext(
  call: KmsCall,
  key: KmsKeyRecord,
  context: EncryptionContext,
): Promise<unknown> {
  return call.authorize(key, {
    encryptionContext: Object.keys(context).length > 0 ? context : undefined,
  });
}
