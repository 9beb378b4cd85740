/**
 * The checks against the sandbox over real HTTP, with the real AWS SDK v3 clients: the dev stack, a
 * stack whose outputs claim more than its key policy grants, IAM- vs KMS-denials, unknown access keys,
 * --wait-for-grant, and the CLI.
 */
import { expect } from "chai";
import { DescribeTableCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { runChecks } from "../../checks/run";
import { formatCheckTable } from "../../checks/format";
import { waitForChecks } from "../../checks/wait";
import type { CheckReport, CheckResult, Operation } from "../../checks/types";
import type { StackOutputs } from "../../infra/outputs";
import { sandboxWithDev, type DevSandbox } from "../support/sandbox";
import { withUser } from "../support/outputs";

const ITEM_CALLS: Operation[] = ["PutItem", "GetItem", "Query", "UpdateItem", "DeleteItem"];
const noWait = { sleep: async () => undefined };

function resultsOf(report: CheckReport, user: string): Record<string, CheckResult> {
  return Object.fromEntries(
    report.results.filter((result) => result.user === user).map((result) => [result.operation, result]),
  );
}

function actualsOf(report: CheckReport, user: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(resultsOf(report, user)).map(([operation, result]) => [operation, result.actual]),
  );
}

/** The check items left in the table, read as a user that may scan it. */
async function leftoverCheckItems(stack: DevSandbox, asUser: string): Promise<number> {
  const client = stack.user(asUser).dynamodb;
  const { Table } = await client.send(new DescribeTableCommand({ TableName: stack.outputs.tableName }));
  const hash =
    Table?.KeySchema?.find((key) => key.KeyType === "HASH")?.AttributeName ?? expect.fail("no hash key");
  const { Items } = await client.send(new ScanCommand({ TableName: stack.outputs.tableName }));
  return (Items ?? []).filter((item) => item[hash]?.S?.startsWith("kms-dynamodb-check/")).length;
}

