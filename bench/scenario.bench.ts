/**
 * The scenario's wall time beside the time to load and run the program alone, each in a fresh
 * process as a user runs them (`npm start` vs `npm run synth`), in one run, as a ratio.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../plan/synth";

const RUNS = 3;
const TS_NODE = require.resolve("ts-node/dist/bin");

function timeProcess(script: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [TS_NODE, join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  if (result.status !== 0) {
    throw new Error(`${script} ${args.join(" ")} exited ${result.status}: ${result.stderr.slice(0, 500)}`);
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function run(): Promise<void> {
  const program: number[] = [];
  const scenario: number[] = [];
  // Interleaved, so a noisy neighbour slows both sides alike.
  for (let i = 0; i < RUNS; i++) {
    program.push(timeProcess("plan/cli.ts", ["--stack", "dev"]));
    scenario.push(timeProcess("scenario/cli.ts", []));
  }
  const p = median(program);
  const s = median(scenario);
  console.log(
    `scenario: npm start ${(s / 1000).toFixed(2)} s, the program alone (npm run synth) ${(p / 1000).toFixed(2)} s`,
  );
  console.log(
    `scenario: ratio scenario / program = ${(s / p).toFixed(1)} (median of ${RUNS}, fresh processes)`,
  );
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
