/**
 * Reading KMS JSON 1.1 request members with KMS's validation errors. KMS reports constraint violations as
 * ValidationException with the Coral wording, e.g. "1 validation error detected: Value null at 'keyId'
 * failed to satisfy constraint: Member must not be null".
 */
import { AwsError } from "../errors";
import type { EncryptionContext } from "./ciphertext";

export type RequestBody = Record<string, unknown>;

function validationError(member: string, value: unknown, constraint: string): AwsError {
  const shown = value === undefined || value === null ? "null" : `'${String(value)}'`;
  return new AwsError(
    "ValidationException",
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

export function asBody(body: unknown): RequestBody {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AwsError("SerializationException", "Start of structure or map found where not expected.");
  }
  return body as RequestBody;
}

export function requiredString(
  body: RequestBody,
  member: string,
  wireName: string,
  maxLength = 2048,
): string {
  const value = body[member];
  if (value === undefined || value === null) {
    throw validationError(wireName, value, "Member must not be null");
  }
  if (typeof value !== "string") {
    throw new AwsError(
      "SerializationException",
      `${member}: expected a string, received ${JSON.stringify(value)}`,
    );
  }
  if (value.length < 1 || value.length > maxLength) {
    throw validationError(wireName, value, `Member must have length between 1 and ${maxLength}`);
  }
  return value;
}

export function optionalString(body: RequestBody, member: string, wireName: string): string | undefined {
  return body[member] === undefined || body[member] === null
    ? undefined
    : requiredString(body, member, wireName);
}

/** A blob member: base64 text in JSON, as the SDKs send it. */
export function requiredBlob(
  body: RequestBody,
  member: string,
  wireName: string,
  minBytes: number,
  maxBytes: number,
): Buffer {
  const text = requiredString(body, member, wireName, Number.MAX_SAFE_INTEGER);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new AwsError("SerializationException", `${member}: the value is not valid base64`);
  }
  const bytes = Buffer.from(text, "base64");
  if (bytes.length < minBytes || bytes.length > maxBytes) {
    throw validationError(
      wireName,
      "[binary]",
      `Member must have length between ${minBytes} and ${maxBytes}`,
    );
  }
  return bytes;
}

export function optionalInteger(
  body: RequestBody,
  member: string,
  wireName: string,
  min: number,
  max: number,
): number | undefined {
  const value = body[member];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new AwsError(
      "SerializationException",
      `${member}: expected an integer, received ${JSON.stringify(value)}`,
    );
  }
  if (value < min || value > max) {
    throw validationError(
      wireName,
      value,
      `Member must have value ${value < min ? "greater" : "less"} than or equal to ${value < min ? min : max}`,
    );
  }
  return value;
}

export function encryptionContext(body: RequestBody): EncryptionContext {
  const value = body.EncryptionContext;
  if (value === undefined || value === null) {
    return {};
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new AwsError(
      "SerializationException",
      `EncryptionContext: expected a map of strings, received ${JSON.stringify(value)}`,
    );
  }
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== "string") {
      throw new AwsError(
        "SerializationException",
        `EncryptionContext.${key}: expected a string, received ${JSON.stringify(entry)}`,
      );
    }
  }
  return value as EncryptionContext;
}

/** Symmetric keys accept only SYMMETRIC_DEFAULT (KMS API reference, Encrypt, EncryptionAlgorithm). */
export function checkSymmetricAlgorithm(body: RequestBody): void {
  const algorithm = body.EncryptionAlgorithm;
  if (algorithm !== undefined && algorithm !== null && algorithm !== "SYMMETRIC_DEFAULT") {
    throw new AwsError(
      "InvalidKeyUsageException",
      `EncryptionAlgorithm: ${JSON.stringify(algorithm)} is not valid for a symmetric encryption KMS key; use SYMMETRIC_DEFAULT`,
    );
  }
}
