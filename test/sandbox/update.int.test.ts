/**
 * Applying a new plan to a running sandbox, as `pulumi up` updates a stack: a grant takes effect on the
 * next request with the same credentials, nothing is lost, removed users go; and what AWS refuses at
 * deploy time (unknown principals, a key policy that locks the deployer out) fails the apply and leaves
 * the running stack as it was.
 */
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DecryptCommand, EncryptCommand } from "@aws-sdk/client-kms";
import { expect } from "chai";
import { synthesize } from "../../plan/synth";
import { Sandbox } from "../../sandbox";
import { AwsError } from "../../sandbox/errors";
import { devConfig, failureOf, sandboxWithDev, testProgramOutputs, useClientPool } from "../support/sandbox";
import { synthesizeDirectKey } from "../support/programs";
import { rejectionOf } from "../support/errors";
import { ACCOUNT_ID } from "../support/accounts";

const APP_USER = { name: "app-user", dynamodbAccess: "readwrite", keyUser: true };
const TEST_USER = { name: "kms-test-user", dynamodbAccess: "full", keyUser: false };

describe("sandbox updates in place", function () {
  this.timeout(60_000);
  const pool = useClientPool();
  const deployed = sandboxWithDev({}, {}, { per: "test" });

  beforeEach(async () => {
    await pool
      .user(deployed, "app-user")
      .dynamodb.send(
        new PutItemCommand({ TableName: deployed.outputs.tableName, Item: { pk: { S: "kept" } } }),
      );
  });

  const getKept = (user: string) =>
    pool
      .user(deployed, user)
      .dynamodb.send(
        new GetItemCommand({ TableName: deployed.outputs.tableName, Key: { pk: { S: "kept" } } }),
      );

  it("grants kms-test-user the key: the next request with the same credentials succeeds", async () => {
    const before = await failureOf(getKept("kms-test-user"));
    expect(before.name).to.equal("AccessDeniedException");

    const granted = await synthesize({
      stack: "dev",
      config: devConfig({ "kms-dynamodb:users": [APP_USER, { ...TEST_USER, keyUser: true }] }),
      previousState: deployed.sandbox.state(),
    });
    await deployed.sandbox.apply(granted);

    const read = await getKept("kms-test-user");
    expect(read.Item).to.deep.equal({ pk: { S: "kept" } });
    const after = deployed.sandbox.outputs();
    expect(after.keyArn).to.equal(deployed.outputs.keyArn);
    expect(after.tableArn).to.equal(deployed.outputs.tableArn);
    for (const user of ["app-user", "kms-test-user"]) {
      expect(after.users[user].accessKeyId).to.equal(deployed.outputs.users[user].accessKeyId);
      expect(after.users[user].secretAccessKey).to.equal(deployed.outputs.users[user].secretAccessKey);
    }
    expect(after.users["kms-test-user"].keyUser).to.equal(true);
  });

  it("revokes the grant again with the next plan", async () => {
    const granted = { "kms-dynamodb:users": [APP_USER, { ...TEST_USER, keyUser: true }] };
    await deployed.sandbox.apply(
      await synthesize({ stack: "dev", previousState: deployed.sandbox.state(), config: devConfig(granted) }),
    );
    await getKept("kms-test-user");
    await deployed.sandbox.apply(
      await synthesize({ stack: "dev", previousState: deployed.sandbox.state(), config: devConfig() }),
    );
    const revoked = await failureOf(getKept("kms-test-user"));
    expect(revoked.name).to.equal("AccessDeniedException");
    expect(revoked.message).to.match(/^KMS key access denied error: /);
  });

  it("removes a user that the new plan no longer has", async () => {
    const removedUser = pool.user(deployed, "kms-test-user");
    await deployed.sandbox.apply(
      await synthesize({
        stack: "dev",
        previousState: deployed.sandbox.state(),
        config: devConfig({ "kms-dynamodb:users": [APP_USER] }),
      }),
    );
    const failure = await failureOf(
      removedUser.dynamodb.send(
        new GetItemCommand({ TableName: deployed.outputs.tableName, Key: { pk: { S: "x" } } }),
      ),
    );
    expect(failure.name).to.equal("UnrecognizedClientException");
    expect((await getKept("app-user")).Item).to.deep.equal({ pk: { S: "kept" } });
    expect(Object.keys(deployed.sandbox.outputs().users)).to.deep.equal(["app-user"]);
  });

  it("fails a key policy naming a principal that does not exist, and keeps serving the old stack", async () => {
    const ghost = `arn:aws:iam::${ACCOUNT_ID}:user/ghost`;
    const plan = await synthesize({
      stack: "dev",
      previousState: deployed.sandbox.state(),
      config: devConfig({ "kms-dynamodb:keyAdmins": [ghost] }),
    });
    const error = await rejectionOf(deployed.sandbox.apply(plan));
    expect(error).to.be.instanceOf(AwsError);
    expect((error as AwsError).code).to.equal("MalformedPolicyDocumentException");
    expect(error.message).to.contain("Policy contains a statement with one or more invalid principals.");
    expect(error.message).to.contain(deployed.outputs.keyArn);
    expect((await getKept("app-user")).Item).to.deep.equal({ pk: { S: "kept" } });
    expect((await failureOf(getKept("kms-test-user"))).name).to.equal("AccessDeniedException");
  });

  it("refuses to delete a table with deletion protection, as DynamoDB does", async () => {
    await deployed.sandbox.apply(
      await synthesize({
        stack: "dev",
        previousState: deployed.sandbox.state(),
        config: devConfig({ "kms-dynamodb:deletionProtection": true }),
      }),
    );
    const renamed = await synthesize({
      stack: "dev",
      previousState: deployed.sandbox.state(),
      config: devConfig({
        "kms-dynamodb:deletionProtection": true,
        "kms-dynamodb:tableName": "another-table",
      }),
    });
    const error = await rejectionOf(deployed.sandbox.apply(renamed));
    expect(error.message).to.contain(`deleting table ${deployed.outputs.tableName}: ValidationException`);
    expect((await getKept("app-user")).Item).to.deep.equal({ pk: { S: "kept" } });
  });

  it("refuses a plan with values unknown until deployment (a preview plan)", async () => {
    const preview = await synthesize({
      stack: "dev",
      previousState: deployed.sandbox.state(),
      // A new user: a preview knows none of what the provider computes for it.
      config: devConfig({
        "kms-dynamodb:users": [
          APP_USER,
          TEST_USER,
          { name: "new-user", dynamodbAccess: "readonly", keyUser: false },
        ],
      }),
      preview: true,
    });
    const error = await rejectionOf(deployed.sandbox.apply(preview));
    expect(error.message).to.match(/is not known until deployment/);
    expect(error.message).to.contain("urn:pulumi:dev::kms-dynamodb::");
  });
});

