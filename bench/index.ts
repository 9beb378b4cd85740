/**
 * `npm run bench [-- NAME...]`: every benchmark of the project, each in a fresh process of its own (so
 * one's memory and warm caches do not count against the next), then every target line again as a
 * summary: value, limit, PASS/FAIL and the load average when measured (see bench/README.md).
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const REGISTER = join(__dirname, "..", "scripts", "register.js");

function runBench(file: string): Promise<{ code: number | null; targets: string[] }> {
  const script =
    `require(${JSON.stringify(join(__dirname, file))}).run().then(() => process.exit(0), ` +
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

export async function main(only: string[]): Promise<number> {
  const files = readdirSync(__dirname)
    .filter((file) => file.endsWith(".bench.ts"))
    .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
    .sort();
  let failed = 0;
  const targets: string[] = [];
  for (const file of files) {
    console.log(`\n== ${file}`);
    const started = Date.now();
    const result = await runBench(file);
    if (result.code !== 0) {
      failed++;
      console.error(`${file} failed (exit ${result.code})`);
    }
    targets.push(...result.targets);
    console.log(`(${file}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  console.log(`\n== targets (issue 14)\n${targets.join("\n")}`);
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
