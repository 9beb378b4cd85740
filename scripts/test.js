// The test runner behind `npm test`, `npm run test:unit` and `npm run test:slow` (README, Development).
//
//   npm test                      every test except the slow group, files in parallel
//   npm test -- FILE...           just those files (mocha flags pass through: npm test -- FILE --grep X)
//   npm run test:unit             the tests that start no process and open no socket (scripts/no-io.js holds them to it)
//   npm run test:slow             test/**/*.slow.test.ts: slow by nature (AWS CLI runs, browsers, packed packs)
//
// One policy pack serves the whole run (test/helpers/packBroker.ts): this runner starts its broker and
// hands its address to the test processes in KMS_DYNAMODB_TEST_PACK, as the Pulumi engine starts one
// analyzer for an update and sends it every resource. The pack itself starts at the first request, or
// at once for the whole default run, which surely needs it.
//
// The spec lives here, not in .mocharc.json: mocha merges a configured spec with the files given on the
// command line, so `mocha FILE` would run everything.
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const ALL = "test/**/*.test.ts";
const SLOW = "test/**/*.slow.test.ts";

// Test files that start a process or open a socket (the sandbox's HTTP server, the policy pack's gRPC
// server, a CLI): everything else is the unit group. A file missing here fails the unit run loudly.
const INTEGRATION = [
  "test/checks/cli.test.ts",
  "test/checks/hostile.test.ts",
  "test/checks/outputs.test.ts",
  "test/checks/roles.test.ts",
  "test/checks/sandbox.test.ts",
  "test/checks/wait-revoke.test.ts",
  "test/guard/harness.test.ts",
  "test/helpers/packBroker.test.ts",
  "test/infra/roles.test.ts",
  "test/plan/cli.test.ts",
  "test/plan/synth.test.ts",
  "test/policy/analyzerClient.test.ts",
  "test/policy/dynamodb.test.ts",
  "test/policy/guard.test.ts",
  "test/policy/iam.test.ts",
  "test/policy/kms.test.ts",
  "test/policy/state.test.ts",
  "test/sandbox-authz/quotas.test.ts",
  "test/sandbox/access.test.ts",
  "test/sandbox/auth.test.ts",
  "test/sandbox/cli.test.ts",
  "test/sandbox/data-dir.test.ts",
  "test/sandbox/deployment.test.ts",
  "test/sandbox/faults.test.ts",
  "test/sandbox/grants.test.ts",
  "test/sandbox/indexes.test.ts",
  "test/sandbox/lifecycle-cli.test.ts",
  "test/sandbox/lifecycle.test.ts",
  "test/sandbox/persistence.test.ts",
  "test/sandbox/roles-sessions.test.ts",
  "test/sandbox/shutdown.test.ts",
  "test/sandbox/transactions.test.ts",
  "test/sandbox/update.test.ts",
  "test/sandbox/wire.test.ts",
  "test/scenario/scenario.test.ts",
];

/**
 * The files that take longest, started first under --parallel (longest first: the run does not end
 * waiting on one long file that started last). Measured by CPU time per file (README, Speed); a file
 * missing here only starts in its alphabetical turn.
 */
const LONGEST_FIRST = [
  "test/policy/guard.test.ts",
  "test/policy/state.test.ts",
  "test/scenario/scenario.test.ts",
  "test/guard/harness.test.ts",
  "test/helpers/packBroker.test.ts",
  "test/sandbox/lifecycle.test.ts",
  "test/sandbox/cli.test.ts",
  "test/plan/synth.test.ts",
  "test/policy/analyzerClient.test.ts",
  "test/policy/kms.test.ts",
];

/** test/**\/*.test.ts without the slow group, in mocha's order (sorted paths), longest first. */
function defaultFiles() {
  const found = fs
    .readdirSync(path.join(ROOT, "test"), { recursive: true })
    .map((name) => path.posix.join("test", name.split(path.sep).join("/")))
    .filter((file) => file.endsWith(".test.ts") && !file.endsWith(".slow.test.ts"))
    .sort();
  const first = LONGEST_FIRST.filter((file) => found.includes(file));
  return [...first, ...found.filter((file) => !first.includes(file))];
}

/**
 * Files run in parallel workers, one per core (at least two, at most four). Each worker loads the
 * project's modules once, and the processes tests start (the run's policy pack, program processes,
 * CLIs) fill a core while a file waits on them: on 2 cores, 2 workers took 82 s of CPU and 3 took
 * 90 s for the same run, measured one after the other (README, Speed).
 */
const PARALLEL_JOBS = Math.max(2, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));

function parse(argv) {
  let group = "default";
  const files = [];
  const passThrough = [];
  for (const arg of argv) {
    if (arg === "--unit" || arg === "--slow") {
      group = arg.slice(2);
    } else if (!arg.startsWith("-") && (arg.endsWith(".ts") || fs.existsSync(path.resolve(ROOT, arg)))) {
      files.push(arg);
    } else {
      passThrough.push(arg);
    }
  }
  return { group, files, passThrough };
}

function mochaArgs({ group, files, passThrough }) {
  if (files.length > 0) {
    return [...files, ...passThrough];
  }
  switch (group) {
    case "slow":
      return [SLOW, ...passThrough];
    case "unit":
      return [
        ALL,
        "--ignore",
        SLOW,
        ...INTEGRATION.flatMap((file) => ["--ignore", file]),
        "--require",
        "scripts/no-io.js",
        ...passThrough,
      ];
    default:
      return [...defaultFiles(), "--parallel", "--jobs", String(PARALLEL_JOBS), ...passThrough];
  }
}

/** Runs mocha to its exit; resolves its exit code (1 for a signal). */
function runMocha(args, env) {
  const child = spawn(process.execPath, [require.resolve("mocha/bin/mocha.js"), ...args], {
    cwd: ROOT,
    stdio: "inherit",
    env,
  });
  // Ctrl-C reaches mocha and its workers through the terminal's process group; the runner waits for
  // them, then stops the pack.
  const ignore = () => undefined;
  process.on("SIGINT", ignore);
  process.on("SIGTERM", (signal) => child.kill(signal));
  return new Promise((resolve) => child.once("exit", (code) => resolve(code ?? 1)));
}

async function main() {
  const options = parse(process.argv.slice(2));
  const args = mochaArgs(options);
  if (options.group === "unit") {
    // The unit group opens no socket: no pack, no broker.
    return runMocha(args, process.env);
  }
  require("./register.js");
  const { PACK_BROKER_ENV, startPackBroker } = require("../test/helpers/packBroker.ts");
  const broker = await startPackBroker();
  if (options.group === "default" && options.files.length === 0) {
    broker.warm();
  }
  try {
    return await runMocha(args, { ...process.env, [PACK_BROKER_ENV]: broker.address });
  } finally {
    await broker.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
