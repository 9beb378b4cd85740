/**
 * The sandbox's ciphertext blob: real AES-256-GCM under the key's own material. Like KMS's, the blob
 * names the key that made it, so Decrypt needs no KeyId, and the encryption context is bound as
 * additional authenticated data, so Decrypt with any other context fails (KMS developer guide,
 * "Encryption context").
 *
 * Layout: version (1 byte) | key ARN length (1 byte) | key ARN (UTF-8) | IV (12) | tag (16) | ciphertext.
 * The header is authenticated too.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "crypto";

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_MATERIAL_BYTES = 32;

export type EncryptionContext = Readonly<Record<string, string>>;

export function sealBlob(
  keyArn: string,
  material: Buffer,
  plaintext: Buffer,
  context: EncryptionContext,
): Buffer {
  const arn = Buffer.from(keyArn, "utf8");
  if (arn.length > 255) {
    throw new Error(`keyArn: "${keyArn}" is longer than 255 bytes`);
  }
  const header = Buffer.concat([Buffer.from([VERSION, arn.length]), arn]);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", material, iv);
  cipher.setAAD(additionalData(header, context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
}

/** The key ARN a blob names, or undefined when the blob is not one of ours. */
export function blobKeyArn(blob: Buffer): string | undefined {
  if (blob.length < 2 || blob[0] !== VERSION) {
    return undefined;
  }
  const end = 2 + blob[1];
  if (blob.length < end + IV_BYTES + TAG_BYTES) {
    return undefined;
  }
  return blob.subarray(2, end).toString("utf8");
}

/** The plaintext, or undefined when the blob, the material or the context does not match. */
export function openBlob(blob: Buffer, material: Buffer, context: EncryptionContext): Buffer | undefined {
  if (blobKeyArn(blob) === undefined) {
    return undefined;
  }
  const headerEnd = 2 + blob[1];
  const iv = blob.subarray(headerEnd, headerEnd + IV_BYTES);
  const tag = blob.subarray(headerEnd + IV_BYTES, headerEnd + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", material, iv);
  decipher.setAAD(additionalData(blob.subarray(0, headerEnd), context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([
      decipher.update(blob.subarray(headerEnd + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    return undefined;
  }
}

export function newKeyMaterial(): Buffer {
  return randomBytes(KEY_MATERIAL_BYTES);
}

/** The context in a canonical form: KMS treats it as an unordered map, so order must not matter. */
function additionalData(header: Buffer, context: EncryptionContext): Buffer {
  const canonical = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.concat([header, Buffer.from(JSON.stringify(canonical), "utf8")]);
}
