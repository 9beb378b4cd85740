/**
 * `npm run access` on the dev stack and on plans built to exercise one rule each. Expectations come from
 * AWS's documented rules, cited at each test, never from the engine's answers.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { analyzePlan } from "../../access/analyze";
import { main } from "../../cli/access";
import { compareReports } from "../../access/compare";
import { declaredHolders } from "../../access/declared";
import { expectKeyUsers } from "../../access/expect";
import { renderHtml } from "../../access/html";
import { TABLE_OPERATIONS } from "../../access/operations";
import type { AccessReport } from "../../access/types";
import { loadAccessModel } from "../../access/analyze";
import { synthesize } from "../../plan/synth";
import type { Plan } from "../../plan/types";
import { buildStackPlan } from "../support/accessStacks";
import { devConfig, withUserPolicy } from "../support/plan";
import { decisionOf } from "../support/reportCells";
import { useTempDir } from "../support/tempDir";

const DEV_USERS = [
  { name: "app-user", dynamodbAccess: "readwrite", keyUser: true },
  { name: "kms-test-user", dynamodbAccess: "full", keyUser: false },
];

/** The dev plan with one more inline policy on kms-test-user: kms:Decrypt on the stack's key. */
function withDecryptPolicy(plan: Plan): Plan {
  return withUserPolicy(plan, {
    user: "kms-test-user",
    name: "decrypt-outside-the-key-policy",
    logicalName: "kms-test-user-decrypt",
    id: "kms-test-user-decrypt",
    statements: ({ keyArn }) => [
      { Sid: "DecryptTheTableKey", Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn },
    ],
  });
}

