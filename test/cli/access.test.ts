/**
 * `npm run access -- --table NAME`: the proof of named tables only, in process through `main(argv, io)`.
 * The cells of a table do not depend on which other tables are asked about, so a scoped report is the
 * full report's cells of those tables, and its decryptors those of the scoped cells.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { analyzePlan } from "../../access/analyze";
import type { AccessReport } from "../../access/types";
import { main } from "../../cli/access";
import { buildStackPlan } from "../support/accessStacks";
import { runMainInProcess } from "../support/inProcessCli";
import { useTempDir } from "../support/tempDir";

// Two tables on two keys: u0 is a key user of k0 only, u1 of k1 only; both have full DynamoDB access.
const PLAN = buildStackPlan({
  id: "sc",
  users: [
    { access: "full", extras: [], withAccessKey: false },
    { access: "full", extras: [], withAccessKey: false },
  ],
  keys: [0, 1].map((user) => ({
    rootStatement: true,
    keyUsers: [user],
    viaDynamoDbOnly: true,
    deniedUsers: [],
    enabled: true,
  })),
  tables: [0, 1],
});

describe("npm run access --table", function () {
  this.timeout(60_000);
  const workDir = useTempDir("access-table");
  let planFile: string;
  const run = (...argv: string[]) => runMainInProcess(main, ["--plan", planFile, ...argv], process.cwd());

  beforeEach(() => {
    planFile = join(workDir(), "plan.json");
    writeFileSync(planFile, JSON.stringify(PLAN));
  });

  it("decides only the named table: the full report's cells of it, and its decryptors", async () => {
    const full = await analyzePlan(PLAN);
    const { code, stdout, stderr } = await run("--json", "--table", "sc-t1");
    expect(code, stderr).to.equal(0);
    const scoped = JSON.parse(stdout) as AccessReport;
    expect(scoped.tables.map((table) => table.name)).to.deep.equal(["sc-t1"]);
    expect(scoped.cells).to.deep.equal(full.cells.filter((cell) => cell.table === "sc-t1"));
    expect(scoped.cells.length).to.be.greaterThan(0);
    const decryptor = (report: AccessReport) =>
      report.principals.filter((principal) => report.decryptors.includes(principal.arn)).map((p) => p.name);
    // Both users decrypt somewhere; only u1 through t1's key.
    expect(decryptor(full)).to.include.members(["sc-u0", "sc-u1"]);
    expect(decryptor(scoped)).to.include("sc-u1").and.not.include("sc-u0");
  });

  it("takes the flag more than once", async () => {
    const { code, stdout, stderr } = await run("--json", "--table", "sc-t1", "--table", "sc-t0");
    expect(code, stderr).to.equal(0);
    const report = JSON.parse(stdout) as AccessReport;
    expect(report.tables.map((table) => table.name)).to.deep.equal(["sc-t0", "sc-t1"]);
  });

  it("refuses a table the plan does not have, in one line naming it and the plan's tables", async () => {
    const { code, stderr } = await run("--table", "sc-t9");
    expect(code).to.equal(2);
    expect(stderr.trimEnd().split("\n")).to.have.length(1);
    expect(stderr).to.match(/--table: .*sc-t9.* is not a table of the plan; give one of .*sc-t0.*sc-t1/);
  });
});
