/**
 * The runbook against a running sandbox, as a person runs it: `npm run sandbox -- --deployer-credentials`
 * writes the key administrator's access key (0600), the AWS CLI disables the key with it, and
 * `npm run sandbox:clock` moves the sandbox's clock from outside. A missing `aws` skips only the AWS CLI
 * part off CI (as awscli.test.ts does).
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import type { StackOutputs } from "../../infra/outputs";
import { main as clockMain } from "../../sandbox/clock-cli";
import { startCli } from "./cli-process";

interface DeployerFile {
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  endpoint: string;
}

function awsCliAvailable(): boolean {
  try {
    execFileSync("aws", ["--version"], { stdio: "ignore", timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

function aws(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string; region: string },
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_DEFAULT_REGION: credentials.region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_MAX_ATTEMPTS: "1",
  };
  return new Promise((resolve) => {
    const cli = [...args, "--endpoint-url", endpoint, "--output", "json"];
    execFile("aws", cli, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("key lifecycle runbook against a running sandbox", function () {
  this.timeout(120_000);
  let workDir: string;

  beforeEach(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-lifecycle-"));
  });
  afterEach(() => {
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("writes the deployer's key 0600, disables the key with the AWS CLI, and advances the clock", async function () {
    const outputsFile = path.join(workDir, "outputs.json");
    const deployerFile = path.join(workDir, "deployer.json");
    const cli = await startCli([
      "--stack",
      "dev",
      "--outputs",
      outputsFile,
      "--deployer-credentials",
      deployerFile,
    ]);
    const printed: string[] = [];
    try {
      expect(fs.statSync(deployerFile).mode & 0o777).to.equal(0o600);
      const deployer = JSON.parse(fs.readFileSync(deployerFile, "utf8")) as DeployerFile;
      const outputs = JSON.parse(fs.readFileSync(outputsFile, "utf8")) as StackOutputs;
      expect(deployer.endpoint).to.equal(cli.endpoint);
      expect(deployer.accessKeyId).to.match(/^AKIA[A-Z2-7]{16}$/);
      expect(cli.stdout() + cli.stderr()).to.not.contain(deployer.secretAccessKey);

      expect(
        await clockMain(["--credentials", deployerFile, "--advance", "8d"], {
          env: process.env,
          cwd: process.cwd(),
          stdout: (line) => void printed.push(line),
          stderr: () => undefined,
        }),
      ).to.equal(0);
      expect(printed.join("\n")).to.contain("advanced 8.00 days");
      const quiet = {
        env: process.env,
        cwd: process.cwd(),
        stdout: () => undefined,
        stderr: () => undefined,
      };
      expect(await clockMain(["--credentials", deployerFile, "--advance", "soon"], quiet)).to.equal(2);

      if (!awsCliAvailable()) {
        if (process.env.CI) {
          throw new Error("the AWS CLI (`aws`) is not installed; .ci/run should have installed it");
        }
        console.warn("      (AWS CLI part skipped: no `aws` command on this machine)");
        return;
      }
      const disabled = await aws(cli.endpoint, deployer, ["kms", "disable-key", "--key-id", outputs.keyArn]);
      expect(disabled.code, disabled.stderr).to.equal(0);
      const user = { ...outputs.users["app-user"], region: outputs.region };
      const table = await aws(cli.endpoint, user, [
        "dynamodb",
        "describe-table",
        "--table-name",
        outputs.tableName,
      ]);
      expect(table.code, table.stderr).to.equal(0);
      // DynamoDB API reference, TableDescription: a table whose key is disabled.
      expect(JSON.parse(table.stdout).Table.TableStatus).to.equal("INACCESSIBLE_ENCRYPTION_CREDENTIALS");
      const refused = await aws(cli.endpoint, user, ["dynamodb", "scan", "--table-name", outputs.tableName]);
      expect(refused.code).to.not.equal(0);
      expect(refused.stderr).to.contain("DisabledException");
      const enabled = await aws(cli.endpoint, deployer, ["kms", "enable-key", "--key-id", outputs.keyArn]);
      expect(enabled.code, enabled.stderr).to.equal(0);
      const back = await aws(cli.endpoint, user, [
        "dynamodb",
        "describe-table",
        "--table-name",
        outputs.tableName,
      ]);
      expect(JSON.parse(back.stdout).Table.TableStatus).to.equal("ACTIVE");
    } finally {
      cli.child.kill("SIGTERM");
      await cli.exited;
    }
  });
});
