/**
 * `npm run synth`, `policy` and `access` on an API Gateway program as a team writes one (test/fixtures/
 * programs/remote-components: the idioms of pulumi/examples aws-ts-apigateway, with @pulumi/aws-apigateway's
 * RestAPI, a Lambda route and a table), each a fresh `npm run` with `--project`: the first run with an empty
 * compile cache (the SWC cache of the project's TypeScript, moved aside and put back after), then warm.
 * Targets (bench/README.md): each under 4 s, the first run included.
 * Run alone: npm run bench -- publicProgram
 */
import { spawn } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../plan/synth";
import { reportTarget } from "./target";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CACHE_DIR } = require("../policy-pack/swcRegister") as { CACHE_DIR: string };

const PROGRAM = join("test", "fixtures", "programs", "remote-components");
const WARM_RUNS = 2;
/** Exit codes that mean the command ran: policy exits 1 on its finding (the table without a key). */
const RAN = new Set([0, 1]);

function timeNpm(command: string): Promise<number> {
  const args = ["--silent", "run", command, "--", "--stack", "dev", "--project", PROGRAM];
  const started = process.hrtime.bigint();
  const child = spawn("npm", args, {
    cwd: REPO_ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (!RAN.has(code ?? -1)) {
        reject(new Error(`npm ${args.join(" ")} exited ${code}: ${stderr.slice(0, 500)}`));
      } else {
        resolve(ms);
      }
    });
  });
}

/** Runs `body` with the compile cache empty, then puts the original cache back. */
async function withEmptyCompileCache<T>(body: () => Promise<T>): Promise<T> {
  const aside = `${CACHE_DIR}.bench-${process.pid}`;
  const had = existsSync(CACHE_DIR);
  if (had) {
    renameSync(CACHE_DIR, aside);
  }
  try {
    return await body();
  } finally {
    rmSync(CACHE_DIR, { recursive: true, force: true });
    if (had) {
      renameSync(aside, CACHE_DIR);
    }
  }
}

export async function run(): Promise<void> {
  for (const command of ["synth", "policy", "access"]) {
    const cold = await withEmptyCompileCache(() => timeNpm(command));
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      warm.push(await timeNpm(command));
    }
    const best = Math.min(...warm);
    console.log(
      `public program: npm run ${command} --project ${PROGRAM}: first run (empty compile cache) ${(cold / 1000).toFixed(2)} s, ` +
        `warm ${(best / 1000).toFixed(2)} s (best of ${WARM_RUNS})`,
    );
    reportTarget({
      name: `npm run ${command} on an API Gateway program, first run with an empty compile cache`,
      value: cold / 1000,
      unit: "s",
      limit: { max: 4 },
      note: `--project ${PROGRAM}`,
    });
    reportTarget({
      name: `npm run ${command} on an API Gateway program, warm`,
      value: best / 1000,
      unit: "s",
      limit: { max: 4 },
      note: `best of ${WARM_RUNS}`,
    });
  }
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
