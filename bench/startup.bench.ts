/**
 * `npm start` as a user runs it, in a fresh process each time: wall time, and the memory of the whole
 * process tree (the scenario and the policy pack's process) sampled while it runs. Beside it, the
 * program alone (`npm run synth`), in the same run, rounds interleaved, as a ratio.
 * Targets (bench/README.md): npm start under 3 s wall on an idle 2-core machine, under 300 MB in all.
 */
import { spawn } from "node:child_process";
import { REPO_ROOT } from "../plan/synth";
import { median, reportTarget, treeRssMb } from "./target";

const RUNS = 3;
const SAMPLE_MS = 25;

interface Measured {
  ms: number;
  peakMb: number;
}

function timeNpm(args: string[]): Promise<Measured> {
  const started = process.hrtime.bigint();
  const child = spawn("npm", ["--silent", ...args], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let peakMb = 0;
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, treeRssMb(child.pid as number))), SAMPLE_MS);
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      clearInterval(sampler);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) {
        reject(new Error(`npm ${args.join(" ")} exited ${code}: ${stderr.slice(0, 500)}`));
      } else {
        resolve({ ms, peakMb });
      }
    });
  });
}

export async function run(): Promise<void> {
  const program: Measured[] = [];
  const scenario: Measured[] = [];
  // Interleaved, so a noisy neighbour slows both sides alike.
  for (let i = 0; i < RUNS; i++) {
    program.push(await timeNpm(["run", "synth", "--", "--stack", "dev"]));
    scenario.push(await timeNpm(["start"]));
  }
  const p = median(program.map((m) => m.ms));
  const s = median(scenario.map((m) => m.ms));
  console.log(
    `startup: npm start ${(s / 1000).toFixed(2)} s, the program alone (npm run synth) ${(p / 1000).toFixed(2)} s, ` +
      `ratio ${(s / p).toFixed(2)} (median of ${RUNS}, fresh processes)`,
  );
  reportTarget({
    name: "npm start wall time",
    value: s / 1000,
    unit: "s",
    limit: { max: 3 },
    note: `median of ${RUNS} fresh runs`,
  });
  reportTarget({
    name: "npm start memory, all processes",
    value: Math.max(...scenario.map((m) => m.peakMb)),
    unit: "MB",
    limit: { max: 300 },
    note: `peak of the summed RSS of npm, the scenario and the policy pack, sampled every ${SAMPLE_MS} ms`,
  });
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