describe("access: who can decrypt the dev stack's table", function () {
  let plan: Plan;
  let report: AccessReport;

  before(async function () {
    plan = await synthesize({ stack: "dev", config: devConfig({ "kms-dynamodb:users": DEV_USERS }) });
    report = await analyzePlan(plan);
  });

  it("lets the key user read and write, and stops the non-key user at the key, not at IAM", function () {
    // "Encryption at rest: how it works" (DynamoDB developer guide): item reads and writes need kms:Decrypt
    // through DynamoDB; AmazonDynamoDBFullAccess grants no kms:Decrypt (field notes), so only the key decides.
    for (const operation of TABLE_OPERATIONS.filter((op) => op !== "DescribeTable")) {
      expect(decisionOf(report, { name: "app-user", operation }), operation).to.equal("allowed");
      expect(decisionOf(report, { name: "kms-test-user", operation }), operation).to.equal("denied-by-kms");
    }
    // DescribeTable reads table metadata and does not use the key.
    expect(decisionOf(report, { name: "kms-test-user", operation: "DescribeTable" })).to.equal("allowed");
  });

  it("refuses a direct kms:Decrypt to the key user, whose statement requires kms:ViaService", function () {
    // KMS developer guide, "kms:ViaService": the condition holds only for requests made through the service.
    expect(decisionOf(report, { name: "app-user", operation: "kms:Decrypt" })).to.equal("denied-by-kms");
    const cell = report.cells.find(
      (c) => c.operation === "GetItem" && c.principal.endsWith(":user/app-user"),
    );
    expect(cell?.statements.map((s) => `${s.by} ${s.sid}`)).to.include.members([
      "iam TableItems",
      "kms AllowUseThroughDynamoDB",
    ]);
  });

  it("answers for the root, a policy-less principal and another account", function () {
    // Default key policy: the root statement lets the account's IAM policies (and so the root) use the key.
    expect(decisionOf(report, { name: "account root", operation: "GetItem" })).to.equal("allowed");
    // No identity policy, no access ("Policy evaluation logic": implicit deny).
    expect(decisionOf(report, { name: "this account, no policies", operation: "GetItem" })).to.equal(
      "denied-by-iam",
    );
    // Cross-account: the table has no resource policy and the key policy names no other account.
    expect(decisionOf(report, { name: "another account", operation: "GetItem" })).to.equal("denied-by-iam");
    expect(decisionOf(report, { name: "another account", operation: "kms:Decrypt" })).to.equal(
      "denied-by-kms",
    );
  });

  it("lists the deployer and the root as able to change who can decrypt, with the path", function () {
    const names = report.obtainers.map((o) => report.principals.find((p) => p.arn === o.principal)?.name);
    expect(names).to.have.members(["deployer", "account root", "this account, IAM policies unseen"]);
    const deployer = report.obtainers.find((o) => o.principal.endsWith(":user/deployer"));
    expect(deployer?.paths.join("\n")).to.match(/kms:PutKeyPolicy on .*Sid AllowKeyAdministration/);
  });

  it("passes --expect-key-users on the dev stack and fails when an IAM policy grants the key", async function () {
    const ok = expectKeyUsers(report, declaredHolders(await loadAccessModel(plan)));
    expect(ok.violations).to.deep.equal([]);
    expect(ok.blindSpots.join("\n")).to.match(/delegates to the account root/);
    // KMS developer guide, "Default key policy": with the root statement, an IAM policy that allows
    // kms:Decrypt lets its principal decrypt, though the key policy does not name it.
    const widened = withDecryptPolicy(plan);
    const bad = expectKeyUsers(await analyzePlan(widened), declaredHolders(await loadAccessModel(widened)));
    expect(bad.ok).to.equal(false);
    expect(bad.violations.join("\n")).to.match(
      /kms-test-user can decrypt but is not a declared key user: .*DecryptTheTableKey.*EnableIamPoliciesThroughAccountRoot/,
    );
  });

  it("compares two plans: the grant turns kms-test-user's item cells green", async function () {
    const granted = await synthesize({
      stack: "dev",
      config: devConfig({ "kms-dynamodb:users": DEV_USERS.map((u) => ({ ...u, keyUser: true })) }),
    });
    const after = await analyzePlan(granted);
    const changes = compareReports(report, after);
    const forTestUser = changes.filter((c) => c.principal.endsWith(":user/kms-test-user"));
    expect(forTestUser.map((c) => c.operation)).to.have.members(
      TABLE_OPERATIONS.filter((op) => op !== "DescribeTable"),
    );
    expect(forTestUser.every((c) => c.before === "denied-by-kms" && c.after === "allowed")).to.equal(true);
    const html = renderHtml(after, changes);
    expect(html).to.contain("default-src 'none'");
    expect(html).not.to.match(/(src|href)="https?:/);
    expect(html.match(/class="cell allowed changed"/g)).to.have.length(forTestUser.length);
  });
});

describe("access: decisions made once per policy set, action and resource", function () {
  it("decides equal users once and still answers for each, telling apart users a key policy names", async function () {
    const users = Array.from({ length: 6 }, () => ({
      access: "readwrite" as const,
      extras: [],
      withAccessKey: true,
    }));
    const plan = buildStackPlan({
      id: "dedup",
      users,
      keys: [{ rootStatement: true, keyUsers: [0], viaDynamoDbOnly: true, deniedUsers: [], enabled: true }],
      tables: [0],
    });
    const report = await analyzePlan(plan);
    expect(report.stats.distinctDecisions).to.be.lessThan(report.stats.questions / 2);
    expect(decisionOf(report, { name: "dedup-u0", operation: "GetItem" })).to.equal("allowed");
    for (const index of [1, 2, 3, 4, 5]) {
      // Same identity policies, but the key policy names only u0.
      expect(decisionOf(report, { name: `dedup-u${index}`, operation: "GetItem" })).to.equal("denied-by-kms");
    }
  });
});

describe("access: the command", function () {
  let dir: string;
  let out: string[];
  let err: string[];
  const io = {
    env: process.env,
    cwd: process.cwd(),
    stdout: (t: string) => void out.push(t),
    stderr: (t: string) => void err.push(t),
  };

  const workDir = useTempDir("access-cli");
  beforeEach(function () {
    dir = workDir();
    out = [];
    err = [];
  });

  it("exits 2 with one line for a mistake", async function () {
    expect(await main([], io)).to.equal(2);
    expect(await main(["--plan", join(dir, "missing.json")], io)).to.equal(2);
    writeFileSync(join(dir, "bad.json"), "{}");
    expect(await main(["--plan", join(dir, "bad.json")], io)).to.equal(2);
    expect(err.every((line) => !line.includes("    at "))).to.equal(true);
  });

  it("prints JSON, writes HTML, and exits 1 when --expect-key-users finds an extra decryptor", async function () {
    const plan = withDecryptPolicy(await synthesize({ stack: "dev", config: devConfig() }));
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
    const html = join(dir, "access.html");
    const code = await main(
      ["--plan", join(dir, "plan.json"), "--json", "--html", html, "--expect-key-users"],
      io,
    );
    expect(code).to.equal(1);
    const json = JSON.parse(out.join(""));
    expect(json.cells[0]).to.have.keys([
      "table",
      "principal",
      "operation",
      "decision",
      "reason",
      "statements",
    ]);
    expect(json.expectKeyUsers.violations[0]).to.match(/^kms-test-user can decrypt/);
    expect(readFileSync(html, "utf8")).to.match(/^<!doctype html>/);
  });
});
