import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { loadStackConfig } from "../../plan/stackConfig";
import { REPO_ROOT } from "../../plan/synth";
import { withKeyUserGranted } from "../../scenario/grant";
import type { Io } from "../../cli/runner";
import { main } from "../../cli/start";
import { GRANTED_USER, type ScenarioReport } from "../../scenario/run";
import { borrowSharedPack } from "../support/sharedPack";
import { withTempDir } from "../support/tempDir";

describe("scenario: granting through the stack file", () => {
  it("sets keyUser on the named user only, in a copy of the project's stack files", () => {
    const edited = withKeyUserGranted(REPO_ROOT, "dev", GRANTED_USER);
    try {
      const users = loadStackConfig("dev", edited.dir)["kms-dynamodb:users"];
      expect(users).to.deep.equal([
        { name: "app-user", dynamodbAccess: "readwrite", keyUser: true },
        { name: GRANTED_USER, dynamodbAccess: "full", keyUser: true },
      ]);
      expect(loadStackConfig("dev")["kms-dynamodb:users"]).to.deep.include({
        name: GRANTED_USER,
        dynamodbAccess: "full",
        keyUser: false,
      });
    } finally {
      edited.dispose();
    }
  });

  it("names a user the stack does not have", () => {
    expect(() => withKeyUserGranted(REPO_ROOT, "dev", "nobody")).to.throw('no user named "nobody"');
  });
});

describe("scenario end to end (npm start -- --report FILE --html FILE)", function () {
  this.timeout(180000);
  // One run of `npm start`, through its main(argv, io) in this process, serves every case below: the
  // report it writes is the whole ScenarioReport (contracts.md section 5), its output the lines a user
  // reads. The test run's one pack is lent to it (test/support/sharedPack.ts), handed in as npm start
  // hands in the pack it starts first.
  let report: ScenarioReport;
  let run: { code: number; stdout: string; stderr: string };
  let lines: string[];
  let html: string;
  before(async () => {
    await withTempDir("kms-dynamodb", async (dir) => {
      const file = join(dir, "report.json");
      const htmlFile = join(dir, "access.html");
      let stdout = "";
      let stderr = "";
      const io: Io = {
        env: process.env,
        cwd: REPO_ROOT,
        stdout: (text) => void (stdout += `${text}\n`),
        stderr: (text) => void (stderr += `${text}\n`),
      };
      const code = await main(["--report", file, "--html", htmlFile], io, { startPack: borrowSharedPack });
      run = { code, stdout, stderr };
      lines = stdout.split("\n");
      report = JSON.parse(readFileSync(file, "utf8")) as ScenarioReport;
      html = readFileSync(htmlFile, "utf8");
    });
  });

  it("holds every step, in order", () => {
    expect(report.steps.map((s) => [s.number, s.ok])).to.deep.equal([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
      [6, true],
      [7, true],
      [8, true],
      [9, true],
      [10, true],
      [11, true],
      [12, true],
    ]);
    expect(report.ok).to.equal(true);
  });

  it("shows KMS stopping kms-test-user before the grant, and letting it in after", () => {
    const [before, after] = report.phases;
    expect(before.name).to.equal("before-grant");
    expect(after.name).to.equal("after-grant");
    const items = (phase: typeof before, user: string) =>
      phase.results.filter(
        (r) => r.user === user && !["GetCallerIdentity", "DescribeTable"].includes(r.operation),
      );
    expect(items(before, GRANTED_USER).map((r) => r.actual))
      .to.have.length(5)
      .and.satisfy((a: string[]) => a.every((x) => x === "denied-by-kms"));
    expect(items(after, GRANTED_USER).every((r) => r.actual === "allowed")).to.equal(true);
    expect(items(before, "app-user").every((r) => r.actual === "allowed")).to.equal(true);
    expect(
      before.results.find((r) => r.user === GRANTED_USER && r.operation === "DescribeTable")?.actual,
    ).to.equal("allowed");
  });

  it("changes only the key policy at the grant and keeps the items", () => {
    const grant = report.steps[4];
    expect(grant.notes).to.include("~ aws:kms/key:Key kms-dynamodb-key: update [policy]");
    expect(
      grant.notes.some((n) => /item pk=kms-dynamodb-check\/scenario-seed-\d+\/0 is still there/.test(n)),
    ).to.equal(true);
  });

  it("shows the policy pack passing the dev stack and rejecting the non-compliant example", () => {
    const guard = report.steps[1].notes.join("\n");
    expect(guard).to.contain("dev stack, first preview: 0 mandatory");
    expect(guard).to.contain("examples/noncompliant-table: 2 mandatory violations");
    expect(guard).to.contain("alias/aws/dynamodb");
  });

  it("proves from the plans who can decrypt, agreeing with the live checks, before and after", () => {
    const access = report.steps[6].notes.join("\n");
    expect(access).to.contain("--expect-key-users before the grant: the declared key users are exactly");
    expect(access).to.contain("--expect-key-users after the grant: the declared key users are exactly");
    expect(access).to.contain("before-grant: every live check agrees with the static matrix");
    expect(access).to.contain("after-grant: every live check agrees with the static matrix");
    expect(access).to.contain("kms-dynamodb-dev  kms-test-user  GetItem: denied-by-kms → allowed");
  });

  it("runs the lifecycle drills, a phase each, on the simulated clock", () => {
    expect(report.phases.map((phase) => phase.name)).to.deep.equal([
      "before-grant",
      "after-grant",
      "drill-revoke",
      "drill-disable",
      "drill-enable",
      "drill-schedule-deletion",
      "drill-cancel-deletion",
    ]);
    const phase = (name: string) =>
      report.phases.find((entry) => entry.name === name) as (typeof report.phases)[0];
    // KMS developer guide, "How Amazon DynamoDB uses AWS KMS" (Table key): a new connection makes
    // DynamoDB call KMS, which applies the revoked key policy; an open one keeps its cached table key
    // until five minutes without a request.
    const change = phase("drill-revoke").accessChanges?.find((entry) => entry.user === GRANTED_USER);
    expect(change).to.include({ from: "allowed", to: "denied-by-kms" });
    const revoke = report.steps[7].notes.join("\n");
    expect(revoke).to.contain(`${GRANTED_USER}'s open connection right after the revoke: allowed`);
    expect(revoke).to.contain("the open connection after 5 minutes without a request: denied-by-kms");
    // "Key states of AWS KMS keys": a disabled or pending-deletion key refuses Decrypt, so every item call.
    for (const name of ["drill-disable", "drill-schedule-deletion"]) {
      const items = phase(name).results.filter(
        (r) => !["GetCallerIdentity", "DescribeTable"].includes(r.operation),
      );
      expect(
        items.every((r) => r.actual === "denied-by-kms"),
        name,
      ).to.equal(true);
    }
    // DynamoDB API reference, TableDescription.TableStatus and SSEDescription.
    expect(report.steps[8].notes.join("\n")).to.contain(
      "INACCESSIBLE_ENCRYPTION_CREDENTIALS (InaccessibleEncryptionDateTime",
    );
    expect(report.steps[11].notes).to.include("after CancelKeyDeletion the key is Disabled; enabling it");
    for (const step of report.steps.slice(7)) {
      expect(
        step.notes.some((note) => note.startsWith("on AWS: ")),
        step.title,
      ).to.equal(true);
    }
  });

  it("prints no secret access key", () => {
    const output = lines.join("\n");
    expect(output).to.not.match(/secretAccessKey|[A-Za-z0-9+/]{40}/);
  });

  it("exits 0 and writes the report of contracts.md section 5 (and the access page with --html)", () => {
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("✓ every step held: 12 of 12 steps");
    expect(html).to.contain('data-principal="kms-test-user"');
    expect(report.ok).to.equal(true);
    expect(report.phases.map((p: { name: string }) => p.name)).to.deep.equal([
      "before-grant",
      "after-grant",
      "drill-revoke",
      "drill-disable",
      "drill-enable",
      "drill-schedule-deletion",
      "drill-cancel-deletion",
    ]);
    // principalKind: added on purpose, for roles (docs/contracts.md, "Changes, on purpose").
    expect(report.phases[0].results[0]).to.have.keys([
      "user",
      "principalKind",
      "operation",
      "expected",
      "actual",
      "detail",
    ]);
    expect(report.phases[0].results[0].principalKind).to.equal("user");
  });
});

