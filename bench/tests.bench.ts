/**
 * The test workflow's own speed: `npm run test:unit` and `npm test`, each run once as a developer runs
 * them. No test asserts a time; the budgets live here.
 * Targets (bench/README.md): npm test under 45 s and test:unit under 10 s on an idle 2-core machine.
 *
 * Beside the wall time each line notes the CPU time of every process of the run (npm, mocha, its
 * workers, the policy pack, the CLIs and sandboxes the tests start: user + sys), which a shared machine
 * inflates far less than the wall time: 45 s on 2 cores leaves at most 90 s of CPU.
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { REPO_ROOT } from "../plan/synth";
import { reportTarget } from "./target";

interface Run {
  wallSeconds: number;
  /** User + system CPU of the whole process tree, from this process's children's times. */
  cpuSeconds: number;
  passing: number;
}

/**
 * User + system CPU of this process's waited-for children and their descendants, in seconds: fields
 * cutime and cstime of /proc/self/stat (proc(5)), in clock ticks. Linux only, as the bench's memory
 * readings are.
 */
function childrenCpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  // The command name (field 2) may hold spaces: the fields after it follow its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After ")": state is field 3, so field N is fields[N - 3]; cutime is 16, cstime 17.
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / clockTicks();
}

let ticks: number | undefined;
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

function runNpm(args: string[]): Promise<Run> {
  clockTicks();
  const cpuBefore = childrenCpuSeconds();
  const started = process.hrtime.bigint();
  const child = spawn("npm", ["--silent", ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) =>
    // "close", not "exit": the child is reaped (its times counted) and its output read.
    child.once("close", (code) => {
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) {
        reject(new Error(`npm ${args.join(" ")} exited ${code}: ${(stderr || stdout).slice(-1000)}`));
        return;
      }
      const passing = /(\d+) passing/.exec(stdout);
      resolve({
        wallSeconds,
        cpuSeconds: childrenCpuSeconds() - cpuBefore,
        passing: passing === null ? 0 : Number(passing[1]),
      });
    }),
  );
}

function report(name: string, run: Run, limit: number): void {
  reportTarget({
    name,
    value: run.wallSeconds,
    unit: "s",
    limit: { max: limit },
    note: `(${run.passing} tests; CPU of all its processes ${run.cpuSeconds.toFixed(1)} s, user + sys)`,
  });
}

export async function run(): Promise<void> {
  report("npm run test:unit wall time", await runNpm(["run", "test:unit"]), 10);
  report("npm test wall time", await runNpm(["test"]), 45);
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
