/**
 * DescribeContinuousBackups, which dynalite lacks: a table's continuous backups and point-in-time recovery
 * as the stack deployed them (aws.dynamodb.Table `pointInTimeRecovery`). DynamoDB API reference,
 * DescribeContinuousBackups, ContinuousBackupsDescription and PointInTimeRecoveryDescription
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeContinuousBackups.html):
 * - "Continuous backups are ENABLED on all tables at table creation": ContinuousBackupsStatus is ENABLED;
 * - "If point in time recovery is enabled, PointInTimeRecoveryStatus will be set to ENABLED", with
 *   RecoveryPeriodInDays (1-35), EarliestRestorableDateTime ("You can restore your table to any point in
 *   time during the last" RecoveryPeriodInDays) and LatestRestorableDateTime ("typically 5 minutes before
 *   the current time"), on the sandbox's clock. Recovery begins when the table was created, or when
 *   UpdateContinuousBackups enabled it.
 * - TableName is a table name or the table's ARN; a table that does not exist is TableNotFoundException.
 *
 * UpdateContinuousBackups, the same table's point-in-time recovery turned on or off (API reference,
 * UpdateContinuousBackups and PointInTimeRecoverySpecification,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateContinuousBackups.html): "A
 * successful UpdateContinuousBackups call returns the current ContinuousBackupsDescription";
 * PointInTimeRecoveryEnabled is required; RecoveryPeriodInDays is 1 to 35, "If no value is provided, the
 * value will default to 35". A table that is already recovering keeps its restorable window when only its
 * period changes. A change is made only once durable in the data dir (deploy/tableSettings.ts), so it
 * outlives a restart; it lasts until the next deployment, which puts the table back as the plan declares it.
 */
import { DAY_MS, MINUTE_MS } from "../admin/clock";
import { changeTableSettings } from "../deploy/tableSettings";
import { AwsError } from "../errors";
import type { ValidationRules } from "./engine";
import type { OperationContext } from "./operations";

/** TableName: 1 to 1,024 characters, a name or an ARN (API reference, DescribeContinuousBackups). */
export const DESCRIBE_CONTINUOUS_BACKUPS_RULES: ValidationRules = {
  types: {
    TableName: { type: "String", required: true, lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 1024 },
  },
};

/** PointInTimeRecoverySpecification (API reference, UpdateContinuousBackups). */
export const UPDATE_CONTINUOUS_BACKUPS_RULES: ValidationRules = {
  types: {
    TableName: { type: "String", required: true, lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 1024 },
    PointInTimeRecoverySpecification: {
      type: "FieldStruct<PointInTimeRecoverySpecification>",
      required: true,
      children: {
        PointInTimeRecoveryEnabled: { type: "Boolean", notNull: true },
        RecoveryPeriodInDays: { type: "Integer", greaterThanOrEqual: 1, lessThanOrEqual: 35 },
      },
    },
  },
};

const LATEST_RESTORABLE_LAG_MS = 5 * MINUTE_MS;
/** RecoveryPeriodInDays when none is given (PointInTimeRecoverySpecification). */
const DEFAULT_RECOVERY_DAYS = 35;

export async function updateContinuousBackups(
  request: Record<string, unknown>,
  context: OperationContext,
): Promise<Record<string, unknown>> {
  const [tableName] = context.tables;
  const table = context.stack.table(tableName);
  if (table === undefined || (await context.engine.describeTable(tableName)) === undefined) {
    throw new AwsError("TableNotFoundException", `Table not found: ${tableName}`);
  }
  const specification = request.PointInTimeRecoverySpecification as {
    readonly PointInTimeRecoveryEnabled: boolean;
    readonly RecoveryPeriodInDays?: number;
  };
  if (!specification.PointInTimeRecoveryEnabled) {
    if (specification.RecoveryPeriodInDays !== undefined) {
      throw new AwsError(
        "ValidationException",
        "PointInTimeRecoverySpecification.RecoveryPeriodInDays is given with PointInTimeRecoveryEnabled false: leave it out, or enable point-in-time recovery",
      );
    }
    changeTableSettings(context.stack, table, { pointInTimeRecovery: null });
  } else {
    const recoveryPeriodInDays = specification.RecoveryPeriodInDays ?? DEFAULT_RECOVERY_DAYS;
    changeTableSettings(context.stack, table, {
      pointInTimeRecovery:
        table.pointInTimeRecovery === undefined
          ? { recoveryPeriodInDays, enabledAt: context.now() }
          : { ...table.pointInTimeRecovery, recoveryPeriodInDays },
    });
  }
  return describeContinuousBackups(request, context);
}

export async function describeContinuousBackups(
  _request: Record<string, unknown>,
  context: OperationContext,
): Promise<Record<string, unknown>> {
  const [tableName] = context.tables;
  const table = context.stack.table(tableName);
  const stored = table === undefined ? undefined : await context.engine.describeTable(tableName);
  if (table === undefined || stored === undefined) {
    throw new AwsError("TableNotFoundException", `Table not found: ${tableName}`);
  }
  const recovery = table.pointInTimeRecovery;
  if (recovery === undefined) {
    return {
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: "ENABLED",
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: "DISABLED" },
      },
    };
  }
  // JSON 1.0 timestamps are epoch seconds, as dynalite keeps CreationDateTime.
  const now = context.now();
  const since = recovery.enabledAt ?? Number(stored.CreationDateTime) * 1000;
  const earliest = Math.max(since, now - recovery.recoveryPeriodInDays * DAY_MS);
  const latest = Math.max(earliest, now - LATEST_RESTORABLE_LAG_MS);
  return {
    ContinuousBackupsDescription: {
      ContinuousBackupsStatus: "ENABLED",
      PointInTimeRecoveryDescription: {
        PointInTimeRecoveryStatus: "ENABLED",
        RecoveryPeriodInDays: recovery.recoveryPeriodInDays,
        EarliestRestorableDateTime: earliest / 1000,
        LatestRestorableDateTime: latest / 1000,
      },
    },
  };
}
