/**
 * A table's settings changed at run time (UpdateTable's key and deletion protection,
 * UpdateContinuousBackups' point-in-time recovery, Put/DeleteResourcePolicy), made durable before they
 * take effect: each change is the table's whole settings, journaled in the data dir (dataDirStore.ts) by
 * the stack's `tableJournal`, and applied only once that returned; a change that cannot be stored throws
 * DurabilityError and is in force neither now nor after a restart. A restart applies the stored settings
 * over the deployment's tables; the next deployment puts the tables back as its plan declares them.
 */
import { stableGrantId } from "../kms/grants";
import type { TablePolicy } from "../iam/tableResourcePolicies";
import type { CloudTable } from "./model";
import { tableKeyGrant, type LiveStack } from "./stack";
import * as validate from "./stateValidation";

/** A table's settings as the data dir keeps them: null for a setting that is off (or the AWS owned key). */
export interface PersistedTableSettings {
  readonly name: string;
  readonly keyArn: string | null;
  readonly deletionProtection: boolean;
  readonly pointInTimeRecovery: { readonly recoveryPeriodInDays: number; readonly enabledAt?: number } | null;
  readonly resourcePolicy: TablePolicy | null;
}

/** Stores a table's new settings (throws DurabilityError when it cannot); absent in memory. */
export type TableSettingsJournal = (settings: PersistedTableSettings) => void;

/** The settings a table has now. */
export function tableSettingsOf(table: CloudTable): PersistedTableSettings {
  return {
    name: table.name,
    keyArn: table.keyArn ?? null,
    deletionProtection: table.deletionProtection,
    pointInTimeRecovery: table.pointInTimeRecovery ?? null,
    resourcePolicy: table.resourcePolicy ?? null,
  };
}

/**
 * Changes a table's settings: the whole new settings journaled first (stack.tableJournal), then applied.
 * Throws DurabilityError, the table as it was, when they cannot be stored.
 */
export function changeTableSettings(
  stack: LiveStack,
  table: CloudTable,
  change: Partial<Omit<PersistedTableSettings, "name">>,
): void {
  const next = { ...tableSettingsOf(table), ...change };
  stack.tableJournal?.(next);
  applyTableSettings(stack, table, next);
}

/**
 * Gives `table` the settings: a new key moves DynamoDB's grant for the table to it (KMS Developer Guide,
 * "How Amazon DynamoDB uses AWS KMS", Using grants), as UpdateTable does.
 */
export function applyTableSettings(
  stack: LiveStack,
  table: CloudTable,
  settings: PersistedTableSettings,
): void {
  const keyArn = settings.keyArn ?? undefined;
  if (keyArn !== table.keyArn) {
    if (table.keyArn !== undefined) {
      stack.grants.delete(stableGrantId("dynamodb", table.arn, table.keyArn));
    }
    if (keyArn !== undefined) {
      stack.grants.put(tableKeyGrant(stack.model, table, keyArn).grant);
    }
    table.keyArn = keyArn;
  }
  table.deletionProtection = settings.deletionProtection;
  table.pointInTimeRecovery = settings.pointInTimeRecovery ?? undefined;
  table.resourcePolicy = settings.resourcePolicy ?? undefined;
}

/** One table's stored settings, checked field by field (a corrupt data dir names the field). */
export function validTableSettings(value: unknown, where: string): PersistedTableSettings {
  const fields = validate.object(value, where);
  const nullable = <T>(name: string, read: (entry: unknown, at: string) => T): T | null =>
    fields[name] === null ? null : read(fields[name], `${where}.${name}`);
  if (typeof fields.deletionProtection !== "boolean") {
    throw new validate.StateFieldError(`${where}.deletionProtection`, "expected true or false");
  }
  return {
    name: validate.text(fields.name, `${where}.name`),
    keyArn: nullable("keyArn", (entry, at) => validate.text(entry, at)),
    deletionProtection: fields.deletionProtection,
    pointInTimeRecovery: nullable("pointInTimeRecovery", (entry, at) => {
      const recovery = validate.object(entry, at);
      return {
        recoveryPeriodInDays: validate.wholeNumber(
          recovery.recoveryPeriodInDays,
          `${at}.recoveryPeriodInDays`,
          1,
          35,
        ),
        ...(recovery.enabledAt === undefined
          ? {}
          : {
              enabledAt: validate.wholeNumber(
                recovery.enabledAt,
                `${at}.enabledAt`,
                0,
                Number.MAX_SAFE_INTEGER,
              ),
            }),
      };
    }),
    resourcePolicy: nullable("resourcePolicy", (entry, at) => {
      const policy = validate.object(entry, at);
      return {
        document: validate.text(policy.document, `${at}.document`),
        revisionId: validate.text(policy.revisionId, `${at}.revisionId`),
      };
    }),
  };
}
