/**
 * The one owner of every KMS key's state in the sandbox: its policy, its key state (Enabled, Disabled,
 * PendingDeletion), its deletion date and waiting period, when it stopped being usable, its material and
 * its aliases. Everything else asks it: the Authorizer reads policy and state through `keyForDecision`
 * (the KeySource interface), KmsService and the key-state operations change it, DynamoDB reads `describe`
 * for its table status, the sandbox persists `snapshot()`, and the plan engine can read `describe(keyArn)`
 * to see changes made through the API outside the program (drift).
 *
 * Time comes from the sandbox's clock: a key PendingDeletion is deleted once its DeletionDate passes
 * (KMS API reference, ScheduleKeyDeletion: "After the waiting period ends, KMS deletes the KMS key"), and
 * its material with it, so nothing it encrypted can be decrypted again.
 */
import { AwsError } from "../errors";
import { parsePolicyDocument, type KeySource, type KeyState, type PolicyDocument } from "../iam";
import { parseArn } from "../iam/arn";
import { DAY_MS, type Clock } from "../admin/clock";

import { KEY_MATERIAL_BYTES, newKeyMaterial } from "./ciphertext";

/** An hour, in milliseconds: how late KMS's record of a key's last use may be. */
const HOUR_MS = 3_600_000;

/** A key's last use (ms since the epoch) and when it was last made durable (-Infinity: not yet). */
interface KeyUse {
  at: number;
  durableAt: number;
}

export interface KmsKeyRecord {
  readonly arn: string;
  readonly keyId: string;
  readonly accountId: string;
  readonly region: string;
  /** The key policy exactly as set (GetKeyPolicy returns it). */
  readonly policyText: string;
  readonly policy: PolicyDocument;
  readonly description: string;
  readonly state: KeyState;
  readonly creationDate: Date;
  /** Set when state is PendingDeletion. */
  readonly deletionDate?: Date;
  /** Set when state is PendingDeletion: the waiting period ScheduleKeyDeletion was given. */
  readonly pendingWindowInDays?: number;
  /** When the key last stopped being usable (Disabled or PendingDeletion); unset while Enabled. */
  readonly unusableSince?: Date;
  /** Since when its use is recorded: its creation, or when a data dir of an older sandbox was restored. */
  readonly usageTrackedSince: Date;
  readonly material: Buffer;
  /** Bumped at every change of policy or state: decision caches key on it. */
  readonly version: number;
}

/** A key as a deployment or a test defines it. */
export interface KeyDefinition {
  /** arn:aws:kms:REGION:ACCOUNT:key/KEY_ID */
  readonly arn: string;
  /** The key policy, as JSON text (kept as is for GetKeyPolicy) or parsed. */
  readonly policy: string | PolicyDocument;
  readonly description?: string;
  /** Default "Enabled". */
  readonly state?: KeyState;
  /** For PendingDeletion: the waiting period, 7-30 days (default 30). */
  readonly pendingWindowInDays?: number;
  /** For PendingDeletion: the deletion date (default: now plus the waiting period). */
  readonly deletionDate?: Date;
}

/** What the cloud holds for a key: the face the plan engine reads to find drift. */
export type KeyView =
  | {
      readonly keyArn: string;
      readonly exists: true;
      readonly keyState: KeyState;
      /** isEnabled as Pulumi's aws.kms.Key reads it. */
      readonly enabled: boolean;
      readonly policy: string;
      readonly description: string;
      readonly deletionDate?: string;
      readonly pendingWindowInDays?: number;
      readonly unusableSince?: string;
    }
  | { readonly keyArn: string; readonly exists: false; readonly deletedAt?: string };

/** Key material in a form that can be written to disk (mode 0600: it decrypts everything). */
export interface ExportedKeyMaterial {
  readonly keyArn: string;
  /** 32 bytes, base64. */
  readonly material: string;
  /** ISO 8601; DescribeKey's CreationDate survives a restart with it. */
  readonly creationDate: string;
}

/** A key's state as persisted beside its material (state.json). */
export interface PersistedKeyState {
  readonly keyArn: string;
  readonly policy: string;
  readonly description: string;
  readonly state: KeyState;
  readonly deletionDate?: string;
  readonly pendingWindowInDays?: number;
  readonly unusableSince?: string;
  /** Its last successful cryptographic operation, as last made durable (recordUse). */
  readonly lastUsed?: string;
  /** Since when its use is recorded; absent in a data dir of an older sandbox (tracked from its restore). */
  readonly usageTrackedSince?: string;
}

export interface KeyRegistrySnapshot {
  readonly keys: PersistedKeyState[];
  readonly aliases: { readonly aliasArn: string; readonly keyArn: string }[];
  /** Keys whose waiting period ended: gone, with their material. */
  readonly deleted: { readonly keyArn: string; readonly deletedAt: string }[];
}

