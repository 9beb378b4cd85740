/**
 * One line per speed target (bench/README.md), in one format, so `npm run bench` can be read (and grepped) at
 * a glance: the measured value, the limit, PASS or FAIL, and the machine's load average when it was measured
 * (a shared machine inflates absolute times; ratios measured side by side are steadier).
 */
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";

export interface TargetResult {
  /** What is measured, e.g. "npm start wall time". */
  name: string;
  value: number;
  unit: string;
  /** The value must stay below (`max`) or at least reach (`min`) this limit. */
  limit: { max: number } | { min: number };
  /** Extra context for the line (how it was measured). */
  note?: string;
}

const results: { line: string; pass: boolean }[] = [];

/** The machine's load averages over 1, 5 and 15 minutes, as `uptime` prints them. */
export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
}

export function reportTarget(target: TargetResult): boolean {
  const pass = "max" in target.limit ? target.value < target.limit.max : target.value >= target.limit.min;
  const limit = "max" in target.limit ? `< ${target.limit.max}` : `>= ${target.limit.min}`;
  const load = loadAverage();
  const line =
    `TARGET ${target.name}: ${format(target.value)} ${target.unit} (target ${limit} ${target.unit}) ` +
    `${pass ? "PASS" : "FAIL"}  [load average ${load}]${target.note ? `  ${target.note}` : ""}`;
  console.log(line);
  results.push({ line, pass });
  return pass;
}

function format(value: number): string {
  return Math.abs(value) >= 100
    ? value.toFixed(0)
    : Math.abs(value) >= 10
      ? value.toFixed(1)
      : value.toFixed(2);
}

/** Peak resident memory of a running process, from /proc (Linux), in MB; undefined once it has exited. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Resident memory of a process and all its descendants, now, in MB (Linux /proc): what `npm start`
 * holds "in all" at one moment, the policy pack's process included.
 */
export function treeRssMb(rootPid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      rss.set(Number(entry), kb);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process exited while the table was read.
    }
  }
  let total = 0;
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    total += rss.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total / 1024;
}

/** The pids of a process and all its descendants, now (Linux /proc). */
export function treePids(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process exited while the table was read.
    }
  }
  const pids: number[] = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    pids.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return pids;
}