// npm start's processes together stay under 300 MB (bench/README.md). What a fresh process loads is the lever, so
// each assumption the budget rests on is checked in a fresh process (the test's own has loaded more).
describe("npm start's start-up footprint", function () {
  this.timeout(60000);
  /** The files a fresh process has loaded after running `code` (with the project's .ts hook). */
  function loadedAfter(code: string): string[] {
    const result = spawnSync(
      process.execPath,
      [
        "-r",
        join(REPO_ROOT, "scripts/register.js"),
        "-e",
        `${code}; console.log(JSON.stringify(Object.keys(require.cache)))`,
      ],
      { cwd: REPO_ROOT, encoding: "utf8" },
    );
    expect(result.status, result.stderr).to.equal(0);
    return JSON.parse(result.stdout) as string[];
  }

  function expectNoneLoaded(loaded: string[], fragments: string[]): void {
    for (const fragment of fragments) {
      expect(
        loaded.filter((file) => file.includes(fragment)),
        fragment,
      ).to.deep.equal([]);
    }
  }

  it("@pulumi/pulumi loads closure serialization and the Automation API on first use only (patches/)", () => {
    expectNoneLoaded(loadedAfter('require("@pulumi/pulumi")'), [
      "/@npmcli/arborist/",
      "/typescript/",
      "/closure/serializeClosure.js",
      "/automation/index.js",
    ]);
    // The same names, loaded when used.
    const used = loadedAfter(
      'const p = require("@pulumi/pulumi"); if (typeof p.runtime.serializeFunction !== "function" || typeof p.automation.LocalWorkspace !== "function") process.exit(3)',
    );
    expect(used.some((file) => file.includes("/closure/serializeClosure.js"))).to.equal(true);
  });

  it("holds neither the sandbox nor the SDK clients while the policy pack runs (steps 1-2)", () => {
    expectNoneLoaded(loadedAfter('require("./scenario/run.ts")'), [
      "/sandbox/sandbox.ts",
      "/@aws-sdk/client-dynamodb/",
      "/dynalite/",
      "/@cloud-copilot/",
    ]);
    expect(
      loadedAfter('require("./scenario/deployStage.ts")').some((f) => f.endsWith("/sandbox/sandbox.ts")),
    ).to.equal(true);
  });

  it("loads no transpiler once the files it requires are in the compile cache", () => {
    // The first run transpiles what an edit left out of the cache (npm ci's postinstall fills it).
    loadedAfter('require("./scenario/run.ts")');
    const loaded = loadedAfter('require("./scenario/run.ts")');
    expect(loaded.filter((file) => file.includes("/@swc/core/"))).to.deep.equal([]);
  });
});
