// The test runner behind `npm test`, `npm run test:unit` and `npm run test:slow` (docs/development.md, Tests).
//
//   npm test                      every test except the slow group, files in parallel
//   npm test -- FILE...           just those files (mocha flags pass through: npm test -- FILE --grep X)
//   npm run test:unit             the tests that start no process and open no socket: every file not named
//                                 *.int.test.ts or *.slow.test.ts (scripts/noIo.js holds them to it)
//   npm run test:slow             test/**/*.slow.test.ts: slow by nature (AWS CLI runs, browsers, packed packs)
//
// One policy pack serves the whole run (test/support/packBroker.ts): this runner starts its broker and
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
// The fixture programs and their own node_modules: never tests of this project.
const FIXTURES = "test/fixtures/**";
// Integration tests (they start a process or open a socket: the sandbox's HTTP server, the policy
// pack's gRPC server, a CLI) are named *.int.test.ts, slow-by-nature ones *.slow.test.ts; every other
// test file is the unit group, which scripts/noIo.js holds to "no process, no socket".
const INTEGRATION = "test/**/*.int.test.ts";

/** Folders under test/ that hold no tests: the fixture programs and their own node_modules. */
const NOT_TESTS = new Set(["fixtures"]);

/** Every test file under test/, as repository-relative paths with forward slashes, sorted. */
function testFiles(dir = "test") {
  const files = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const file = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!(dir === "test" && NOT_TESTS.has(entry.name))) {
        files.push(...testFiles(file));
      }
    } else if (entry.name.endsWith(".test.ts")) {
      files.push(file);
    }
  }
  return files.sort();
}

/**
 * The default run's files: every test but the slow group. Under --parallel a worker takes the next file
 * when it is free, so the longest files start first (the run does not end waiting on a long file that
 * started last): the integration files, largest first (their size tracks the processes and requests
 * they make), then the unit files.
 */
function defaultFiles() {
  const size = (file) => fs.statSync(path.join(ROOT, file)).size;
  const files = testFiles().filter((file) => !file.endsWith(".slow.test.ts"));
  const integration = files.filter((file) => file.endsWith(".int.test.ts")).sort((a, b) => size(b) - size(a));
  return [...integration, ...files.filter((file) => !file.endsWith(".int.test.ts"))];
}

/**
 * Files run in parallel workers, one per core (at least two, at most four). Each worker loads the
 * project's modules once, and the processes tests start (the run's policy pack, program processes,
 * CLIs) fill a core while a file waits on them: on 2 cores, 2 workers took 82 s of CPU and 3 took
 * 90 s for the same run, measured one after the other (docs/development.md, Speed).
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
      return [SLOW, "--ignore", FIXTURES, ...passThrough];
    case "unit":
      return [
        ALL,
        "--ignore",
        SLOW,
        "--ignore",
        INTEGRATION,
        "--ignore",
        FIXTURES,
        "--require",
        "scripts/noIo.js",
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
  const { PACK_BROKER_ENV, startPackBroker } = require("../test/support/packBroker.ts");
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
