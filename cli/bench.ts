/**
 * `npm run bench`: every benchmark of the project, each in a fresh process of its own (so
 * one's memory and warm caches do not count against the next), then every target line again as a
 * summary: value, limit, PASS/FAIL and the load average when measured (see bench/README.md).
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { defineCommand, mainOf, runMain, type Io } from "./runner";

const REGISTER = join(__dirname, "..", "scripts", "register.js");
const BENCH_DIR = join(__dirname, "..", "bench");

function runBench(file: string): Promise<{ code: number | null; targets: string[] }> {
  const script =
    `require(${JSON.stringify(join(BENCH_DIR, file))}).run().then(() => process.exit(0), ` +
    "(err) => { console.error(err); process.exit(1); })";
  const child = spawn(process.execPath, ["-r", REGISTER, "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  const targets: string[] = [];
  let pending = "";
  child.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    const lines = (pending + chunk.toString("utf8")).split("\n");
    pending = lines.pop() ?? "";
    targets.push(...lines.filter((line) => line.startsWith("TARGET ")));
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, targets })));
}

/** Benchmarks are named by positional arguments; a name that matches none is a usage mistake. */
export const command = defineCommand({
  name: "bench",
  summary:
    "Runs the benchmarks, each in a fresh process, printing ratios measured side by side, then every speed target with its value, PASS or FAIL and the load average (bench/README.md).",
  options: {},
  positionals: {
    placeholder: "NAME",
    description: "run only the benchmarks whose file name starts with NAME (e.g. sandbox, startup)",
  },
  exits: { 1: "a benchmark that failed to run" },
  async run(_args, ctx) {
    const all = readdirSync(BENCH_DIR)
      .filter((file) => file.endsWith(".bench.ts"))
      .sort();
    for (const name of ctx.positionals) {
      if (!all.some((file) => file.startsWith(name))) {
        throw ctx.usageError(`"${name}" names no benchmark (${all.join(", ")})`);
      }
    }
    return runBenchmarks(
      all.filter(
        (file) => ctx.positionals.length === 0 || ctx.positionals.some((name) => file.startsWith(name)),
      ),
      ctx.io,
    );
  },
});

export const main = mainOf(command);

async function runBenchmarks(files: string[], io: Io): Promise<number> {
  let failed = 0;
  const targets: string[] = [];
  for (const file of files) {
    io.stdout(`\n== ${file}`);
    const started = Date.now();
    const result = await runBench(file);
    if (result.code !== 0) {
      failed++;
      io.stderr(`${file} failed (exit ${result.code})`);
    }
    targets.push(...result.targets);
    io.stdout(`(${file}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  io.stdout(`\n== targets\n${targets.join("\n")}`);
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  runMain(command);
}
