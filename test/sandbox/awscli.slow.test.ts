/**
 * The AWS CLI (botocore, which checks DynamoDB's x-amz-crc32 and signs on its own) against the sandbox,
 * through AWS_ENDPOINT_URL alone. .ci/run installs the AWS CLI where it is missing, so under CI a missing
 * `aws` fails this test; on a developer's machine without it, the test is skipped and says so.
 */
import { execFile, execFileSync } from "node:child_process";
import { expect } from "chai";
import { credentialsOf, deployDev, type Deployed } from "./helpers";

function awsCliAvailable(): boolean {
  try {
    execFileSync("aws", ["--version"], { stdio: "ignore", timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

describe("sandbox with the AWS CLI", function () {
  this.timeout(120_000);
  let deployed: Deployed;

  before(async function () {
    if (!awsCliAvailable()) {
      if (process.env.CI) {
        throw new Error("the AWS CLI (`aws`) is not installed; .ci/run should have installed it");
      }
      console.warn("      (skipped: no `aws` command on this machine; apt-get install awscli)");
      this.skip();
    }
    deployed = await deployDev();
  });

  after(async () => {
    await deployed?.sandbox.stop();
  });

  function aws(user: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const credentials = credentialsOf(deployed.outputs, user);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ENDPOINT_URL: deployed.sandbox.endpoint,
      AWS_DEFAULT_REGION: deployed.outputs.region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      AWS_MAX_ATTEMPTS: "1",
    };
    return new Promise((resolve) => {
      // --endpoint-url as well as AWS_ENDPOINT_URL: Debian's AWS CLI (2.9) predates the variable.
      const cli = [...args, "--endpoint-url", deployed.sandbox.endpoint, "--output", "json"];
      execFile("aws", cli, { env, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  it("writes and reads an item and describes the table's encryption as app-user", async () => {
    const table = deployed.outputs.tableName;
    const put = await aws("app-user", [
      "dynamodb",
      "put-item",
      "--table-name",
      table,
      "--item",
      '{"pk":{"S":"cli"}}',
    ]);
    expect(put.code, put.stderr).to.equal(0);
    const get = await aws("app-user", [
      "dynamodb",
      "get-item",
      "--table-name",
      table,
      "--key",
      '{"pk":{"S":"cli"}}',
    ]);
    expect(get.code, get.stderr).to.equal(0);
    expect(JSON.parse(get.stdout).Item).to.deep.equal({ pk: { S: "cli" } });
    const described = await aws("app-user", ["dynamodb", "describe-table", "--table-name", table]);
    expect(described.code, described.stderr).to.equal(0);
    expect(JSON.parse(described.stdout).Table.SSEDescription.KMSMasterKeyArn).to.equal(
      deployed.outputs.keyArn,
    );
  });

  it("shows the KMS denial to kms-test-user and the caller identity through STS", async () => {
    const table = deployed.outputs.tableName;
    const denied = await aws("kms-test-user", [
      "dynamodb",
      "get-item",
      "--table-name",
      table,
      "--key",
      '{"pk":{"S":"cli"}}',
    ]);
    expect(denied.code).to.not.equal(0);
    expect(denied.stderr).to.contain(
      "(AccessDeniedException) when calling the GetItem operation: KMS key access denied",
    );
    const identity = await aws("kms-test-user", ["sts", "get-caller-identity"]);
    expect(identity.code, identity.stderr).to.equal(0);
    expect(JSON.parse(identity.stdout).Arn).to.equal(deployed.outputs.users["kms-test-user"].arn);
  });
});
