/**
 * What DynamoDB does to a table whose customer managed key becomes unusable, from its documentation:
 * - the table becomes INACCESSIBLE_ENCRYPTION_CREDENTIALS, and SSEDescription.InaccessibleEncryptionDateTime
 *   tells "when DynamoDB detected that the table's AWS KMS key was inaccessible. This attribute will
 *   automatically be cleared when DynamoDB detects that the table's AWS KMS key is accessible again"
 *   (DynamoDB API reference, SSEDescription; TableDescription.TableStatus);
 * - "DynamoDB will initiate the table archival process when table's AWS KMS key remains inaccessible for
 *   more than seven days from this date": ARCHIVING, then ARCHIVED, with an ArchivalSummary whose
 *   ArchivalReason is INACCESSIBLE_ENCRYPTION_CREDENTIALS and whose ArchivalBackupArn is the on-demand
 *   backup made at archival (API reference, ArchivalSummary). An archived table comes back only by
 *   restoring that backup, so re-enabling the key does not bring it back.
 * AWS gives no duration for ARCHIVING; the sandbox's is an option (`archivingMs`).
 * The sandbox takes "detected" to be the moment the key stopped being usable (KeyRegistry.unusableSince).
 */
import { createHash } from "node:crypto";
import { DAY_MS, type Clock } from "../admin/clock";
import type { KeyView } from "../kms/keyRegistry";

export type TableStatus = "ACTIVE" | "INACCESSIBLE_ENCRYPTION_CREDENTIALS" | "ARCHIVING" | "ARCHIVED";

/** "more than seven days" (SSEDescription). */
export const ARCHIVAL_AFTER_MS = 7 * DAY_MS;
export const DEFAULT_ARCHIVING_MS = 60 * 60_000;

export interface TableAccess {
  readonly status: TableStatus;
  readonly inaccessibleSince?: Date;
  readonly archival?: { readonly date: Date; readonly backupArn: string };
  /** The key is deleted: what the table held can never be decrypted again. */
  readonly keyDeleted: boolean;
}

/** An archived table, as the sandbox persists it. */
export interface ArchivedTable {
  readonly tableName: string;
  /** ISO 8601. */
  readonly archivedAt: string;
  readonly backupArn: string;
}

export class TableLifecycle {
  private readonly archived = new Map<string, { date: Date; backupArn: string }>();

  constructor(
    private readonly clock: Clock,
    private readonly archivingMs: number = DEFAULT_ARCHIVING_MS,
  ) {}

  /** The table's status now, given its key as the key's owner describes it; records an archival. */
  observe(table: { readonly name: string; readonly arn: string }, key: KeyView): TableAccess {
    const now = this.clock.now();
    const keyDeleted = !key.exists;
    const since = key.exists ? key.unusableSince : key.deletedAt;
    const inaccessibleSince = since === undefined ? undefined : new Date(since);
    let archival = this.archived.get(table.name);
    if (archival === undefined && inaccessibleSince !== undefined) {
      const archivalTime = inaccessibleSince.getTime() + ARCHIVAL_AFTER_MS;
      if (now >= archivalTime) {
        archival = { date: new Date(archivalTime), backupArn: archivalBackupArn(table.arn, archivalTime) };
        this.archived.set(table.name, archival);
      }
    }
    if (archival !== undefined) {
      const status = now - archival.date.getTime() < this.archivingMs ? "ARCHIVING" : "ARCHIVED";
      return { status, inaccessibleSince, archival, keyDeleted };
    }
    if (inaccessibleSince !== undefined || keyDeleted) {
      return { status: "INACCESSIBLE_ENCRYPTION_CREDENTIALS", inaccessibleSince, keyDeleted };
    }
    return { status: "ACTIVE", keyDeleted };
  }

  /** A table deleted or created anew starts with no archival. */
  forget(tableName: string): void {
    this.archived.delete(tableName);
  }

  snapshot(): ArchivedTable[] {
    return [...this.archived].map(([tableName, entry]) => ({
      tableName,
      archivedAt: entry.date.toISOString(),
      backupArn: entry.backupArn,
    }));
  }

  restore(entries: readonly ArchivedTable[]): void {
    for (const entry of entries) {
      this.archived.set(entry.tableName, { date: new Date(entry.archivedAt), backupArn: entry.backupArn });
    }
  }
}

/** A backup ARN in DynamoDB's shape: TABLE_ARN/backup/<14-digit epoch ms>-<8 hex>. */
function archivalBackupArn(tableArn: string, time: number): string {
  const suffix = createHash("sha256").update(`${tableArn}@${time}`).digest("hex").slice(0, 8);
  return `${tableArn}/backup/${String(time).padStart(14, "0")}-${suffix}`;
}
