/**
 * Opens the secrets of a checkpoint as its secrets provider wrote them (the deployment's
 * `secrets_providers: { type, state }`), where that can be done offline:
 *
 * - `b64`: the ciphertext is the base64 of the value's JSON text (the engine's test provider);
 * - `passphrase`: AES-256-GCM under a key derived from the passphrase with PBKDF2-HMAC-SHA256, 1,000,000
 *   iterations, 32 bytes, over the salt of the provider's state `v1:<salt base64>:v1:<nonce>:<sealed>`,
 *   whose own ciphertext seals the word `pulumi` to check the passphrase; each secret is
 *   `v1:<nonce base64>:<ciphertext and GCM tag base64>` (pulumi/pulumi pkg/secrets/passphrase and
 *   sdk/go/common/resource/config/crypt.go). The passphrase is the CLI's PULUMI_CONFIG_PASSPHRASE;
 * - anything else (`service`, the Pulumi Cloud's; `cloud`, a KMS named by a URL such as `awskms://…`): only
 *   that service can open it, so the value is unknown and named after its provider.
 */
import { createDecipheriv, pbkdf2Sync } from "node:crypto";

/** A ciphertext opened (plaintext: the value's JSON text), or left unknown and named by its provider. */
export type SecretOpener = (ciphertext: string) => { plaintext?: string; provider: string };

const PBKDF2_ITERATIONS = 1_000_000;
const KEY_BYTES = 32;
const GCM_TAG_BYTES = 16;

/** The opener for a deployment's `secrets_providers`; `fail` names a provider state that cannot be right. */
export function secretOpener(
  providers: unknown,
  passphrase: string | undefined,
  fail: (what: string) => never,
): SecretOpener {
  const record = isRecord(providers) ? providers : {};
  const type = typeof record.type === "string" ? record.type : "none";
  const state = isRecord(record.state) ? record.state : {};
  switch (type) {
    case "b64":
      return (ciphertext) => ({
        plaintext: Buffer.from(ciphertext, "base64").toString("utf8"),
        provider: type,
      });
    case "passphrase": {
      if (passphrase === undefined) {
        return () => ({ provider: "passphrase (set PULUMI_CONFIG_PASSPHRASE)" });
      }
      const key = passphraseKey(passphrase, state.salt, fail);
      return (ciphertext) => {
        const plaintext = openSymmetric(key, ciphertext);
        return plaintext === undefined
          ? fail(`: a passphrase secret cannot be opened with this passphrase`)
          : { plaintext, provider: type };
      };
    }
    default: {
      // A cloud provider's state names its key by URL; the service's by the stack.
      const url = typeof state.url === "string" ? state.url.replace(/\?.*$/, "") : undefined;
      const provider = url === undefined ? type : `${type} ${url}`;
      return () => ({ provider });
    }
  }
}

/** The passphrase provider's key, checked against the sealed word in its state. */
function passphraseKey(passphrase: string, salt: unknown, fail: (what: string) => never): Buffer {
  if (typeof salt !== "string") {
    return fail(".state.salt is missing: not a passphrase provider's state");
  }
  const parts = salt.split(":");
  if (parts.length < 3 || parts[0] !== "v1") {
    return fail(".state.salt is not `v1:<salt>:<check>`");
  }
  const key = pbkdf2Sync(passphrase, Buffer.from(parts[1], "base64"), PBKDF2_ITERATIONS, KEY_BYTES, "sha256");
  if (openSymmetric(key, parts.slice(2).join(":")) !== "pulumi") {
    // The CLI's words (pkg/secrets/passphrase ErrIncorrectPassphrase).
    return fail(": incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE to the correct passphrase");
  }
  return key;
}

/** `v1:<nonce>:<sealed>` opened with AES-256-GCM; undefined when it does not open. */
export function openSymmetric(key: Buffer, value: string): string | undefined {
  const parts = value.split(":");
  if (parts.length !== 3 || parts[0] !== "v1") {
    return undefined;
  }
  const nonce = Buffer.from(parts[1], "base64");
  const sealed = Buffer.from(parts[2], "base64");
  if (nonce.length !== 12 || sealed.length < GCM_TAG_BYTES) {
    return undefined;
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce);
    decipher.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_BYTES));
    return Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - GCM_TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
