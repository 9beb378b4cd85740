/**
 * The test workflow's own speed: `npm run test:unit` and `npm test`, each run once as a developer runs
 * them, wall time. No test asserts a time; the budgets live here.
 * Targets (issue 14): npm test under 45 s and test:unit under 10 s on an idle 2-core machine.
 */
import { spawn } from "node:child_process";
import { REPO_ROOT } from "../plan/synth";
import { reportTarget } from "./target";

function timeNpm(args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn("npm", ["--silent", ...args], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) =>
      code === 0
        ? resolve(Number(process.hrtime.bigint() - started) / 1e9)
        : reject(new Error(`npm ${args.join(" ")} exited ${code}: ${stderr.slice(-1000)}`)),
    ),
  );
}

export async function run(): Promise<void> {
  reportTarget({
    name: "npm run test:unit wall time",
    value: await timeNpm(["run", "test:unit"]),
    unit: "s",
    limit: { max: 10 },
  });
  reportTarget({ name: "npm test wall time", value: await timeNpm(["test"]), unit: "s", limit: { max: 45 } });
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
