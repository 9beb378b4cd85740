/**
 * Reads what a data dir holds (state.json and its journal) field by field, so a file edited by hand, or
 * written by something else, is refused at start with one line naming the field (`apiGrants[3].operations[0]`)
 * instead of being served, or failing later with a TypeError. A value is shown only when it cannot be a
 * secret (a key state, a number), shortened; secret fields (key material, secret access keys, session
 * tokens, grant tokens) are named, never shown.
 */
import { GRANT_OPERATIONS } from "../kms/grants";
import type { PersistedGrant } from "../kms/grants";
import type { ExportedKeyMaterial, KeyRegistrySnapshot, PersistedKeyState } from "../kms/keyRegistry";
import { MAX_PENDING_WINDOW_DAYS, MIN_PENDING_WINDOW_DAYS } from "../kms/keyRegistry";
import type { ArchivedTable } from "../dynamodb/tableLifecycle";
import type { PersistedSession } from "../sts/sessions";
import type { Deployment } from "./deployment";
import type { AccessKey } from "./stack";

/** A field of the persisted state that is not what the sandbox wrote: its path and the problem. */
export class StateFieldError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = "StateFieldError";
  }
}

/** The key states KMS has for a symmetric key the sandbox serves ("Key states of AWS KMS keys"). */
const KEY_STATES = ["Enabled", "Disabled", "PendingDeletion"] as const;
/** Key material: 32 bytes (AES-256), base64. */
const KEY_MATERIAL_BYTES = 32;

export function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new StateFieldError(where, `expected an object, found ${kind(value)}`);
  }
  return value as Record<string, unknown>;
}

export function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new StateFieldError(where, `expected a list, found ${kind(value)}`);
  }
  return value;
}

/** A non-empty string; a secret one is never shown. */
export function text(
  value: unknown,
  where: string,
  options: { secret?: boolean; empty?: boolean } = {},
): string {
  if (typeof value !== "string" || (value === "" && options.empty !== true)) {
    throw new StateFieldError(
      where,
      options.secret === true
        ? "is not a non-empty string"
        : `expected a non-empty string, found ${kind(value)}`,
    );
  }
  return value;
}

function optionalText(value: unknown, where: string): string | undefined {
  return value === undefined ? undefined : text(value, where);
}

/** An ISO 8601 date-time string (as Date.prototype.toISOString writes). */
export function isoDate(value: unknown, where: string): string {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) {
    throw new StateFieldError(where, `expected an ISO 8601 date, found ${kind(value)}`);
  }
  if (Number.isNaN(Date.parse(value)) || new Date(value).toISOString().slice(0, 19) !== value.slice(0, 19)) {
    throw new StateFieldError(where, `${shown(value)} is not a date`);
  }
  return value;
}

function optionalDate(value: unknown, where: string): string | undefined {
  return value === undefined ? undefined : isoDate(value, where);
}

