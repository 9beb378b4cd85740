/**
 * Drills on the key's state, as its administrator (the deploying identity) does them with the KMS API:
 * disable it (every user stopped by KMS, the table INACCESSIBLE_ENCRYPTION_CREDENTIALS), enable it (all
 * back), schedule its deletion with the shortest window and cancel it (the key comes back Disabled and
 * must be enabled). Times on AWS, from the docs: DynamoDB sees a key change when it next calls KMS
 * (within 5 minutes on an open connection, "How Amazon DynamoDB uses AWS KMS"); a table whose key stays
 * unusable more than 7 days is archived (DynamoDB API reference, SSEDescription); a scheduled deletion
 * waits 7-30 days and can be cancelled until then (KMS API reference, ScheduleKeyDeletion).
 */
import {
  CancelKeyDeletionCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { DAY_MS } from "../../sandbox/admin/clock";
import { DEFAULT_TABLE_KEY_CACHE_MS } from "../../sandbox/dynamodb/tableKeyCache";
import { ARCHIVAL_AFTER_MS } from "../../sandbox/dynamodb/tableLifecycle";
import { MIN_PENDING_WINDOW_DAYS } from "../../sandbox/kms/keyRegistry";
import {
  checkPhase,
  describeTable,
  duration,
  keyAdministrator,
  tableLine,
  type DrillContext,
} from "./context";

export async function disableDrill(context: DrillContext): Promise<void> {
  await context.step("Drill: disable the key (DisableKey, as the key administrator)", async (notes) => {
    const { sandbox, say } = context;
    const outputs = sandbox.outputs();
    const kms = keyAdministrator(sandbox, outputs.region);
    try {
      await kms.send(new DisableKeyCommand({ KeyId: outputs.keyArn }));
      // Let every cached table key expire, as DynamoDB's next KMS call would see the key disabled.
      await sandbox.advanceClock(DEFAULT_TABLE_KEY_CACHE_MS);
      const table = await describeTable(context);
      say(notes, tableLine(table));
      const checks = await checkPhase(context, notes, "drill-disable", false);
      say(
        notes,
        `on AWS: at once for new connections, within ${duration(DEFAULT_TABLE_KEY_CACHE_MS)} on open ones; ` +
          `archived if the key stays unusable more than ${duration(ARCHIVAL_AFTER_MS)}`,
      );
      return (
        checks.ok &&
        table.TableStatus === "INACCESSIBLE_ENCRYPTION_CREDENTIALS" &&
        table.SSEDescription?.InaccessibleEncryptionDateTime !== undefined
      );
    } finally {
      kms.destroy();
    }
  });
}

export async function enableDrill(context: DrillContext): Promise<void> {
  await context.step("Drill: enable the key again (EnableKey)", async (notes) => {
    const { sandbox, say } = context;
    const outputs = sandbox.outputs();
    const kms = keyAdministrator(sandbox, outputs.region);
    try {
      await kms.send(new EnableKeyCommand({ KeyId: outputs.keyArn }));
      const table = await describeTable(context);
      say(notes, tableLine(table));
      const checks = await checkPhase(context, notes, "drill-enable", true);
      const seed = await context.seedReadable();
      say(
        notes,
        seed ? "the item written before the grant reads back" : "the item written before the grant is GONE",
      );
      say(notes, "on AWS: seconds for the key; the table is ACTIVE again once DynamoDB reaches the key");
      return checks.ok && seed && table.TableStatus === "ACTIVE";
    } finally {
      kms.destroy();
    }
  });
}

export async function deletionDrill(context: DrillContext): Promise<void> {
  const window = MIN_PENDING_WINDOW_DAYS;
  await context.step(
    `Drill: schedule the key's deletion (${window}-day window), day 6 of ${window}`,
    async (notes) => {
      const { sandbox, say } = context;
      const outputs = sandbox.outputs();
      const kms = keyAdministrator(sandbox, outputs.region);
      try {
        const scheduled = await kms.send(
          new ScheduleKeyDeletionCommand({ KeyId: outputs.keyArn, PendingWindowInDays: window }),
        );
        say(
          notes,
          `${scheduled.KeyState ?? "?"}: the key is deleted on ${scheduled.DeletionDate?.toISOString() ?? "?"}`,
        );
        await sandbox.advanceClock(6 * DAY_MS);
        const table = await describeTable(context);
        say(notes, `after 6 simulated days: ${tableLine(table)}`);
        const checks = await checkPhase(context, notes, "drill-schedule-deletion", false);
        say(
          notes,
          `on AWS: ${window} to 30 days of waiting; after the DeletionDate the key and every item it protects are gone for good`,
        );
        return (
          checks.ok &&
          scheduled.KeyState === "PendingDeletion" &&
          table.TableStatus === "INACCESSIBLE_ENCRYPTION_CREDENTIALS"
        );
      } finally {
        kms.destroy();
      }
    },
  );

  await context.step("Drill: cancel the deletion (CancelKeyDeletion, then EnableKey)", async (notes) => {
    const { sandbox, say } = context;
    const outputs = sandbox.outputs();
    const kms = keyAdministrator(sandbox, outputs.region);
    try {
      await kms.send(new CancelKeyDeletionCommand({ KeyId: outputs.keyArn }));
      const cancelled = await kms.send(new DescribeKeyCommand({ KeyId: outputs.keyArn }));
      // CancelKeyDeletion leaves the key Disabled (KMS API reference): it must be enabled again.
      say(notes, `after CancelKeyDeletion the key is ${cancelled.KeyMetadata?.KeyState ?? "?"}; enabling it`);
      await kms.send(new EnableKeyCommand({ KeyId: outputs.keyArn }));
      const table = await describeTable(context);
      say(notes, tableLine(table));
      const checks = await checkPhase(context, notes, "drill-cancel-deletion", true);
      const seed = await context.seedReadable();
      say(
        notes,
        seed ? "the item written before the grant reads back" : "the item written before the grant is GONE",
      );
      say(notes, "on AWS: seconds; possible any time before the DeletionDate, never after");
      return (
        checks.ok && seed && cancelled.KeyMetadata?.KeyState === "Disabled" && table.TableStatus === "ACTIVE"
      );
    } finally {
      kms.destroy();
    }
  });
}
