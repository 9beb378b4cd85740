/**
 * The AWS CLI's part of the key lifecycle runbook against a running sandbox, as a person runs it:
 * `npm run sandbox -- --deployer-credentials` writes the key administrator's access key, and the AWS
 * CLI disables and enables the key with it (test/cli/sandboxClock.int.test.ts holds the rest of the runbook). A
 * missing `aws` skips this off CI (as awscli.slow.test.ts does); under CI it fails.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import type { StackOutputs } from "../../infra/outputs";
import { requireAwsCli, runAws, type AwsCliResult } from "../support/awsCli";
import { startCli } from "../support/sandboxProcess";
import { useTempDir } from "../support/tempDir";

interface DeployerFile {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

function aws(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string; region: string },
  args: string[],
): Promise<AwsCliResult> {
  return runAws(endpoint, credentials.region, credentials, args);
}

describe("key lifecycle runbook with the AWS CLI", function () {
  this.timeout(120_000);
  const workDir = useTempDir("sandbox-lifecycle");

  it("disables the key with the deployer's key through the AWS CLI, and enables it again", async function () {
    requireAwsCli(this);
    const outputsFile = path.join(workDir(), "outputs.json");
    const deployerFile = path.join(workDir(), "deployer.json");
    const cli = await startCli([
      "--stack",
      "dev",
      "--outputs",
      outputsFile,
      "--deployer-credentials",
      deployerFile,
    ]);
    try {
      const deployer = JSON.parse(fs.readFileSync(deployerFile, "utf8")) as DeployerFile;
      const outputs = JSON.parse(fs.readFileSync(outputsFile, "utf8")) as StackOutputs;
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
