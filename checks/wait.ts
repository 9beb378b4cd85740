/**
 * `--wait-for-grant`: runs the checks again, each time with fresh clients and connections, until every
 * result matches or a time bound passes. After a key policy change DynamoDB may go on using a caller's
 * cached table key decision for up to about five minutes (clients.ts), so a grant can take that long to
 * show. The last report is returned as it is: a denial still there at the bound is reported, not hidden.
 */
import { runChecks, type RunChecksOptions } from "./run";
import { realSleep } from "./retry";
import { summaryLine } from "./format";
import type { CheckReport } from "./types";

export interface WaitOptions {
  /** The bound: no new run starts after this many seconds. Default 360 (DynamoDB's 5 minutes, plus margin). */
  waitSeconds?: number;
  /** Pause between runs. Default 15 s. */
  intervalSeconds?: number;
  /** Injected for tests. */
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
  const start = now();
  for (let round = 1; ; round++) {
    const report = await runChecks(options);
    const elapsed = now() - start;
    if (report.ok) {
      if (round > 1) {
        options.log?.(`wait-for-grant: every check matched on run ${round}, after ${seconds(elapsed)}`);
      }
      return report;
    }
    if (elapsed + intervalMs > waitMs) {
      options.log?.(
        `wait-for-grant: gave up after ${round} run(s) and ${seconds(elapsed)} (bound ${seconds(waitMs)}); reporting the last run`,
      );
      return report;
    }
    options.log?.(
      `wait-for-grant: run ${round}: ${summaryLine(report)}; next run in ${seconds(intervalMs)} (${seconds(elapsed)} of ${seconds(waitMs)})`,
    );
    await sleep(intervalMs);
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}