describe("checks against the sandbox", function () {
  this.timeout(60_000);

  describe("the dev stack", () => {
    const stack = sandboxWithDev();

    it("passes: app-user reads and writes; kms-test-user describes the table and KMS stops its item calls", async () => {
      const report = await runChecks({ outputs: stack.outputs, endpoint: stack.endpoint, retry: noWait });
      expect(report.ok, formatCheckTable(report)).to.equal(true);
      expect(actualsOf(report, "app-user")).to.deep.equal({
        GetCallerIdentity: "allowed",
        DescribeTable: "allowed",
        PutItem: "allowed",
        GetItem: "allowed",
        Query: "allowed",
        UpdateItem: "allowed",
        DeleteItem: "allowed",
      });
      const testUser = resultsOf(report, "kms-test-user");
      expect(testUser.GetCallerIdentity.detail).to.equal(stack.outputs.users["kms-test-user"].arn);
      expect(testUser.DescribeTable.actual).to.equal("allowed");
      for (const operation of ITEM_CALLS) {
        expect(testUser[operation], operation).to.deep.include({ actual: "denied-by-kms", stoppedBy: "kms" });
        expect(testUser[operation].error, operation).to.match(
          /^AccessDeniedException: KMS key access denied error/,
        );
      }
      expect(resultsOf(report, "app-user").GetItem.detail).to.equal("item found");
    });

    it("deletes every item it wrote", async () => {
      await runChecks({ outputs: stack.outputs, endpoint: stack.endpoint, retry: noWait });
      expect(await leftoverCheckItems(stack, "app-user")).to.equal(0);
    });

    it("fails, marking exactly the wrong cells, when the outputs claim a key user the key policy does not list", async () => {
      const claimed = withUser(stack.outputs, "kms-test-user", { keyUser: true });
      const report = await runChecks({ outputs: claimed, endpoint: stack.endpoint, retry: noWait });
      expect(report.ok).to.equal(false);
      const wrong = report.results.filter((result) => result.actual !== result.expected);
      expect(
        wrong.map((result) => [result.user, result.operation, result.expected, result.actual]),
      ).to.deep.equal(
        ITEM_CALLS.map((operation) => ["kms-test-user", operation, "allowed", "denied-by-kms"]),
      );
      const table = formatCheckTable(report);
      const lines = table.split("\n");
      const rows = lines.filter((line) =>
        /^✗\s+kms-test-user\s+\w+\s+allowed\s+denied-by-kms\s+AccessDeniedException: KMS/.test(line),
      );
      expect(rows.map((line) => line.split(/\s+/)[2])).to.deep.equal(ITEM_CALLS);
      expect(lines.filter((line) => line.startsWith("✓"))).to.have.length(9);
      expect(table).to.include(
        "✗ kms-test-user PutItem, GetItem, Query, UpdateItem, DeleteItem: expected allowed (its dynamodbAccess and keyUser allow it), got denied-by-kms",
      );
      expect(table).to.match(
        /✗ 5 of 14 checks did not match the stack's intent: kms-test-user PutItem, kms-test-user GetItem/,
      );
    });

    it("retries a key the sandbox does not know a bounded number of times, then reports it", async () => {
      const waits: number[] = [];
      const ghost = withUser(stack.outputs, "ghost", {
        arn: `arn:aws:iam::${stack.outputs.accountId}:user/ghost`,
        dynamodbAccess: "readwrite",
        keyUser: true,
        accessKeyId: "AKIAGHOSTGHOSTGHOST1",
        secretAccessKey: "ghostGhostGhostGhostGhostGhostGhostGhost",
      });
      const report = await runChecks({
        outputs: ghost,
        endpoint: stack.endpoint,
        retry: { maxAttempts: 4, baseDelayMs: 250, sleep: async (ms) => void waits.push(ms) },
      });
      expect(report.ok).to.equal(false);
      const results = resultsOf(report, "ghost");
      expect(results.GetCallerIdentity).to.deep.include({ actual: "error", attempts: 4 });
      expect(results.GetCallerIdentity.error).to.match(/^InvalidClientTokenId: /);
      expect(waits).to.deep.equal([250, 500, 1000]);
      // Once refused through every attempt, the key is not waited for again.
      expect(results.DescribeTable.actual).to.equal("error");
      expect(results.DescribeTable.error).to.match(/^UnrecognizedClientException: /);
      expect(results.DescribeTable.attempts).to.equal(undefined);
      // The other users are unaffected.
      expect(
        report.results
          .filter((result) => result.user !== "ghost")
          .every((result) => result.actual === result.expected),
      ).to.equal(true);
    });

    it("does not retry a wrong secret (a signature mismatch is an answer, not a delay)", async () => {
      const wrongSecret = "wrongWrongWrongWrongWrongWrongWrongWrong";
      const outputs = withUser(stack.outputs, "app-user", { secretAccessKey: wrongSecret });
      const report = await runChecks({
        outputs,
        endpoint: stack.endpoint,
        retry: { sleep: async () => expect.fail("a signature mismatch must not be retried") },
      });
      const results = resultsOf(report, "app-user");
      expect(results.GetCallerIdentity.actual).to.equal("error");
      expect(results.GetCallerIdentity.error).to.match(/^SignatureDoesNotMatch: /);
      expect(results.DescribeTable.error).to.match(/^InvalidSignatureException: /);
      expect(JSON.stringify(report)).not.to.include(wrongSecret);
    });

    it("reports a key that belongs to another user than the outputs say", async () => {
      const swapped = withUser(stack.outputs, "app-user", { arn: stack.outputs.users["kms-test-user"].arn });
      const report = await runChecks({ outputs: swapped, endpoint: stack.endpoint, retry: noWait });
      expect(resultsOf(report, "app-user").GetCallerIdentity).to.deep.include({
        actual: "error",
        error: `IdentityMismatch: runs as ${stack.outputs.users["app-user"].arn}, but the stack outputs say users.app-user.arn is ${stack.outputs.users["kms-test-user"].arn}`,
      });
      expect(report.ok).to.equal(false);
    });

    it("--wait-for-grant gives up at its bound and reports the denial it still sees", async () => {
      const claimed = withUser(stack.outputs, "kms-test-user", { keyUser: true });
      let clock = 0;
      const lines: string[] = [];
      const report = await waitForChecks({
        outputs: claimed,
        endpoint: stack.endpoint,
        retry: noWait,
        waitSeconds: 40,
        intervalSeconds: 15,
        now: () => clock,
        sleep: async (ms) => void (clock += ms),
        log: (line) => lines.push(line),
      });
      expect(report.ok).to.equal(false);
      expect(resultsOf(report, "kms-test-user").GetItem.actual).to.equal("denied-by-kms");
      const progress = lines.filter((line) => line.startsWith("wait-for-grant:"));
      expect(progress).to.have.length(3);
      expect(progress[0]).to.match(
        /^wait-for-grant: run 1: ✗ 5 of 14 checks did not match.*; next run in 15s \(0s of 40s\)$/,
      );
      expect(progress[2]).to.equal(
        "wait-for-grant: gave up after 3 run(s) and 30s (bound 40s); reporting the last run",
      );
    });
  });

  describe("a stack granted the key while the checks wait", () => {
    const stack = sandboxWithDev();

    it("--wait-for-grant polls until the grant shows, then passes", async () => {
      const granted = withUser(stack.outputs, "kms-test-user", { keyUser: true });
      const users = [
        { name: "app-user", dynamodbAccess: "readwrite", keyUser: true },
        { name: "kms-test-user", dynamodbAccess: "full", keyUser: true },
      ];
      let runs = 0;
      const report = await waitForChecks({
        outputs: granted,
        endpoint: stack.endpoint,
        retry: noWait,
        intervalSeconds: 1,
        log: (line) => void (line.startsWith("checks ") && runs++),
        // The grant lands between the first and the second run, as `pulumi up` would.
        sleep: async () => stack.update({ "kms-dynamodb:users": users }),
      });
      expect(report.ok, formatCheckTable(report)).to.equal(true);
      expect(runs).to.equal(2);
      expect(actualsOf(report, "kms-test-user").GetItem).to.equal("allowed");
    });
  });

  describe("IAM-denied and KMS-denied told apart", () => {
    const stack = sandboxWithDev({
      "kms-dynamodb:users": [
        { name: "writer", dynamodbAccess: "readwrite", keyUser: true },
        { name: "reader", dynamodbAccess: "readonly", keyUser: true },
        { name: "outsider", dynamodbAccess: "readonly", keyUser: false },
      ],
    });
    let outputs: StackOutputs;
    before(async () => {
      outputs = stack.outputs;
    });

    it("a readonly key user's writes are denied by IAM, its reads allowed; a readonly outsider's reads are denied by KMS", async () => {
      const report = await runChecks({ outputs, endpoint: stack.endpoint, retry: noWait });
      expect(report.ok, formatCheckTable(report)).to.equal(true);
      const reader = resultsOf(report, "reader");
      expect(reader.PutItem).to.deep.include({ actual: "denied-by-iam", stoppedBy: "iam" });
      expect(reader.PutItem.error).to.match(/is not authorized to perform: dynamodb:PutItem/);
      expect(actualsOf(report, "reader")).to.deep.include({
        GetItem: "allowed",
        Query: "allowed",
        UpdateItem: "denied-by-iam",
        DeleteItem: "denied-by-iam",
      });
      expect(actualsOf(report, "outsider")).to.deep.include({
        DescribeTable: "allowed",
        PutItem: "denied-by-iam",
        GetItem: "denied-by-kms",
        Query: "denied-by-kms",
      });
    });

    it("a readonly user claimed to be readwrite: the writes are marked wrong, stopped by IAM", async () => {
      const claimed = withUser(outputs, "reader", { dynamodbAccess: "readwrite" });
      const report = await runChecks({ outputs: claimed, endpoint: stack.endpoint, retry: noWait });
      const wrong = report.results.filter((result) => result.actual !== result.expected);
      expect(wrong.map((result) => `${result.user} ${result.operation} ${result.stoppedBy}`)).to.deep.equal([
        "reader PutItem iam",
        "reader UpdateItem iam",
        "reader DeleteItem iam",
      ]);
      expect(await leftoverCheckItems(stack, "writer")).to.equal(0);
    });
  });
});
