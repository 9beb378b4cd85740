/**
 * The sandbox's clock. Key deletion windows (7-30 days), DynamoDB's table-key cache (5 minutes) and table
 * archival (7 days) run on it, so tests and drills can move time forward instead of waiting: the clock reads
 * the system time plus an offset that only grows. A running sandbox is advanced from outside with the
 * deployer-signed admin call `SandboxAdmin.AdvanceClock` (sandbox/admin/service.ts, `npm run sandbox:clock`).
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
}

export class SandboxClock implements Clock {
  private offsetMs = 0;

  /** `source` is the underlying time; injectable so a test can hold it still. */
  constructor(private readonly source: () => number = Date.now) {}

  now(): number {
    return this.source() + this.offsetMs;
  }

  /** How far the clock has been moved ahead of its source. */
  get advancedMs(): number {
    return this.offsetMs;
  }

  /** Moves time forward by `ms` (a whole, non-negative number): time never goes back. */
  advance(ms: number): void {
    if (!Number.isSafeInteger(ms) || ms < 0) {
      throw new RangeError(`advance: ${ms} is not a whole, non-negative number of milliseconds`);
    }
    this.offsetMs += ms;
  }
}

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
