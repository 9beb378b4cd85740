/**
 * `--wait-for-grant` and `--wait-for-revoke`: run the checks again, each time with fresh clients and
 * connections, until every result matches or a time bound passes. After a key policy change DynamoDB
 * may go on using a caller's cached table key for up to about five minutes (clients.ts), so a grant or a
 * revoke can take that long to show; fresh connections per run let that cache expire rather than keep
 * it warm. The report records when each user's access changed between runs (`accessChanges`). The last
 * report is returned as it is: a result still wrong at the bound is reported, not hidden.
 */
import { runChecks, type RunChecksOptions } from "./run";
import { realSleep } from "./retry";
import { summaryLine } from "./format";
import { TABLE_KEY_CALLS } from "./expectations";
import type { AccessChange, CheckReport } from "./types";

export interface WaitOptions {
  /** The bound: no new run starts after this many seconds. Default 360 (DynamoDB's 5 minutes, plus margin). */
  waitSeconds?: number;
  /** Pause between runs. Default 15 s. */
  intervalSeconds?: number;
  /** What is awaited, for the progress lines. Default "grant". */
  direction?: "grant" | "revoke";
  /** The report of a run before the change, so a change seen by the first run is recorded too. */
  baseline?: CheckReport;
  /** Injected for tests (and the scenario's simulated clock). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const DEFAULT_WAIT_SECONDS = 360;
export const DEFAULT_INTERVAL_SECONDS = 15;

export async function waitForChecks(options: RunChecksOptions & WaitOptions): Promise<CheckReport> {
  const waitMs = (options.waitSeconds ?? DEFAULT_WAIT_SECONDS) * 1000;
  const intervalMs = (options.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS) * 1000;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const label = `wait-for-${options.direction ?? "grant"}`;
  const start = now();
  const changes: AccessChange[] = [];
  let previous = options.baseline === undefined ? undefined : accessByUser(options.baseline);
  for (let round = 1; ; round++) {
    const report = await runChecks(options);
    const elapsed = now() - start;
    const access = accessByUser(report);
    for (const [user, to] of access) {
      const from = previous?.get(user);
      if (from !== undefined && from !== to) {
        changes.push({ user, from, to, run: round, afterSeconds: Math.round(elapsed / 1000) });
        options.log?.(
          `${label}: ${user}: access changed from ${from} to ${to} (run ${round}, after ${seconds(elapsed)})`,
        );
      }
    }
    previous = access;
    const withChanges = { ...report, accessChanges: changes };
    if (report.ok) {
      if (round > 1) {
        options.log?.(`${label}: every check matched on run ${round}, after ${seconds(elapsed)}`);
      }
      return withChanges;
    }
    if (elapsed + intervalMs > waitMs) {
      options.log?.(
        `${label}: gave up after ${round} run(s) and ${seconds(elapsed)} (bound ${seconds(waitMs)}); reporting the last run`,
      );
      return withChanges;
    }
    options.log?.(
      `${label}: run ${round}: ${summaryLine(report)}; next run in ${seconds(intervalMs)} (${seconds(elapsed)} of ${seconds(waitMs)})`,
    );
    await sleep(intervalMs);
  }
}

/** Each user's access to items in a run: the one outcome of their item calls, or "mixed". */
export function accessByUser(report: CheckReport): Map<string, string> {
  const outcomes = new Map<string, Set<string>>();
  for (const result of report.results) {
    if (TABLE_KEY_CALLS.has(result.operation)) {
      const seen = outcomes.get(result.user) ?? new Set<string>();
      seen.add(result.actual);
      outcomes.set(result.user, seen);
    }
  }
  return new Map([...outcomes].map(([user, seen]) => [user, seen.size === 1 ? [...seen][0] : "mixed"]));
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}
