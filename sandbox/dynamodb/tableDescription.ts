/**
 * What DynamoDB's DescribeTable says that dynalite's does not: dynalite accepts SSESpecification and drops
 * it (docs/fieldNotes.md). DynamoDB describes a table on a customer-managed key with SSEDescription (and
 * InaccessibleEncryptionDateTime while its key cannot be used), its status and ArchivalSummary as
 * tableLifecycle.ts models them (API reference, TableDescription, SSEDescription, ArchivalSummary), and
 * its deletion protection.
 */
import type { OperationContext } from "./operations";

/** Completes dynalite's DescribeTable answer in place. */
export function describeTableAnswer(result: Record<string, unknown>, context: OperationContext): void {
  const description = result.Table as Record<string, unknown> | undefined;
  const table =
    typeof description?.TableName === "string" ? context.stack.table(description.TableName) : undefined;
  if (description === undefined || table === undefined) {
    return;
  }
  description.DeletionProtectionEnabled = table.deletionProtection;
  const access = context.tableAccess(table.name);
  if (table.keyArn === undefined || access === undefined) {
    return;
  }
  // JSON 1.0 timestamps are epoch seconds.
  description.SSEDescription = {
    Status: "ENABLED",
    SSEType: "KMS",
    KMSMasterKeyArn: table.keyArn,
    ...(access.inaccessibleSince && access.archival === undefined
      ? { InaccessibleEncryptionDateTime: access.inaccessibleSince.getTime() / 1000 }
      : {}),
  };
  description.TableStatus = access.status;
  if (access.archival !== undefined) {
    description.ArchivalSummary = {
      ArchivalDateTime: access.archival.date.getTime() / 1000,
      ArchivalReason: "INACCESSIBLE_ENCRYPTION_CREDENTIALS",
      ArchivalBackupArn: access.archival.backupArn,
    };
  }
}
