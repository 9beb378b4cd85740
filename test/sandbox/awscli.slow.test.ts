/**
 * The AWS CLI (botocore, which checks DynamoDB's x-amz-crc32 and signs on its own) against the sandbox,
 * through AWS_ENDPOINT_URL alone. .ci/run installs the AWS CLI where it is missing, so under CI a missing
 * `aws` fails this test; on a developer's machine without it, the test is skipped and says so.
 */
import { expect } from "chai";
import { requireAwsCli, runAws, type AwsCliResult } from "../support/awsCli";
import { credentialsOf, sandboxWithDev } from "../support/sandbox";

describe("sandbox with the AWS CLI", function () {
  this.timeout(120_000);
  // Before the sandbox's hooks: a skip there skips them too (mocha runs no later before hook).
  before(function () {
    requireAwsCli(this);
  });
  const deployed = sandboxWithDev();

  function aws(user: string, args: string[]): Promise<AwsCliResult> {
    const credentials = credentialsOf(deployed.outputs, user);
    return runAws(deployed.sandbox.endpoint, deployed.outputs.region, credentials, args);
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

  // The table's settings as the DynamoDB Developer Guide's "Managing encrypted tables in DynamoDB" drives
  // them with the CLI (update-table --sse-specification; Enabled=false is the AWS owned key, API reference
  // SSESpecification), and the API reference's UpdateContinuousBackups and DescribeTimeToLive. Last: it
  // changes the table the tests above read.
  it("switches the table's key, point-in-time recovery, and reads its TTL as kms-test-user", async () => {
    const table = deployed.outputs.tableName;
    // kms-test-user may do anything in DynamoDB but nothing with the key: it may not choose it again.
    const denied = await aws("kms-test-user", [
      "dynamodb",
      "update-table",
      "--table-name",
      table,
      "--sse-specification",
      `Enabled=true,SSEType=KMS,KMSMasterKeyId=${deployed.outputs.keyArn}`,
    ]);
    expect(denied.code).to.not.equal(0);
    expect(denied.stderr).to.contain(
      "(AccessDeniedException) when calling the UpdateTable operation: KMS key access denied",
    );
    const owned = await aws("kms-test-user", [
      "dynamodb",
      "update-table",
      "--table-name",
      table,
      "--sse-specification",
      "Enabled=false",
    ]);
    expect(owned.code, owned.stderr).to.equal(0);
    expect(JSON.parse(owned.stdout).TableDescription.SSEDescription).to.equal(undefined);
    // On the AWS owned key, DynamoDB's permissions alone decide: the read KMS refused above is served.
    const get = await aws("kms-test-user", [
      "dynamodb",
      "get-item",
      "--table-name",
      table,
      "--key",
      '{"pk":{"S":"cli"}}',
    ]);
    expect(get.code, get.stderr).to.equal(0);
    const pitr = await aws("kms-test-user", [
      "dynamodb",
      "update-continuous-backups",
      "--table-name",
      table,
      "--point-in-time-recovery-specification",
      "PointInTimeRecoveryEnabled=false",
    ]);
    expect(pitr.code, pitr.stderr).to.equal(0);
    expect(
      JSON.parse(pitr.stdout).ContinuousBackupsDescription.PointInTimeRecoveryDescription
        .PointInTimeRecoveryStatus,
    ).to.equal("DISABLED");
    const ttl = await aws("kms-test-user", ["dynamodb", "describe-time-to-live", "--table-name", table]);
    expect(ttl.code, ttl.stderr).to.equal(0);
    expect(JSON.parse(ttl.stdout).TimeToLiveDescription.TimeToLiveStatus).to.equal("DISABLED");
  });
});
