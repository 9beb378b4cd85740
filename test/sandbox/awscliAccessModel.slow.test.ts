/**
 * The AWS CLI (botocore signs on its own) against the sandbox for roles and grants: `aws sts assume-role`,
 * then the session's credentials with `aws sts get-caller-identity`; `aws kms create-grant`, `list-grants`
 * and `revoke-grant`. As test/sandbox/awscli.slow.test.ts: under CI a missing `aws` fails; elsewhere it skips.
 */
import { expect } from "chai";
import { requireAwsCli, runAws, type AwsCliResult } from "../support/awsCli";
import { accessModelSandbox, type AccessModelOutputs } from "../support/accessModelProgram";
import type { Credentials } from "../support/sandbox";

describe("sandbox with the AWS CLI: roles and grants", function () {
  this.timeout(120_000);
  // Before the sandbox's hooks: a skip there skips them too (mocha runs no later before hook).
  before(function () {
    requireAwsCli(this);
  });
  const model = accessModelSandbox();
  let outputs: AccessModelOutputs;

  before(() => {
    outputs = model.outputs;
  });

  const aws = (credentials: Credentials, args: string[]): Promise<AwsCliResult> =>
    runAws(model.sandbox.endpoint, outputs.region, credentials, args);

  it("assumes a role with `aws sts assume-role` and calls STS as the session", async () => {
    const assumed = await aws(outputs.users.alice, [
      "sts",
      "assume-role",
      "--role-arn",
      outputs.roles["reader-role"],
      "--role-session-name",
      "cli-session",
    ]);
    expect(assumed.code, assumed.stderr).to.equal(0);
    const { Credentials: credentials, AssumedRoleUser } = JSON.parse(assumed.stdout) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
      AssumedRoleUser: { Arn: string };
    };
    // STS API reference, AssumeRole: AssumedRoleUser.Arn is the assumed-role session ARN.
    expect(AssumedRoleUser.Arn).to.equal(
      `arn:aws:sts::${outputs.accountId}:assumed-role/reader-role/cli-session`,
    );
    const identity = await aws(
      {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        sessionToken: credentials.SessionToken,
      },
      ["sts", "get-caller-identity"],
    );
    expect(identity.code, identity.stderr).to.equal(0);
    expect(JSON.parse(identity.stdout).Arn).to.equal(AssumedRoleUser.Arn);
    const refused = await aws(outputs.users.bob, [
      "sts",
      "assume-role",
      "--role-arn",
      outputs.roles["reader-role"],
      "--role-session-name",
      "bob",
    ]);
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.contain("AccessDenied");
  });

  it("creates, lists and revokes a grant with `aws kms`", async () => {
    const admin = outputs.users["grant-admin"];
    const created = await aws(admin, [
      "kms",
      "create-grant",
      "--key-id",
      outputs.keyArn,
      "--grantee-principal",
      outputs.users.carol.arn,
      "--operations",
      "Decrypt",
      "DescribeKey",
      "--name",
      "cli-grant",
    ]);
    expect(created.code, created.stderr).to.equal(0);
    const { GrantId } = JSON.parse(created.stdout) as { GrantId: string };
    const listed = await aws(admin, ["kms", "list-grants", "--key-id", outputs.keyArn]);
    expect(listed.code, listed.stderr).to.equal(0);
    const grant = (
      JSON.parse(listed.stdout) as { Grants: { GrantId: string; Name: string; Operations: string[] }[] }
    ).Grants.find((entry) => entry.GrantId === GrantId);
    expect(grant?.Name).to.equal("cli-grant");
    expect(grant?.Operations).to.have.members(["Decrypt", "DescribeKey"]);
    const carolDescribes = await aws(outputs.users.carol, [
      "kms",
      "describe-key",
      "--key-id",
      outputs.keyArn,
    ]);
    expect(carolDescribes.code, carolDescribes.stderr).to.equal(0);
    const revoked = await aws(admin, [
      "kms",
      "revoke-grant",
      "--key-id",
      outputs.keyArn,
      "--grant-id",
      GrantId,
    ]);
    expect(revoked.code, revoked.stderr).to.equal(0);
    const after = await aws(outputs.users.carol, ["kms", "describe-key", "--key-id", outputs.keyArn]);
    expect(after.code).to.not.equal(0);
    expect(after.stderr).to.contain("AccessDeniedException");
  });
});
