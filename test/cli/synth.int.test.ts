/**
 * `npm run synth` against a state, and the sandbox's checkpoint: the previews `pulumi preview --diff`,
 * `pulumi preview --refresh` and `pulumi destroy --preview-only` would print, offline.
 * - https://www.pulumi.com/docs/iac/cli/commands/pulumi_preview/ (`--diff`: "Display operation as a
 *   rich diff showing the overall change"; `--refresh`: "Refresh the state of the stack's resources
 *   before this update")
 * - https://www.pulumi.com/docs/iac/operations/stack-management/drift/ : a change made outside Pulumi
 *   (a key disabled in the console) is drift, reported by a refresh as an update of that resource.
 * - https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_export/ : the state's format.
 */
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetItemCommand, ListTablesCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { CHECKPOINT_FILE, readCheckpoint, toDeployment } from "../../plan/checkpoint";
import { REPO_ROOT, synthesize } from "../../plan/synth";
import { Sandbox } from "../../sandbox";
import { refreshFromCloud } from "../../plan/refresh";
import { readCloud } from "../../sandbox/deploy/refresh";
import { credentialsOf, failureOf, useClientPool } from "../support/sandbox";
import { devConfig } from "../support/plan";
import type { StackOutputs } from "../../infra/outputs";
import { main as synthMain } from "../../cli/synth";
import { main as sandboxMain } from "../../cli/sandbox";
import { runMainInProcess } from "../support/inProcessCli";
import { tempDirForThisTest, useTempDir } from "../support/tempDir";

// The CLIs run in this process through their main(argv, io), from the repository as `npm run` runs
// them (test/support/inProcessCli.ts); what a process adds, the exit code and the one-line error of
// runMain, is test/cli/runner.int.test.ts's.
const synth = async (args: string[]) => {
  const result = await runMainInProcess(synthMain, args, REPO_ROOT);
  return { status: result.code, stdout: result.stdout, stderr: result.stderr };
};
const sandboxCli = async (args: string[]) => {
  const result = await runMainInProcess(sandboxMain, args, REPO_ROOT);
  return { status: result.code, stdout: result.stdout, stderr: result.stderr };
};

