/**
 * The sandbox's clock operations, for drills against a running sandbox:
 * - AdvanceClock `{ "Seconds": N }` (or "Minutes", "Hours", "Days"): moves the sandbox's clock forward
 *   (key deletion windows, DynamoDB's 5-minute table-key cache, 7-day archival); answers DescribeClock's.
 * - DescribeClock `{}`: `{ "Now": epoch seconds, "AdvancedSeconds": N }`.
 */
import { AwsError } from "../errors";

/** What the admin operations act on. */
export interface AdminTarget {
  /** The deploying identity of the stack served, if any. */
  deployerArn(): string | undefined;
  now(): number;
  advancedMs(): number;
  advanceClock(ms: number): Promise<void>;
}

const UNIT_MS = { Seconds: 1000, Minutes: 60_000, Hours: 3_600_000, Days: 86_400_000 } as const;
/** A bound that keeps a typo from moving the clock by centuries. */
const MAX_ADVANCE_MS = 3650 * UNIT_MS.Days;

export async function advanceClock(body: unknown, target: AdminTarget): Promise<Record<string, unknown>> {
  await target.advanceClock(advanceMs(body));
  return describeClock(body, target);
}

export async function describeClock(_body: unknown, target: AdminTarget): Promise<Record<string, unknown>> {
  return { Now: target.now() / 1000, AdvancedSeconds: target.advancedMs() / 1000 };
}

function advanceMs(body: unknown): number {
  const request = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const given = (Object.keys(UNIT_MS) as (keyof typeof UNIT_MS)[]).filter(
    (unit) => request[unit] !== undefined,
  );
  if (given.length !== 1) {
    throw new AwsError(
      "ValidationException",
      "AdvanceClock takes exactly one of Seconds, Minutes, Hours or Days",
    );
  }
  const unit = given[0];
  const value = request[unit];
  const ms = typeof value === "number" ? Math.round(value * UNIT_MS[unit]) : NaN;
  if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_ADVANCE_MS) {
    throw new AwsError(
      "ValidationException",
      `AdvanceClock ${unit}: ${JSON.stringify(value)} is not a positive number of at most 3650 days`,
    );
  }
  return ms;
}