describe("sandbox key-policy lockout check", function () {
  this.timeout(60_000);
  const pool = useClientPool();
  let sandbox: Sandbox;

  beforeEach(async () => {
    sandbox = await Sandbox.start();
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  it("fails a key policy that would lock the deployer out", async () => {
    const error = await rejectionOf(sandbox.apply(await synthesizeDirectKey({ rootStatement: false })));
    expect((error as AwsError).code).to.equal("MalformedPolicyDocumentException");
    expect(error.message).to.contain(
      "The new key policy will not allow you to update the key policy in the future.",
    );
  });

  it("accepts it with bypassPolicyLockoutSafetyCheck, and the key then works for its user", async () => {
    await sandbox.apply(
      await synthesizeDirectKey({ rootStatement: false, bypassPolicyLockoutSafetyCheck: true }),
    );
    const outputs = testProgramOutputs(sandbox);
    const user = outputs.users["crypto-user"];
    const { kms } = pool.open(sandbox.endpoint, user, outputs.region);
    const sealed = await kms.send(
      new EncryptCommand({ KeyId: outputs.keyArn, Plaintext: Buffer.from("secret") }),
    );
    const opened = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
    expect(Buffer.from(opened.Plaintext ?? []).toString()).to.equal("secret");
  });
});

describe("sandbox deployed by an assumed-role session", function () {
  this.timeout(60_000);
  const pool = useClientPool();

  it("accepts the key policy naming the session's role as administrator", async () => {
    const plan = await synthesize({
      stack: "dev",
      config: devConfig(),
      deployer: {
        accountId: ACCOUNT_ID,
        arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/Deployer/ci-session`,
        userId: "AROAEXAMPLEROLEID0001:ci-session",
      },
    });
    const sandbox = await Sandbox.start();
    try {
      await sandbox.apply(plan);
      const outputs = sandbox.outputs();
      const read = await pool
        .open(sandbox.endpoint, outputs.users["app-user"], outputs.region)
        .dynamodb.send(new GetItemCommand({ TableName: outputs.tableName, Key: { pk: { S: "none" } } }));
      expect(read.Item).to.equal(undefined);
    } finally {
      await sandbox.stop();
    }
  });
});

describe("sandbox before any plan is applied", () => {
  const pool = useClientPool();
  it("knows no access key and has no outputs", async () => {
    const sandbox = await Sandbox.start();
    try {
      expect(sandbox.endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      const { dynamodb } = pool.open(
        sandbox.endpoint,
        {
          accessKeyId: "AKIAEXAMPLE000000000",
          secretAccessKey: "s".repeat(40),
        },
        "us-east-1",
      );
      const failure = await failureOf(
        dynamodb.send(new GetItemCommand({ TableName: "t-1", Key: { pk: { S: "x" } } })),
      );
      expect(failure.name).to.equal("UnrecognizedClientException");
      expect(() => sandbox.outputs()).to.throw("no plan has been applied to the sandbox");
    } finally {
      await sandbox.stop();
    }
  });
});
