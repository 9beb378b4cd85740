/**
 * The KMS keys and aliases of the sandbox: metadata, key material and how KMS resolves a KeyId.
 * The policy and state of each key also live in the Authorizer (which decides with them); KmsService
 * keeps the two in step.
 */
import { AwsError } from "../errors";
import type { KeyState } from "../iam";
import { parseArn } from "../iam/arn";
import { KEY_MATERIAL_BYTES, newKeyMaterial } from "./ciphertext";

export interface KmsKeyRecord {
  readonly arn: string;
  readonly keyId: string;
  readonly accountId: string;
  readonly region: string;
  /** The key policy exactly as deployed (GetKeyPolicy returns it). */
  readonly policyText: string;
  readonly description: string;
  readonly state: KeyState;
  readonly creationDate: Date;
  /** Set when state is PendingDeletion. */
  readonly deletionDate?: Date;
  readonly pendingWindowInDays?: number;
  readonly material: Buffer;
}

/** Key material in a form that can be written to disk (mode 0600: it decrypts everything). */
export interface ExportedKeyMaterial {
  readonly keyArn: string;
  /** 32 bytes, base64. */
  readonly material: string;
  /** ISO 8601; DescribeKey's CreationDate survives a restart with it. */
  readonly creationDate: string;
}

/** Who asks, for resolving bare key ids and alias names, which KMS looks up in the caller's account and region. */
export interface CallerScope {
  readonly accountId: string;
  readonly region: string;
}

export class KeyRegistry {
  private readonly keys = new Map<string, KmsKeyRecord>();
  private readonly aliases = new Map<string, string>();
  private readonly importedMaterial = new Map<string, { material: Buffer; creationDate: Date }>();

  /** Adds or replaces a key, keeping its material (and creation date) if it already has some. */
  put(
    definition: Omit<KmsKeyRecord, "material" | "creationDate" | "keyId" | "accountId" | "region">,
  ): KmsKeyRecord {
    const parsed = parseArn(definition.arn);
    if (!parsed || parsed.service !== "kms" || !parsed.resource.startsWith("key/")) {
      throw new Error(
        `key arn: "${definition.arn}" is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY_ID)`,
      );
    }
    const existing = this.keys.get(definition.arn) ?? this.importedMaterial.get(definition.arn);
    const record: KmsKeyRecord = {
      ...definition,
      keyId: parsed.resource.slice("key/".length),
      accountId: parsed.accountId,
      region: parsed.region,
      material: existing?.material ?? newKeyMaterial(),
      creationDate: existing?.creationDate ?? new Date(),
    };
    this.keys.set(record.arn, record);
    return record;
  }

  delete(keyArn: string): void {
    this.keys.delete(keyArn);
  }

  get(keyArn: string): KmsKeyRecord | undefined {
    return this.keys.get(keyArn);
  }

  /** `aliasName` is "alias/NAME"; the alias lives in the target key's account and region. */
  putAlias(aliasName: string, targetKeyArn: string): void {
    const key = this.keys.get(targetKeyArn);
    if (!key) {
      throw new AwsError("NotFoundException", `Key '${targetKeyArn}' does not exist`);
    }
    if (!/^alias\/[a-zA-Z0-9/_-]+$/.test(aliasName) || aliasName.startsWith("alias/aws/")) {
      throw new AwsError(
        "ValidationException",
        `Alias name "${aliasName}" must be alias/ followed by [a-zA-Z0-9/_-] and not start with alias/aws/`,
      );
    }
    this.aliases.set(`arn:aws:kms:${key.region}:${key.accountId}:${aliasName}`, targetKeyArn);
  }

  deleteAlias(aliasArn: string): void {
    this.aliases.delete(aliasArn);
  }

  /**
   * Resolves a KeyId as KMS accepts it (KMS API reference, "KeyId"): key id, key ARN, alias name or alias ARN.
   * Bare key ids and alias names refer to the caller's account and region.
   */
  resolve(
    keyId: string,
    scope: CallerScope,
    options: { readonly aliases: boolean } = { aliases: true },
  ): KmsKeyRecord {
    // Some operations (GetKeyPolicy, PutKeyPolicy) take only a key id or key ARN (KMS API reference).
    if (
      !options.aliases &&
      (keyId.startsWith("alias/") || /^arn:[^:]+:kms:[^:]*:[^:]*:alias\//.test(keyId))
    ) {
      throw new AwsError("NotFoundException", `Invalid keyId ${keyId}`);
    }
    let keyArn: string | undefined;
    if (keyId.startsWith("arn:")) {
      const parsed = parseArn(keyId);
      if (parsed?.service === "kms" && parsed.resource.startsWith("alias/")) {
        keyArn = this.aliases.get(keyId);
        if (!keyArn) {
          throw new AwsError("NotFoundException", `Alias ${keyId} is not found.`);
        }
      } else if (parsed?.service === "kms" && parsed.resource.startsWith("key/")) {
        keyArn = keyId;
      } else {
        throw new AwsError("NotFoundException", `Invalid arn ${keyId}`);
      }
    } else if (keyId.startsWith("alias/")) {
      const aliasArn = `arn:aws:kms:${scope.region}:${scope.accountId}:${keyId}`;
      keyArn = this.aliases.get(aliasArn);
      if (!keyArn) {
        throw new AwsError("NotFoundException", `Alias ${aliasArn} is not found.`);
      }
    } else {
      keyArn = `arn:aws:kms:${scope.region}:${scope.accountId}:key/${keyId}`;
    }
    const key = this.keys.get(keyArn);
    if (!key) {
      throw new AwsError("NotFoundException", `Key '${keyArn}' does not exist`);
    }
    return key;
  }

  exportMaterial(): ExportedKeyMaterial[] {
    return [...this.keys.values()].map((key) => ({
      keyArn: key.arn,
      material: key.material.toString("base64"),
      creationDate: key.creationDate.toISOString(),
    }));
  }

  /**
   * Loads material saved by exportMaterial. Call it before putting the keys again: a key put later
   * takes its material from here instead of getting fresh material; a key already present is updated.
   */
  importMaterial(entries: readonly ExportedKeyMaterial[]): void {
    entries.forEach((entry, index) => {
      const material = Buffer.from(entry.material, "base64");
      const creationDate = new Date(entry.creationDate);
      if (material.length !== KEY_MATERIAL_BYTES) {
        throw new Error(
          `key material[${index}] (${entry.keyArn}): ${material.length} bytes, expected ${KEY_MATERIAL_BYTES}`,
        );
      }
      if (Number.isNaN(creationDate.getTime())) {
        throw new Error(
          `key material[${index}] (${entry.keyArn}).creationDate: "${entry.creationDate}" is not a date`,
        );
      }
      this.importedMaterial.set(entry.keyArn, { material, creationDate });
      const existing = this.keys.get(entry.keyArn);
      if (existing) {
        this.keys.set(entry.keyArn, { ...existing, material, creationDate });
      }
    });
  }
}
