/**
 * The checks' other direction: --wait-for-revoke and the access changes a wait records, and the
 * expectations of a key that cannot be used, against a real sandbox over HTTP.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { main, type CliIo } from "../../cli/checks";
import { runChecks } from "../../checks/run";
import { formatCheckTable } from "../../checks/format";
import { waitForChecks } from "../../checks/wait";
import type { CheckReport } from "../../checks/types";
import { sandboxWithDev } from "../support/sandbox";
import { withTempDir } from "../support/tempDir";

const noWait = { sleep: async () => undefined };
const GRANTED = [
  { name: "app-user", dynamodbAccess: "readwrite", keyUser: true },
  { name: "kms-test-user", dynamodbAccess: "full", keyUser: true },
];
const REVOKED = [
  { name: "app-user", dynamodbAccess: "readwrite", keyUser: true },
  { name: "kms-test-user", dynamodbAccess: "full", keyUser: false },
];

describe("checks after a revoke", function () {
  this.timeout(120_000);
  const stack = sandboxWithDev({ "kms-dynamodb:users": GRANTED }, {}, { per: "test" });

  it("--wait-for-revoke records when the revoked user's access changed", async () => {
    const before = await runChecks({ outputs: stack.outputs, endpoint: stack.endpoint, retry: noWait });
    expect(before.ok, formatCheckTable(before)).to.equal(true);
    let clock = 0;
    let runs = 0;
    const lines: string[] = [];
    const report: CheckReport = await waitForChecks({
      outputs: stack.sandbox.outputs(),
      endpoint: stack.endpoint,
      retry: noWait,
      direction: "revoke",
      baseline: before,
      intervalSeconds: 15,
      now: () => clock,
      log: (line) => {
        lines.push(line);
        if (line.startsWith("checks ")) {
          runs++;
        }
      },
      sleep: async (ms) => void (clock += ms),
    });
    // Nothing changed yet: the wait ends at once, with no change recorded.
    expect(report.ok).to.equal(true);
    expect(report.accessChanges).to.deep.equal([]);
    expect(runs).to.equal(1);

    await stack.update({ "kms-dynamodb:users": REVOKED });
    const revoked = await waitForChecks({
      outputs: stack.sandbox.outputs(),
      endpoint: stack.endpoint,
      retry: noWait,
      direction: "revoke",
      baseline: before,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
      log: (line) => lines.push(line),
    });
    expect(revoked.ok, formatCheckTable(revoked)).to.equal(true);
    // A new connection makes DynamoDB ask KMS, which applies the new key policy (KMS developer guide,
    // "How Amazon DynamoDB uses AWS KMS", Table key): the first run already sees the revoke.
    expect(revoked.accessChanges).to.deep.equal([
      { user: "kms-test-user", from: "allowed", to: "denied-by-kms", run: 1, afterSeconds: 0 },
    ]);
    expect(lines).to.include(
      "wait-for-revoke: kms-test-user: access changed from allowed to denied-by-kms (run 1, after 0s)",
    );
  });

  it("expects every item call stopped by KMS while the key is disabled (keyUsable: false)", async () => {
    await stack.sandbox.setKeyState(stack.outputs.keyArn, "Disabled");
    const report = await runChecks({
      outputs: stack.outputs,
      endpoint: stack.endpoint,
      retry: noWait,
      keyUsable: false,
    });
    expect(report.ok, formatCheckTable(report)).to.equal(true);
    const items = report.results.filter((r) => !["GetCallerIdentity", "DescribeTable"].includes(r.operation));
    expect(items).to.have.length(10);
    // "Key states of AWS KMS keys": Decrypt of a Disabled key fails with DisabledException.
    for (const result of items) {
      expect(result.actual).to.equal("denied-by-kms");
      expect(result.error).to.contain("DisabledException");
    }
  });

  it("the CLI takes --wait-for-revoke, prints the access changes as JSON, and refuses both waits at once", async () => {
    await withTempDir("checks-revoke", async (dir) => {
      const file = join(dir, "outputs.json");
      await writeFile(file, JSON.stringify(stack.outputs), { mode: 0o600 });
      const stdout: string[] = [];
      const stderr: string[] = [];
      const io: CliIo = {
        env: process.env,
        cwd: process.cwd(),
        stdout: (text) => void stdout.push(text),
        stderr: (line) => void stderr.push(line),
        retry: noWait,
        sleep: async () => undefined,
      };
      const args = ["--outputs", file, "--endpoint", stack.endpoint, "--json"];
      expect(await main([...args, "--wait-for-revoke", "--wait-seconds", "30"], io)).to.equal(0);
      const printed = JSON.parse(stdout.join("\n")) as CheckReport;
      expect(printed.ok).to.equal(true);
      expect(printed.accessChanges).to.deep.equal([]);
      stderr.length = 0;
      expect(await main([...args, "--wait-for-revoke", "--wait-for-grant"], io)).to.equal(2);
      expect(stderr).to.deep.equal([
        "error: --wait-for-grant and --wait-for-revoke: give one of them, not both",
      ]);
    });
  });
});