describe("npm run synth against a state", function () {
  this.timeout(300_000);
  const pool = useClientPool();
  const stateDir = useTempDir("synth-state", { per: "suite" });
  let dataDir: string;
  let outputs: StackOutputs;

  before(async () => {
    dataDir = stateDir();
    const sandbox = await Sandbox.start({ dataDir });
    try {
      await sandbox.apply(await synthesize({ stack: "dev", previousState: sandbox.state() }));
      outputs = sandbox.outputs();
      // Drift: the key disabled by hand, outside the program (DisableKey in the console).
      await sandbox.setKeyState(outputs.keyArn, "Disabled");
      expect(readCheckpoint(dataDir)).to.deep.equal(sandbox.state());
    } finally {
      await sandbox.stop();
    }
  });

  it("keeps the sandbox's checkpoint as a deployment v3 file, mode 0600 (it holds secrets)", () => {
    const file = join(dataDir, CHECKPOINT_FILE);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    const state = readCheckpoint(dataDir);
    expect(state.resources.find((r) => r.type === "aws:kms/key:Key")?.outputs.arn).to.equal(outputs.keyArn);
  });

  it("--diff from the checkpoint: the same config changes nothing", async () => {
    const result = await synth(["--stack", "dev", "--state", dataDir, "--diff"]);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout.trim().split("\n")).to.deep.equal([
      `Resources: ${readCheckpoint(dataDir).resources.length} unchanged`,
    ]);
  });

  it("--refresh reports the key disabled by hand as drift, then plans to bring it back", async () => {
    const result = await synth(["--stack", "dev", "--state", dataDir, "--refresh", "--diff"]);
    expect(result.status, result.stderr).to.equal(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).to.equal("Refresh (the emulated cloud against the checkpoint):");
    expect(lines[1]).to.equal("~ aws:kms/key:Key kms-dynamodb-key: update [isEnabled]");
    const preview = lines.slice(lines.indexOf("Preview:") + 1);
    expect(preview[0]).to.equal("~ aws:kms/key:Key kms-dynamodb-key: update [isEnabled]");
    expect(preview.at(-1)).to.match(/^Resources: ~ 1 to update, \d+ unchanged$/);
  });

  it("applying the refreshed plan enables the key again, as `pulumi up --refresh` does", async () => {
    // https://www.pulumi.com/docs/iac/operations/stack-management/drift/ : `pulumi up --refresh` reads the
    // cloud first, then "the update will bring the resources back in line with the program"; a plain
    // `pulumi up` diffs the program against the last checkpoint and leaves the drift.
    const sandbox = await Sandbox.start({ dataDir });
    try {
      await sandbox.apply(await synthesize({ stack: "dev", previousState: sandbox.state() }));
      expect(sandbox.describeKey(outputs.keyArn)).to.include({ keyState: "Disabled" });

      const drift = refreshFromCloud(sandbox.state(), readCloud(dataDir));
      expect(drift.steps.map((step) => [step.op, step.diffReasons])).to.deep.equal([
        ["update", ["isEnabled"]],
      ]);
      const plan = await synthesize({ stack: "dev", previousState: drift.state });
      const keyStep = plan.steps.find((step) => step.newState?.type === "aws:kms/key:Key");
      expect(keyStep).to.include({ op: "update" });
      expect(keyStep?.diffReasons).to.deep.equal(["isEnabled"]);
      await sandbox.apply(plan);
      // KMS API reference, EnableKey: "Sets the key state of a KMS key to enabled".
      expect(sandbox.describeKey(outputs.keyArn)).to.include({ keyState: "Enabled", enabled: true });
      const appUser = pool.open(sandbox.endpoint, credentialsOf(outputs, "app-user"), outputs.region);
      // The table's key serves DynamoDB again ("How Amazon DynamoDB uses AWS KMS": a disabled key makes
      // the table inaccessible; an enabled one makes it readable and writable).
      const item = { pk: { S: "after-refresh" } };
      await appUser.dynamodb.send(new PutItemCommand({ TableName: outputs.tableName, Item: item }));
      const read = await appUser.dynamodb.send(
        new GetItemCommand({ TableName: outputs.tableName, Key: item, ConsistentRead: true }),
      );
      expect(read.Item).to.deep.equal(item);
      // The cloud now matches the program: a second refresh finds no drift.
      expect(refreshFromCloud(sandbox.state(), readCloud(dataDir)).steps).to.deep.equal([]);
    } finally {
      await sandbox.stop();
    }
  });

  it("--state FILE: a `pulumi stack export` file; the JSON plan carries the steps' fields", async () => {
    const file = join(dataDir, "export.json");
    writeFileSync(file, JSON.stringify(toDeployment(readCheckpoint(dataDir), new Date())), { mode: 0o600 });
    const result = await synth(["--stack", "dev", "--state", file, "--json"]);
    expect(result.status, result.stderr).to.equal(0);
    const plan = JSON.parse(result.stdout) as {
      steps: { op: string; oldState?: unknown; detailedDiff: unknown }[];
    };
    expect(plan.steps.every((step) => step.op === "same" && step.oldState !== undefined)).to.equal(true);
    expect(plan.steps.every((step) => step.detailedDiff === null)).to.equal(true);
    // Secrets stay redacted in the printed plan, in old and new state alike.
    expect(result.stdout).to.not.contain(credentialsOf(outputs, "app-user").secretAccessKey);
  });

  it("fails a bad --state with one line and exit 2", async () => {
    const result = await synth(["--stack", "dev", "--state", join(dataDir, "nope.json")]);
    expect(result.status).to.equal(2);
    expect(result.stderr).to.equal(`error: --state: "${join(dataDir, "nope.json")}" does not exist\n`);
  });

  it("--destroy plans a delete of every resource; the sandbox's --destroy carries it out", async () => {
    const count = readCheckpoint(dataDir).resources.length;
    const planned = await synth(["--destroy", "--state", dataDir]);
    expect(planned.status, planned.stderr).to.equal(0);
    const ops = (JSON.parse(planned.stdout) as { steps: { op: string }[] }).steps.map((step) => step.op);
    expect(ops).to.deep.equal(Array.from({ length: count }, () => "delete"));

    const destroyed = await sandboxCli(["--destroy", "--data-dir", dataDir]);
    expect(destroyed.status, destroyed.stderr).to.equal(0);
    expect(destroyed.stdout).to.equal(`sandbox: destroyed; Resources: - ${count} to delete\n`);
    expect(readCheckpoint(dataDir).resources).to.deep.equal([]);
    const sandbox = await Sandbox.start({ dataDir });
    try {
      const { dynamodb } = pool.open(sandbox.endpoint, credentialsOf(outputs, "app-user"), outputs.region);
      // The user and its access key are gone: AWS refuses an unknown key id.
      expect((await failureOf(dynamodb.send(new ListTablesCommand({})))).name).to.equal(
        "UnrecognizedClientException",
      );
    } finally {
      await sandbox.stop();
    }
  });
});

describe("synthesize from the sandbox's state after a restart", function () {
  this.timeout(120_000);

  it("plans a grant as one key-policy update from a restarted sandbox's checkpoint", async () => {
    const dataDir = tempDirForThisTest("synth-restart");
    const first = await Sandbox.start({ dataDir });
    await first.apply(await synthesize({ stack: "dev", previousState: first.state() }));
    const before = first.outputs();
    await first.stop();
    const second = await Sandbox.start({ dataDir });
    try {
      const users = devConfig()["kms-dynamodb:users"] as { name: string }[];
      const granted = await synthesize({
        stack: "dev",
        config: devConfig({ "kms-dynamodb:users": users.map((user) => ({ ...user, keyUser: true })) }),
        previousState: second.state(),
      });
      expect(
        granted.steps.filter((step) => step.op !== "same").map((step) => [step.op, step.diffReasons]),
      ).to.deep.equal([["update", ["policy"]]]);
      await second.apply(granted);
      expect(second.outputs().users["kms-test-user"]).to.deep.include({
        accessKeyId: before.users["kms-test-user"].accessKeyId,
        secretAccessKey: before.users["kms-test-user"].secretAccessKey,
        keyUser: true,
      });
    } finally {
      await second.stop();
    }
  });
});