/** Who asks, for resolving bare key ids and alias names, which KMS looks up in the caller's account and region. */
export interface CallerScope {
  readonly accountId: string;
  readonly region: string;
}

/** ScheduleKeyDeletion's PendingWindowInDays: 7 to 30, default 30 (KMS API reference). */
export const MIN_PENDING_WINDOW_DAYS = 7;
export const MAX_PENDING_WINDOW_DAYS = 30;
export const DEFAULT_PENDING_WINDOW_DAYS = 30;

const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

export class KeyRegistry implements KeySource {
  private readonly keys = new Map<string, KmsKeyRecord>();
  private readonly aliases = new Map<string, string>();
  private readonly importedMaterial = new Map<string, { material: Buffer; creationDate: Date }>();
  private readonly deleted = new Map<string, Date>();
  private nextVersion = 1;
  /**
   * Makes a change through the key-state API (setPolicy, setState, scheduleDeletion) durable before it
   * counts: called with the key's new state; when it throws, the key stays as it was.
   */
  journal: ((key: PersistedKeyState) => void) | undefined;

  constructor(private readonly clock: Clock = SYSTEM_CLOCK) {}

  /** The sandbox's clock, epoch milliseconds: the time of the requests the authorizer decides. */
  now(): number {
    return this.clock.now();
  }

  /** Adds or replaces a key, keeping its material (and creation date) if it already has some. */
  put(definition: KeyDefinition): KmsKeyRecord {
    const parsed = parseArn(definition.arn);
    const keyId = parsed?.resource.startsWith("key/") ? parsed.resource.slice("key/".length) : "";
    if (!parsed || parsed.service !== "kms" || !keyId || !/^\d{12}$/.test(parsed.accountId)) {
      throw new Error(
        `key arn: "${definition.arn}" is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY_ID)`,
      );
    }
    const existing = this.keys.get(definition.arn);
    const saved = existing ?? this.importedMaterial.get(definition.arn);
    const state = definition.state ?? "Enabled";
    const policyText =
      typeof definition.policy === "string" ? definition.policy : JSON.stringify(definition.policy);
    const pendingWindowInDays =
      state === "PendingDeletion"
        ? (definition.pendingWindowInDays ?? DEFAULT_PENDING_WINDOW_DAYS)
        : undefined;
    const record: KmsKeyRecord = {
      arn: definition.arn,
      keyId,
      accountId: parsed.accountId,
      region: parsed.region,
      policyText,
      policy: parsePolicyDocument(
        definition.policy,
        `key ${definition.arn} policy`,
        "MalformedPolicyDocumentException",
      ),
      description: definition.description ?? "",
      state,
      pendingWindowInDays,
      deletionDate:
        pendingWindowInDays === undefined
          ? undefined
          : (definition.deletionDate ??
            existing?.deletionDate ??
            new Date(this.clock.now() + pendingWindowInDays * DAY_MS)),
      unusableSince: this.unusableSince(existing, state),
      material: saved?.material ?? newKeyMaterial(),
      creationDate: saved?.creationDate ?? new Date(this.clock.now()),
      usageTrackedSince: existing?.usageTrackedSince ?? saved?.creationDate ?? new Date(this.clock.now()),
      version: this.nextVersion++,
    };
    this.keys.set(record.arn, record);
    this.deleted.delete(record.arn);
    return record;
  }

  /** Forgets a key at once (a test's or a restore's business; KMS itself deletes only after a window). */
  delete(keyArn: string): void {
    this.keys.delete(keyArn);
    this.uses.delete(keyArn);
  }

  get(keyArn: string): KmsKeyRecord | undefined {
    this.settle();
    return this.keys.get(keyArn);
  }

  /** The Authorizer's view (KeySource): policy, state and version of a key that exists. */
  keyForDecision(keyArn: string): KmsKeyRecord | undefined {
    return this.get(keyArn);
  }

  /** What the cloud holds for a key, for DynamoDB's table status and for drift. */
  describe(keyArn: string): KeyView {
    const key = this.get(keyArn);
    if (key === undefined) {
      const deletedAt = this.deleted.get(keyArn);
      return { keyArn, exists: false, ...(deletedAt ? { deletedAt: deletedAt.toISOString() } : {}) };
    }
    return {
      keyArn,
      exists: true,
      keyState: key.state,
      enabled: key.state === "Enabled",
      policy: key.policyText,
      description: key.description,
      ...(key.deletionDate ? { deletionDate: key.deletionDate.toISOString() } : {}),
      ...(key.pendingWindowInDays ? { pendingWindowInDays: key.pendingWindowInDays } : {}),
      ...(key.unusableSince ? { unusableSince: key.unusableSince.toISOString() } : {}),
    };
  }

