/**
 * The `npm run checks` command against the sandbox: --outputs FILE, --json, exit codes, AWS_ENDPOINT_URL,
 * and no secret anywhere in what it prints.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { main, type CliIo } from "../../cli/checks";
import type { CheckReport } from "../../checks/types";
import type { StackOutputs } from "../../infra/outputs";
import { sandboxWithDev } from "../support/sandbox";
import { withUser } from "../support/outputs";
import { REPO_ROOT } from "../support/paths";
import { useTempDir } from "../support/tempDir";

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function runCli(argv: string[]): Promise<Captured> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => void stdout.push(text),
    stderr: (line) => void stderr.push(line),
    retry: { sleep: async () => undefined },
  };
  const code = await main(argv, io);
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

function secretsOf(outputs: StackOutputs): string[] {
  return Object.values(outputs.users).map((user) => user.secretAccessKey);
}

describe("checks CLI against the sandbox", function () {
  const workDir = useTempDir("checks-cli", { per: "suite" });
  this.timeout(60_000);
  const stack = sandboxWithDev();
  let dir: string;

  async function outputsFile(outputs: StackOutputs, name = "outputs.json"): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, JSON.stringify(outputs), { mode: 0o600 });
    return file;
  }

  before(async () => {
    dir = workDir();
  });

  it("--outputs FILE --json prints { ok, results } and exits 0 when every check matched", async () => {
    const { code, stdout } = await runCli([
      "--outputs",
      await outputsFile(stack.outputs),
      "--endpoint",
      stack.endpoint,
      "--json",
    ]);
    const report = JSON.parse(stdout) as CheckReport;
    expect(Object.keys(report)).to.deep.equal(["ok", "results"]);
    expect(report.ok).to.equal(true);
    expect(report.results).to.have.length(14);
    expect(report.results[0]).to.include({
      user: "app-user",
      operation: "GetCallerIdentity",
      expected: "allowed",
      actual: "allowed",
    });
    expect(code).to.equal(0);
  });

  it("prints the table with ✗ on the wrong cells and exits 1 when the outputs claim a key user the key policy does not list", async () => {
    const claimed = withUser(stack.outputs, "kms-test-user", { keyUser: true });
    const { code, stdout } = await runCli([
      "--outputs",
      await outputsFile(claimed, "claimed.json"),
      "--endpoint",
      stack.endpoint,
    ]);
    expect(code).to.equal(1);
    const wrongRows = stdout
      .split("\n")
      .filter((line) => /^✗\s+kms-test-user\s+\w+\s+allowed\s+denied-by-kms/.test(line));
    expect(wrongRows.map((line) => line.split(/\s+/)[2])).to.deep.equal([
      "PutItem",
      "GetItem",
      "Query",
      "UpdateItem",
      "DeleteItem",
    ]);
    expect(stdout.split("\n").filter((line) => /^✓\s/.test(line))).to.have.length(9);
  });

  it("never prints a secret access key, in the table, the JSON, the progress or the errors", async () => {
    const wrongSecret = "wrongWrongWrongWrongWrongWrongWrongWrong";
    const outputs = withUser(stack.outputs, "kms-test-user", { secretAccessKey: wrongSecret });
    const secrets = [...secretsOf(stack.outputs), wrongSecret];
    const file = await outputsFile(outputs, "wrong-secret.json");
    for (const argv of [
      ["--outputs", await outputsFile(stack.outputs, "good.json"), "--endpoint", stack.endpoint],
      ["--outputs", await outputsFile(stack.outputs, "good.json"), "--endpoint", stack.endpoint, "--json"],
      ["--outputs", file, "--endpoint", stack.endpoint],
      ["--outputs", file, "--endpoint", stack.endpoint, "--json"],
    ]) {
      const { stdout, stderr } = await runCli(argv);
      for (const secret of secrets) {
        expect(stdout + stderr, argv.join(" ")).not.to.include(secret);
      }
      expect(stdout + stderr).to.include("AKIA"); // the access key ids are not secret and identify the users
    }
  });

  it("a usage mistake is one line on stderr and exit 2", async () => {
    const unknownFlag = await runCli(["--outputz", "x.json"]);
    expect(unknownFlag.code).to.equal(2);
    expect(unknownFlag.stderr.split("\n")).to.have.length(1);
    expect(unknownFlag.stderr).to.match(/^error: Unknown option '--outputz'/);
    const both = await runCli(["--stack", "dev", "--outputs", "x.json"]);
    expect(both.stderr).to.equal(
      "error: --stack dev and --outputs x.json: give one source of outputs, not both",
    );
    const badWait = await runCli(["--outputs", "x.json", "--wait-for-grant", "--wait-seconds", "soon"]);
    expect(badWait.stderr).to.equal('error: --wait-seconds: "soon" is not a positive number of seconds');
  });

  it("runs as a command, and honours AWS_ENDPOINT_URL as the SDK does when --endpoint is absent", async () => {
    const file = await outputsFile(stack.outputs, "env.json");
    const result = await new Promise<Captured>((resolvePromise) => {
      execFile(
        process.execPath,
        ["-r", "./scripts/register.js", "cli/checks.ts", "--outputs", file, "--json"],
        { cwd: REPO_ROOT, env: { ...process.env, AWS_ENDPOINT_URL: stack.endpoint } },
        (err, stdout, stderr) => resolvePromise({ code: err ? Number(err.code) : 0, stdout, stderr }),
      );
    });
    expect(result.code, result.stderr).to.equal(0);
    expect((JSON.parse(result.stdout) as CheckReport).ok).to.equal(true);
    expect(result.stderr).to.match(/app-user: running as arn:aws:iam::\d{12}:user\/app-user/);
    for (const secret of secretsOf(stack.outputs)) {
      expect(result.stdout + result.stderr).not.to.include(secret);
    }
  });
});