export function wholeNumber(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new StateFieldError(where, `${shown(value)} is not a whole number from ${min} to ${max}`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, where: string, values: readonly T[]): T {
  if (typeof value !== "string" || !(values as readonly string[]).includes(value)) {
    throw new StateFieldError(where, `${shown(value)} is not one of ${values.join(", ")}`);
  }
  return value as T;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  const map = object(value, where);
  for (const [key, entry] of Object.entries(map)) {
    text(entry, `${where}.${key}`, { empty: true });
  }
  return map as Record<string, string>;
}

/**
 * The deployment's shape: its deployer, its resources' identities and values as objects, its outputs.
 * What the values mean is the cloud model's to read (deploy/model.ts), which names the resource it cannot.
 */
export function deployment(value: unknown, where: string): Deployment {
  const fields = object(value, where);
  const deployer = object(fields.deployer, `${where}.deployer`);
  for (const name of ["accountId", "arn", "userId"]) {
    text(deployer[name], `${where}.deployer.${name}`);
  }
  if (fields.managementAccountId !== undefined) {
    text(fields.managementAccountId, `${where}.managementAccountId`);
  }
  array(fields.resources, `${where}.resources`).forEach((entry, index) => {
    const at = `${where}.resources[${index}]`;
    const resource = object(entry, at);
    text(resource.type, `${at}.type`);
    text(resource.urn, `${at}.urn`);
    for (const name of ["id", "parent"]) {
      if (resource[name] !== undefined) {
        text(resource[name], `${at}.${name}`, { empty: true });
      }
    }
    for (const name of ["inputs", "outputs"]) {
      if (resource[name] !== undefined) {
        object(resource[name], `${at}.${name}`);
      }
    }
  });
  object(fields.outputs, `${where}.outputs`);
  return value as Deployment;
}

export function keyMaterial(value: unknown, where: string): ExportedKeyMaterial[] {
  return array(value, where).map((entry, index) => {
    const at = `${where}[${index}]`;
    const fields = object(entry, at);
    const material = text(fields.material, `${at}.material`, { secret: true });
    if (
      !/^[A-Za-z0-9+/]*={0,2}$/.test(material) ||
      Buffer.from(material, "base64").length !== KEY_MATERIAL_BYTES
    ) {
      // Never shown: it decrypts everything the key sealed.
      throw new StateFieldError(
        `${at}.material`,
        `is not ${KEY_MATERIAL_BYTES} bytes of base64 key material`,
      );
    }
    return {
      keyArn: text(fields.keyArn, `${at}.keyArn`),
      material,
      creationDate: isoDate(fields.creationDate, `${at}.creationDate`),
    };
  });
}

export function keyState(value: unknown, where: string): PersistedKeyState {
  const fields = object(value, where);
  const state = oneOf(fields.state, `${where}.state`, KEY_STATES);
  const record: PersistedKeyState = {
    keyArn: text(fields.keyArn, `${where}.keyArn`),
    policy: text(fields.policy, `${where}.policy`),
    description: text(fields.description, `${where}.description`, { empty: true }),
    state,
    deletionDate: optionalDate(fields.deletionDate, `${where}.deletionDate`),
    pendingWindowInDays:
      fields.pendingWindowInDays === undefined
        ? undefined
        : wholeNumber(
            fields.pendingWindowInDays,
            `${where}.pendingWindowInDays`,
            MIN_PENDING_WINDOW_DAYS,
            MAX_PENDING_WINDOW_DAYS,
          ),
    unusableSince: optionalDate(fields.unusableSince, `${where}.unusableSince`),
    lastUsed: optionalDate(fields.lastUsed, `${where}.lastUsed`),
    usageTrackedSince: optionalDate(fields.usageTrackedSince, `${where}.usageTrackedSince`),
  };
  if (state === "PendingDeletion" && record.deletionDate === undefined) {
    throw new StateFieldError(`${where}.deletionDate`, "is missing for a key pending deletion");
  }
  return record;
}

export function keyRegistry(value: unknown, where: string): KeyRegistrySnapshot {
  const fields = object(value, where);
  return {
    keys: array(fields.keys, `${where}.keys`).map((entry, index) =>
      keyState(entry, `${where}.keys[${index}]`),
    ),
    aliases: array(fields.aliases, `${where}.aliases`).map((entry, index) => {
      const alias = object(entry, `${where}.aliases[${index}]`);
      return {
        aliasArn: text(alias.aliasArn, `${where}.aliases[${index}].aliasArn`),
        keyArn: text(alias.keyArn, `${where}.aliases[${index}].keyArn`),
      };
    }),
    deleted: array(fields.deleted, `${where}.deleted`).map((entry, index) => {
      const deleted = object(entry, `${where}.deleted[${index}]`);
      return {
        keyArn: text(deleted.keyArn, `${where}.deleted[${index}].keyArn`),
        deletedAt: isoDate(deleted.deletedAt, `${where}.deleted[${index}].deletedAt`),
      };
    }),
  };
}

export function accessKey(value: unknown, where: string): AccessKey {
  const fields = object(value, where);
  return {
    accessKeyId: text(fields.accessKeyId, `${where}.accessKeyId`),
    secretAccessKey: text(fields.secretAccessKey, `${where}.secretAccessKey`, { secret: true }),
  };
}

export function archivedTables(value: unknown, where: string): ArchivedTable[] {
  return array(value, where).map((entry, index) => {
    const at = `${where}[${index}]`;
    const fields = object(entry, at);
    return {
      tableName: text(fields.tableName, `${at}.tableName`),
      archivedAt: isoDate(fields.archivedAt, `${at}.archivedAt`),
      backupArn: text(fields.backupArn, `${at}.backupArn`),
    };
  });
}

/** A grant made with CreateGrant, as grants.ts persists it. */
export function apiGrant(value: unknown, where: string): PersistedGrant {
  const fields = object(value, where);
  const operations = array(fields.operations, `${where}.operations`).map((operation, index) =>
    oneOf(operation, `${where}.operations[${index}]`, GRANT_OPERATIONS),
  );
  if (operations.length === 0) {
    throw new StateFieldError(`${where}.operations`, "is empty");
  }
  let constraints: PersistedGrant["constraints"];
  if (fields.constraints !== undefined) {
    const raw = object(fields.constraints, `${where}.constraints`);
    constraints = {
      ...(raw.encryptionContextEquals !== undefined
        ? {
            encryptionContextEquals: stringMap(
              raw.encryptionContextEquals,
              `${where}.constraints.encryptionContextEquals`,
            ),
          }
        : {}),
      ...(raw.encryptionContextSubset !== undefined
        ? {
            encryptionContextSubset: stringMap(
              raw.encryptionContextSubset,
              `${where}.constraints.encryptionContextSubset`,
            ),
          }
        : {}),
    };
  }
  return {
    grantId: text(fields.grantId, `${where}.grantId`),
    grantToken: text(fields.grantToken, `${where}.grantToken`, { secret: true }),
    keyArn: text(fields.keyArn, `${where}.keyArn`),
    granteePrincipal: text(fields.granteePrincipal, `${where}.granteePrincipal`),
    retiringPrincipal: optionalText(fields.retiringPrincipal, `${where}.retiringPrincipal`),
    operations,
    ...(constraints !== undefined ? { constraints } : {}),
    name: text(fields.name, `${where}.name`, { empty: true }),
    issuingAccount: text(fields.issuingAccount, `${where}.issuingAccount`),
    creationDate: isoDate(fields.creationDate, `${where}.creationDate`),
    origin: oneOf(fields.origin, `${where}.origin`, ["api"] as const),
  };
}

/** A role session as sessions.ts persists it: its secrets are named, never shown. */
export function session(value: unknown, where: string): PersistedSession {
  const fields = object(value, where);
  const secret = { secret: true };
  return {
    accessKeyId: text(fields.accessKeyId, `${where}.accessKeyId`, secret),
    secretAccessKey: text(fields.secretAccessKey, `${where}.secretAccessKey`, secret),
    sessionToken: text(fields.sessionToken, `${where}.sessionToken`, secret),
    sessionArn: text(fields.sessionArn, `${where}.sessionArn`, secret),
    roleArn: text(fields.roleArn, `${where}.roleArn`, secret),
    assumedRoleId: text(fields.assumedRoleId, `${where}.assumedRoleId`, secret),
    accountId: text(fields.accountId, `${where}.accountId`, secret),
    expiration: isoDate(fields.expiration, `${where}.expiration`),
    // Session policies (AssumeRole Policy, PolicyArns): a session restored without them would be wider.
    ...(fields.policy === undefined ? {} : { policy: text(fields.policy, `${where}.policy`) }),
    ...(fields.policyArns === undefined
      ? {}
      : {
          policyArns: (Array.isArray(fields.policyArns) ? fields.policyArns : [fields.policyArns]).map(
            (arn: unknown, index: number) => text(arn, `${where}.policyArns[${index}]`),
          ),
        }),
    // Session tags and source identity (aws:PrincipalTag, aws:SourceIdentity): conditions read them.
    ...(fields.tags === undefined
      ? {}
      : {
          tags: Object.fromEntries(
            Object.entries(object(fields.tags, `${where}.tags`)).map(([key, tagValue]) => [
              key,
              text(tagValue, `${where}.tags.${key}`, { empty: true }),
            ]),
          ),
        }),
    ...(fields.transitiveTagKeys === undefined
      ? {}
      : {
          transitiveTagKeys: (Array.isArray(fields.transitiveTagKeys)
            ? fields.transitiveTagKeys
            : [fields.transitiveTagKeys]
          ).map((key: unknown, index: number) => text(key, `${where}.transitiveTagKeys[${index}]`)),
        }),
    ...(fields.sourceIdentity === undefined
      ? {}
      : { sourceIdentity: text(fields.sourceIdentity, `${where}.sourceIdentity`) }),
  };
}

/** How far the clock was advanced, in ms: whole, not negative, within what a Date can add. */
export function clockAdvance(value: unknown, where: string): number {
  return wholeNumber(value, where, 0, 8.64e15);
}

/** What a value is, for a message: a short literal for a number, boolean or short string, else its kind. */
function kind(value: unknown): string {
  if (value === undefined) {
    return "nothing";
  }
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "a list";
  }
  if (typeof value === "object") {
    return "an object";
  }
  return `${typeof value === "string" ? "the string " : ""}${shown(value)}`;
}

function shown(value: unknown): string {
  const literal = JSON.stringify(value) ?? String(value);
  return literal.length <= 60 ? literal : `${literal.slice(0, 59)}…`;
}
