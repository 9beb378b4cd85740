/**
 * Key lifecycle over real HTTP, with the real AWS SDK v3 clients: the KMS key-state API as the deploying
 * identity (a key administrator of the default key policy), DynamoDB's table-key cache per connection,
 * the table status a key state makes, archival after 7 days and a deleted key's data, all on the
 * sandbox's simulated clock (no test waits for real time).
 */
import {
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import {
  CancelKeyDeletionCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GetKeyPolicyCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { expect } from "chai";
import { Sandbox } from "../../sandbox";
import { KEY_POLICY_SIDS } from "../../infra/policies/keyPolicy";
import { synthesize } from "../../plan/synth";
import type { Plan } from "../../plan/types";
import { callAdmin } from "../../sandbox/admin/client";
import { DAY_MS, MINUTE_MS } from "../../sandbox/admin/clock";
import { deployDev, devConfig, failureOf, useClientPool, type Deployed } from "../support/sandbox";
import { tempDirForThisTest } from "../support/tempDir";

describe("sandbox key lifecycle", function () {
  this.timeout(60_000);

  let deployed: Deployed;
  // Registered before the afterEach that stops the sandbox: the clients go first.
  const pool = useClientPool();
  const table = () => deployed.outputs.tableName;
  const keyArn = () => deployed.outputs.keyArn;
  const deployer = () =>
    pool.open(deployed.sandbox.endpoint, deployed.sandbox.deployerCredentials(), deployed.outputs.region);
  const fresh = (user: string) => pool.user(deployed, user);
  const tableNow = async () =>
    (await fresh("app-user").dynamodb.send(new DescribeTableCommand({ TableName: table() }))).Table;
  const getSeed = (dynamodb: DynamoDBClient) =>
    dynamodb.send(new GetItemCommand({ TableName: table(), Key: { pk: { S: "seed" } } }));

  beforeEach(async () => {
    deployed = await deployDev({ "kms-dynamodb:keyDeletionWindowDays": 7 });
    await fresh("app-user").dynamodb.send(
      new PutItemCommand({ TableName: table(), Item: { pk: { S: "seed" }, note: { S: "kept" } } }),
    );
  });
  afterEach(async () => {
    await deployed.sandbox.stop();
  });

  describe("KMS key-state API (KMS API reference: DisableKey, EnableKey, ScheduleKeyDeletion, CancelKeyDeletion)", () => {
    it("lets the deploying identity disable, enable, schedule and cancel, with KMS's states", async () => {
      const { kms } = deployer();
      const state = async () => (await kms.send(new DescribeKeyCommand({ KeyId: keyArn() }))).KeyMetadata;
      await kms.send(new DisableKeyCommand({ KeyId: keyArn() }));
      expect(await state()).to.include({ KeyState: "Disabled", Enabled: false });
      await kms.send(new EnableKeyCommand({ KeyId: keyArn() }));
      expect(await state()).to.include({ KeyState: "Enabled", Enabled: true });
      const scheduled = await kms.send(
        new ScheduleKeyDeletionCommand({ KeyId: keyArn(), PendingWindowInDays: 7 }),
      );
      expect(scheduled).to.include({ KeyId: keyArn(), KeyState: "PendingDeletion", PendingWindowInDays: 7 });
      // ScheduleKeyDeletion: "DeletionDate: The date and time after which KMS deletes the KMS key".
      expect(scheduled.DeletionDate?.getTime()).to.be.closeTo(
        deployed.sandbox.clock.now() + 7 * DAY_MS,
        5_000,
      );
      expect(await state()).to.include({ KeyState: "PendingDeletion", PendingDeletionWindowInDays: 7 });
      await kms.send(new CancelKeyDeletionCommand({ KeyId: keyArn() }));
      // CancelKeyDeletion: "the key state of the KMS key is Disabled".
      expect(await state()).to.include({ KeyState: "Disabled" });
      expect((await state())?.DeletionDate).to.equal(undefined);
    });

    it("refuses what the key-state table refuses, with KMSInvalidStateException and ValidationException", async () => {
      const { kms } = deployer();
      // "Key states of AWS KMS keys": CancelKeyDeletion only on a key pending deletion; Enable, Disable
      // and ScheduleKeyDeletion not on one; PendingWindowInDays 7-30 (ScheduleKeyDeletion).
      const notPending = await failureOf(kms.send(new CancelKeyDeletionCommand({ KeyId: keyArn() })));
      expect(notPending.name).to.equal("KMSInvalidStateException");
      const tooShort = await failureOf(
        kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyArn(), PendingWindowInDays: 3 })),
      );
      expect(tooShort.name).to.equal("ValidationException");
      expect(tooShort.message).to.contain("greater than or equal to 7");
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyArn() }));
      for (const command of [
        new DisableKeyCommand({ KeyId: keyArn() }),
        new EnableKeyCommand({ KeyId: keyArn() }),
        new ScheduleKeyDeletionCommand({ KeyId: keyArn() }),
      ]) {
        const failure = await failureOf(kms.send(command as DisableKeyCommand));
        expect(failure.name).to.equal("KMSInvalidStateException");
        expect(failure.message).to.equal(`${keyArn()} is pending deletion.`);
      }
      const described = await kms.send(new DescribeKeyCommand({ KeyId: keyArn() }));
      expect(described.KeyMetadata?.PendingDeletionWindowInDays).to.equal(30);
    });

    it("refuses key users and other users: only administrators manage the key (default key policy)", async () => {
      for (const user of ["app-user", "kms-test-user"]) {
        const failure = await failureOf(fresh(user).kms.send(new DisableKeyCommand({ KeyId: keyArn() })));
        expect(failure.name).to.equal("AccessDeniedException");
        expect(failure.message).to.contain("kms:DisableKey");
      }
      expect(deployed.sandbox.describeKey(keyArn())).to.include({ keyState: "Enabled" });
    });

    it("PutKeyPolicy replaces the policy for the next KMS call, and refuses a lockout", async () => {
      const { kms } = deployer();
      const current = (await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn() }))).Policy as string;
      const document = JSON.parse(current) as { Statement: { Sid?: string }[] };
      const lockout = JSON.stringify({
        ...document,
        Statement: document.Statement.filter(
          (statement) => statement.Sid !== undefined && !/root|admin/i.test(statement.Sid),
        ),
      });
      // PutKeyPolicy, BypassPolicyLockoutSafetyCheck: refused when the caller could not change it again.
      const refused = await failureOf(
        kms.send(new PutKeyPolicyCommand({ KeyId: keyArn(), Policy: lockout })),
      );
      expect(refused.name).to.equal("MalformedPolicyDocumentException");
      const users = document.Statement.find((statement) => statement.Sid === KEY_POLICY_SIDS.users) as {
        Principal: { AWS: string | string[] };
      };
      users.Principal.AWS = [users.Principal.AWS, deployed.outputs.users["kms-test-user"].arn].flat();
      const granted = JSON.stringify(document);
      expect(granted).to.not.equal(current);
      await kms.send(new PutKeyPolicyCommand({ KeyId: keyArn(), Policy: granted }));
      expect((await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn() }))).Policy).to.equal(granted);
      const read = await getSeed(fresh("kms-test-user").dynamodb);
      expect(read.Item?.note?.S).to.equal("kept");
    });
  });

  describe("drift: changes through the API stay until the program changes that input", () => {
    /** The dev program planned from the sandbox's checkpoint, as the next `pulumi up` plans it. */
    const planAgain = (changes: Record<string, unknown> = {}): Promise<Plan> =>
      synthesize({
        stack: "dev",
        config: devConfig({ "kms-dynamodb:keyDeletionWindowDays": 7, ...changes }),
        previousState: deployed.sandbox.state(),
      });

    it("keeps a key disabled through the API when the same plan is applied again", async () => {
      await deployer().kms.send(new DisableKeyCommand({ KeyId: keyArn() }));
      await deployed.sandbox.apply(await planAgain());
      // Pulumi diffs its own state without --refresh: no change to isEnabled, no EnableKey.
      expect(deployed.sandbox.describeKey(keyArn())).to.include({
        exists: true,
        keyState: "Disabled",
        enabled: false,
      });
    });

    it("disables and enables the key when the program's keyEnabled changes", async () => {
      await deployed.sandbox.apply(await planAgain({ "kms-dynamodb:keyEnabled": false }));
      expect(deployed.sandbox.describeKey(keyArn())).to.include({ keyState: "Disabled" });
      await deployed.sandbox.apply(await planAgain());
      expect(deployed.sandbox.describeKey(keyArn())).to.include({ keyState: "Enabled" });
    });

    it("schedules the deletion of a key removed from the program, with its deletion window", async () => {
      const removed = new Set(["aws:kms/key:Key", "aws:kms/alias:Alias", "aws:dynamodb/table:Table"]);
      // The program without its key, alias and table: the engine plans a delete for each.
      const same = await planAgain();
      const withoutKey: Plan = {
        ...same,
        steps: same.steps.map((step) =>
          step.oldState !== undefined && removed.has(step.oldState.type)
            ? { op: "delete", urn: step.urn, oldState: step.oldState, detailedDiff: null }
            : step,
        ),
      };
      const before = deployed.sandbox.clock.now();
      await deployed.sandbox.apply(withoutKey);
      const view = deployed.sandbox.describeKey(keyArn());
      // aws.kms.Key deletionWindowInDays: the waiting period of the deletion `pulumi destroy` schedules.
      expect(view).to.include({ exists: true, keyState: "PendingDeletion", pendingWindowInDays: 7 });
      expect(Date.parse((view as { deletionDate: string }).deletionDate) - before).to.be.closeTo(
        7 * DAY_MS,
        5_000,
      );
    });
  });

  describe("DynamoDB's table key cache (KMS developer guide, How Amazon DynamoDB uses AWS KMS: Table key)", () => {
    it("keeps serving a warm connection until five minutes without a request, while a new one is refused", async () => {
      const warm = fresh("app-user");
      expect((await getSeed(warm.dynamodb)).Item?.note?.S).to.equal("kept");
      await deployer().kms.send(new DisableKeyCommand({ KeyId: keyArn() }));
      // The cached table key: no KMS call, so the disable is not seen yet on this connection.
      expect((await getSeed(warm.dynamodb)).Item?.note?.S).to.equal("kept");
      const refused = await failureOf(getSeed(fresh("app-user").dynamodb));
      expect(refused.message).to.contain("DisabledException");
      await deployed.sandbox.advanceClock(4 * MINUTE_MS);
      expect((await getSeed(warm.dynamodb)).Item?.note?.S).to.equal("kept");
      await deployed.sandbox.advanceClock(5 * MINUTE_MS);
      const expired = await failureOf(getSeed(warm.dynamodb));
      expect(expired.name).to.equal("AccessDeniedException");
      expect(expired.message).to.contain(`${keyArn()} is disabled.`);
    });

    it("takes its inactivity period from the tableKeyCacheMs option", async () => {
      await deployed.sandbox.stop();
      deployed = await deployDev({}, { tableKeyCacheMs: 30_000 });
      const warm = fresh("app-user");
      await warm.dynamodb.send(new PutItemCommand({ TableName: table(), Item: { pk: { S: "seed" } } }));
      await deployer().kms.send(new DisableKeyCommand({ KeyId: keyArn() }));
      await deployed.sandbox.advanceClock(30_000);
      expect((await failureOf(getSeed(warm.dynamodb))).message).to.contain("DisabledException");
    });
  });

  describe("table status (DynamoDB API reference: TableDescription, SSEDescription, ArchivalSummary)", () => {
    it("is INACCESSIBLE_ENCRYPTION_CREDENTIALS with InaccessibleEncryptionDateTime while the key is disabled, ACTIVE again once enabled", async () => {
      const { kms } = deployer();
      expect((await tableNow())?.TableStatus).to.equal("ACTIVE");
      const disabledAt = deployed.sandbox.clock.now();
      await kms.send(new DisableKeyCommand({ KeyId: keyArn() }));
      const inaccessible = await tableNow();
      expect(inaccessible?.TableStatus).to.equal("INACCESSIBLE_ENCRYPTION_CREDENTIALS");
      expect(inaccessible?.SSEDescription?.InaccessibleEncryptionDateTime?.getTime()).to.be.closeTo(
        disabledAt,
        2_000,
      );
      await kms.send(new EnableKeyCommand({ KeyId: keyArn() }));
      const back = await tableNow();
      // "automatically cleared when DynamoDB detects that the table's AWS KMS key is accessible again".
      expect(back?.TableStatus).to.equal("ACTIVE");
      expect(back?.SSEDescription?.InaccessibleEncryptionDateTime).to.equal(undefined);
      expect((await getSeed(fresh("app-user").dynamodb)).Item?.note?.S).to.equal("kept");
    });

    it("is inaccessible while the key is pending deletion, and ACTIVE after cancel and enable", async () => {
      const { kms } = deployer();
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyArn(), PendingWindowInDays: 7 }));
      expect((await tableNow())?.TableStatus).to.equal("INACCESSIBLE_ENCRYPTION_CREDENTIALS");
      expect((await failureOf(getSeed(fresh("app-user").dynamodb))).message).to.contain(
        "KMSInvalidStateException",
      );
      await kms.send(new CancelKeyDeletionCommand({ KeyId: keyArn() }));
      expect((await tableNow())?.TableStatus).to.equal("INACCESSIBLE_ENCRYPTION_CREDENTIALS");
      await kms.send(new EnableKeyCommand({ KeyId: keyArn() }));
      expect((await tableNow())?.TableStatus).to.equal("ACTIVE");
    });

    it("is archived after more than seven days inaccessible, and re-enabling the key does not bring it back", async () => {
      const { kms } = deployer();
      await kms.send(new DisableKeyCommand({ KeyId: keyArn() }));
      const disabledAt = deployed.sandbox.clock.now();
      await deployed.sandbox.advanceClock(7 * DAY_MS - MINUTE_MS);
      expect((await tableNow())?.TableStatus).to.equal("INACCESSIBLE_ENCRYPTION_CREDENTIALS");
      await deployed.sandbox.advanceClock(2 * MINUTE_MS);
      const archiving = await tableNow();
      expect(archiving?.TableStatus).to.equal("ARCHIVING");
      expect(archiving?.ArchivalSummary?.ArchivalReason).to.equal("INACCESSIBLE_ENCRYPTION_CREDENTIALS");
      expect(archiving?.ArchivalSummary?.ArchivalDateTime?.getTime()).to.be.closeTo(
        disabledAt + 7 * DAY_MS,
        2_000,
      );
      expect(archiving?.ArchivalSummary?.ArchivalBackupArn).to.match(
        new RegExp(`^${deployed.outputs.tableArn}/backup/\\d{14}-[0-9a-f]{8}$`),
      );
      await deployed.sandbox.advanceClock(DAY_MS);
      expect((await tableNow())?.TableStatus).to.equal("ARCHIVED");
      await kms.send(new EnableKeyCommand({ KeyId: keyArn() }));
      expect((await tableNow())?.TableStatus).to.equal("ARCHIVED");
      const refused = await failureOf(getSeed(fresh("app-user").dynamodb));
      expect(refused.name).to.equal("ValidationException");
      expect(refused.message).to.contain("archival backup");
    });

    it("after the deletion window the key is gone, and so is every item it protected", async () => {
      const { kms } = deployer();
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyArn(), PendingWindowInDays: 7 }));
      await deployed.sandbox.advanceClock(7 * DAY_MS + MINUTE_MS);
      // DescribeKey of a deleted key: NotFoundException (ScheduleKeyDeletion: "deletes the KMS key").
      expect((await failureOf(kms.send(new DescribeKeyCommand({ KeyId: keyArn() })))).name).to.equal(
        "NotFoundException",
      );
      expect(deployed.sandbox.describeKey(keyArn())).to.include({ exists: false });
      expect((await failureOf(kms.send(new CancelKeyDeletionCommand({ KeyId: keyArn() })))).name).to.equal(
        "NotFoundException",
      );
      const refused = await failureOf(getSeed(fresh("app-user").dynamodb));
      expect(refused.name).to.equal("AccessDeniedException");
      expect(refused.message).to.contain("does not exist");
      // The data is unrecoverable: the sandbox dropped the items, so even a table restored under a new
      // key (here: the same plan applied after the key returns) holds nothing of them.
      expect(await deployed.sandbox.itemCount(table())).to.equal(0);
    });
  });

  describe("with --data-dir", () => {
    it("keeps the key's live state, the deployer's key and the simulated time across a restart", async () => {
      const dataDir = tempDirForThisTest("sandbox-lifecycle-data");
      try {
        await deployed.sandbox.stop();
        deployed = await deployDev({}, { dataDir });
        await fresh("app-user").dynamodb.send(
          new PutItemCommand({ TableName: table(), Item: { pk: { S: "seed" }, note: { S: "kept" } } }),
        );
        const credentials = deployed.sandbox.deployerCredentials();
        await deployer().kms.send(new DisableKeyCommand({ KeyId: keyArn() }));
        await deployed.sandbox.advanceClock(DAY_MS);
        const inaccessibleSince = deployed.sandbox.describeKey(keyArn());
        await deployed.sandbox.stop();
        const restarted = await Sandbox.start({ dataDir });
        deployed = { ...deployed, sandbox: restarted, outputs: restarted.outputs() };
        expect(restarted.clock.advancedMs).to.equal(DAY_MS);
        expect(restarted.describeKey(keyArn())).to.deep.equal(inaccessibleSince);
        expect(restarted.deployerCredentials()).to.deep.equal(credentials);
        expect((await tableNow())?.TableStatus).to.equal("INACCESSIBLE_ENCRYPTION_CREDENTIALS");
        await deployer().kms.send(new EnableKeyCommand({ KeyId: keyArn() }));
        expect((await getSeed(fresh("app-user").dynamodb)).Item?.note?.S).to.equal("kept");
      } finally {
        await deployed.sandbox.stop();
      }
    });
  });

  describe("the admin call that advances the clock (sandbox/admin/service.ts)", () => {
    const call = (
      credentials: { accessKeyId: string; secretAccessKey: string },
      body: Record<string, unknown>,
    ) =>
      callAdmin({
        endpoint: deployed.sandbox.endpoint,
        region: deployed.outputs.region,
        credentials,
        operation: "AdvanceClock",
        body,
      });

    it("moves the clock for the deploying identity, and for nobody else", async () => {
      const before = deployed.sandbox.clock.advancedMs;
      const ok = await call(deployed.sandbox.deployerCredentials(), { Days: 1 });
      expect(ok.status).to.equal(200);
      expect(ok.body).to.include({ AdvancedSeconds: (before + DAY_MS) / 1000 });
      const user = deployed.outputs.users["app-user"];
      const refused = await call(user, { Days: 1 });
      expect(refused.status).to.equal(400);
      expect(String(refused.body.__type)).to.contain("AccessDeniedException");
      expect(deployed.sandbox.clock.advancedMs).to.equal(before + DAY_MS);
    });
  });
});