  /** Every key the registry holds or deleted, by ARN. */
  keyArns(): string[] {
    this.settle();
    return [...this.keys.keys(), ...this.deleted.keys()];
  }

  /** PutKeyPolicy: the new policy takes effect for the very next decision. */
  setPolicy(keyArn: string, policy: string): KmsKeyRecord {
    return this.update(keyArn, {
      policyText: policy,
      policy: parsePolicyDocument(policy, `key ${keyArn} policy`, "MalformedPolicyDocumentException"),
    });
  }

  /** EnableKey / DisableKey, or CancelKeyDeletion (which leaves the key Disabled). */
  setState(keyArn: string, state: "Enabled" | "Disabled"): KmsKeyRecord {
    const key = this.require(keyArn);
    return this.update(keyArn, {
      state,
      deletionDate: undefined,
      pendingWindowInDays: undefined,
      unusableSince: this.unusableSince(key, state),
    });
  }

  /** ScheduleKeyDeletion: PendingDeletion until now plus the waiting period. */
  scheduleDeletion(keyArn: string, pendingWindowInDays: number): KmsKeyRecord {
    const key = this.require(keyArn);
    return this.update(keyArn, {
      state: "PendingDeletion",
      pendingWindowInDays,
      deletionDate: new Date(this.clock.now() + pendingWindowInDays * DAY_MS),
      unusableSince: this.unusableSince(key, "PendingDeletion"),
    });
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

  /** Every alias of an account and region: its ARN and the key it points at, sorted by ARN. */
  aliasesIn(scope: CallerScope): { readonly aliasArn: string; readonly keyArn: string }[] {
    const prefix = `arn:aws:kms:${scope.region}:${scope.accountId}:alias/`;
    return [...this.aliases]
      .filter(([aliasArn]) => aliasArn.startsWith(prefix))
      .map(([aliasArn, keyArn]) => ({ aliasArn, keyArn }))
      .sort((a, b) => (a.aliasArn < b.aliasArn ? -1 : 1));
  }

  /** The alias ARNs that point at a key. */
  aliasesOf(keyArn: string): string[] {
    return [...this.aliases].filter(([, target]) => target === keyArn).map(([alias]) => alias);
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
    const key = this.get(keyArn);
    if (!key) {
      throw new AwsError("NotFoundException", `Key '${keyArn}' does not exist`);
    }
    return key;
  }

  exportMaterial(): ExportedKeyMaterial[] {
    this.settle();
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

  /**
   * Remembers every key, alias and deletion as they are now; the function returned puts them back. A
   * deployment changes keys before it is durable, and a deployment that cannot be stored is undone.
   * Records are replaced, never mutated (update()), so copies of the maps are the whole state.
   */
  capture(): () => void {
    const keys = new Map(this.keys);
    const aliases = new Map(this.aliases);
    const importedMaterial = new Map(this.importedMaterial);
    const deleted = new Map(this.deleted);
    // A use's entry changes in place (recordUse): copied, not shared.
    const uses = new Map([...this.uses].map(([arn, use]) => [arn, { ...use }]));
    return () => {
      for (const [live, saved] of [
        [this.keys, keys],
        [this.aliases, aliases],
        [this.importedMaterial, importedMaterial],
        [this.deleted, deleted],
        [this.uses, uses],
      ] as [Map<string, unknown>, Map<string, unknown>][]) {
        live.clear();
        saved.forEach((value, key) => live.set(key, value));
      }
    };
  }

  /** Every key's state, alias and deletion, to persist beside exportMaterial(). */
  snapshot(): KeyRegistrySnapshot {
    this.settle();
    return {
      keys: [...this.keys.values()].map((key) => persistedKeyState(key, this.uses.get(key.arn)?.at)),
      aliases: [...this.aliases].map(([aliasArn, keyArn]) => ({ aliasArn, keyArn })),
      deleted: [...this.deleted].map(([keyArn, at]) => ({ keyArn, deletedAt: at.toISOString() })),
    };
  }

  /** Restores what snapshot() saved; call after importMaterial so the keys get their old material. */
  restore(snapshot: KeyRegistrySnapshot): void {
    for (const saved of snapshot.keys) {
      const record = this.put({
        arn: saved.keyArn,
        policy: saved.policy,
        description: saved.description,
        state: saved.state,
        pendingWindowInDays: saved.pendingWindowInDays,
        deletionDate: saved.deletionDate === undefined ? undefined : new Date(saved.deletionDate),
      });
      this.keys.set(record.arn, {
        ...record,
        unusableSince: saved.unusableSince === undefined ? undefined : new Date(saved.unusableSince),
        // A data dir of a sandbox that kept no use: tracked from now on, as KMS's TrackingStartDate.
        usageTrackedSince:
          saved.usageTrackedSince === undefined
            ? new Date(this.clock.now())
            : new Date(saved.usageTrackedSince),
      });
      if (saved.lastUsed !== undefined) {
        const at = new Date(saved.lastUsed).getTime();
        this.uses.set(record.arn, { at, durableAt: at });
      } else {
        this.uses.delete(record.arn);
      }
    }
    for (const alias of snapshot.aliases) {
      this.aliases.set(alias.aliasArn, alias.keyArn);
    }
    for (const entry of snapshot.deleted) {
      this.deleted.set(entry.keyArn, new Date(entry.deletedAt));
    }
  }

  /**
   * Each key's last use and when it was last made durable (recordUse), apart from the key's record: an
   * entry is made at a key's first use and changed in place after, so a use allocates nothing.
   */
  private readonly uses = new Map<string, KeyUse>();

  /**
   * Records a successful cryptographic operation with the key (KMS API reference, GetKeyLastUsage: "the
   * last successful cryptographic operation performed with a specified KMS key"). In memory at once; made
   * durable (the journal) when an hour has passed since it last was, as KMS's own record "may be delayed
   * by up to 1 hour" (KMS Developer Guide, "Determine past usage of a KMS key"), so a key in steady use
   * costs one write an hour, not one a request. A write that fails is tried again at the next use.
   */
  recordUse(keyArn: string): void {
    const now = this.clock.now();
    let use = this.uses.get(keyArn);
    if (use === undefined) {
      if (!this.keys.has(keyArn)) {
        return;
      }
      use = { at: now, durableAt: Number.NEGATIVE_INFINITY };
      this.uses.set(keyArn, use);
    }
    use.at = now;
    if (now - use.durableAt >= HOUR_MS) {
      const key = this.keys.get(keyArn);
      if (key === undefined) {
        return;
      }
      try {
        this.journal?.(persistedKeyState(key, now));
        use.durableAt = now;
      } catch {
        // Kept in memory; the next use writes it again (the operation itself succeeded).
      }
    }
  }

  /**
   * kms:TrailingDaysWithoutKeyUsage of a key: whole days (rounded down) since its last successful
   * cryptographic operation, or, never used, since its use was first tracked (its creation).
   */
  trailingDaysWithoutUsage(keyArn: string): number {
    const key = this.require(keyArn);
    const since = this.uses.get(keyArn)?.at ?? key.usageTrackedSince.getTime();
    return Math.max(0, Math.floor((this.clock.now() - since) / DAY_MS));
  }

  /** Deletes the keys whose waiting period has ended, material and aliases with them. */
  private settle(): void {
    const now = this.clock.now();
    for (const key of this.keys.values()) {
      if (key.state === "PendingDeletion" && key.deletionDate && key.deletionDate.getTime() <= now) {
        this.keys.delete(key.arn);
        this.uses.delete(key.arn);
        this.importedMaterial.delete(key.arn);
        this.deleted.set(key.arn, key.deletionDate);
        for (const alias of this.aliasesOf(key.arn)) {
          this.aliases.delete(alias);
        }
      }
    }
  }

  private require(keyArn: string): KmsKeyRecord {
    const key = this.get(keyArn);
    if (!key) {
      throw new AwsError("NotFoundException", `Key '${keyArn}' does not exist`);
    }
    return key;
  }

  private update(keyArn: string, change: Partial<KmsKeyRecord>): KmsKeyRecord {
    const record = { ...this.require(keyArn), ...change, version: this.nextVersion };
    this.journal?.(persistedKeyState(record, this.uses.get(keyArn)?.at));
    this.nextVersion++;
    this.keys.set(keyArn, record);
    return record;
  }

  /** Keeps the first moment a key stopped being usable while it stays unusable. */
  private unusableSince(existing: KmsKeyRecord | undefined, state: KeyState): Date | undefined {
    if (state === "Enabled") {
      return undefined;
    }
    return existing?.unusableSince ?? new Date(this.clock.now());
  }
}

/** A key's live state as the data dir holds it (its material is persisted apart: exportMaterial). */
function persistedKeyState(key: KmsKeyRecord, lastUsed: number | undefined): PersistedKeyState {
  return {
    keyArn: key.arn,
    policy: key.policyText,
    description: key.description,
    state: key.state,
    ...(key.deletionDate ? { deletionDate: key.deletionDate.toISOString() } : {}),
    ...(key.pendingWindowInDays ? { pendingWindowInDays: key.pendingWindowInDays } : {}),
    ...(key.unusableSince ? { unusableSince: key.unusableSince.toISOString() } : {}),
    ...(lastUsed === undefined ? {} : { lastUsed: new Date(lastUsed).toISOString() }),
    usageTrackedSince: key.usageTrackedSince.toISOString(),
  };
}
