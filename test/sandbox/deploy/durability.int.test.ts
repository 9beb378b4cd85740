/**
 * A change of the cloud's state takes effect only once it is durable in the data dir. With the data dir's
 * writes or syncs failing (a full disk, a failing device: an injected file layer), CreateGrant,
 * PutKeyPolicy, DisableKey, AssumeRole and the admin clock answer the service's internal error (HTTP 500,
 * which AWS documents as safe to retry: KMS API reference, KMSInternalException), and the change is in
 * force neither then nor after a restart. A deployment (apply) that cannot be stored fails and leaves the
 * stack served as it was. Once the disk is back, changes are durable again.
 */
import {
  CreateGrantCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  ListGrantsCommand,
  PutKeyPolicyCommand,
} from "@aws-sdk/client-kms";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { Sandbox } from "../../../sandbox";
import { faultyDisk, faultySnapshots } from "../../support/faultyFiles";
import { loadStateFile } from "../../../sandbox/deploy/stateFile";
import { accessModelOutputs, synthesizeAccessModel } from "../../support/accessModelProgram";
import { rejectionIfAny } from "../../support/errors";
import { deployDev, failureOf, useClientPool } from "../../support/sandbox";
import { useTempDir } from "../../support/tempDir";

describe("sandbox: a change takes effect only once durable (--data-dir)", function () {
  this.timeout(60_000);
  const pool = useClientPool();
  const dataDir = useTempDir("sandbox-durable");

  for (const code of ["ENOSPC", "EIO"]) {
    it(`answers 500 and makes no change when the data dir cannot store it (${code}), now or after a restart`, async () => {
      const failure: { code?: string } = {};
      const first = await Sandbox.start({ dataDir: dataDir(), files: faultyDisk(failure) });
      await first.apply(await synthesizeAccessModel());
      const outputs = accessModelOutputs(first);
      const as = (sandbox: Sandbox, name: string) =>
        pool.open(sandbox.endpoint, outputs.users[name], outputs.region);
      const deployer = (sandbox: Sandbox) =>
        pool.open(sandbox.endpoint, sandbox.deployerCredentials(), outputs.region);
      const { Policy: policyBefore } = await deployer(first).kms.send(
        new GetKeyPolicyCommand({ KeyId: outputs.keyArn, PolicyName: "default" }),
      );
      const grant = (sandbox: Sandbox, name: string) =>
        as(sandbox, "grant-admin").kms.send(
          new CreateGrantCommand({
            KeyId: outputs.keyArn,
            GranteePrincipal: outputs.users.carol.arn,
            Operations: ["Encrypt", "Decrypt"],
            Name: name,
          }),
        );
      const grantNames = async (sandbox: Sandbox) =>
        (
          (await as(sandbox, "grant-admin").kms.send(new ListGrantsCommand({ KeyId: outputs.keyArn })))
            .Grants ?? []
        ).map((entry) => entry.Name);
      const carolEncrypts = async (sandbox: Sandbox) =>
        (
          await rejectionIfAny<Error>(
            as(sandbox, "carol").kms.send(
              new EncryptCommand({ KeyId: outputs.keyArn, Plaintext: Buffer.from("x") }),
            ),
          )
        )?.name;

      failure.code = code;
      const refusedGrant = await failureOf(grant(first, "refused"));
      // KMS API reference, CreateGrant, errors: KMSInternalException (HTTP 500), "The request can be retried".
      expect(refusedGrant.name).to.equal("KMSInternalException");
      expect(refusedGrant.status).to.equal(500);
      expect(refusedGrant.message).to.contain(`could not store the change (${code}); it was not made`);
      const refusedPolicy = await failureOf(
        deployer(first).kms.send(
          new PutKeyPolicyCommand({
            KeyId: outputs.keyArn,
            PolicyName: "default",
            Policy: (policyBefore ?? "").replace('"Sid":"AliceDirect"', '"Sid":"AliceDirectChanged"'),
          }),
        ),
      );
      expect(refusedPolicy.name).to.equal("KMSInternalException");
      const refusedDisable = await failureOf(
        deployer(first).kms.send(new DisableKeyCommand({ KeyId: outputs.keyArn })),
      );
      expect(refusedDisable.name).to.equal("KMSInternalException");
      const refusedSession = await failureOf(
        as(first, "alice").sts.send(
          new AssumeRoleCommand({ RoleArn: outputs.roles["reader-role"], RoleSessionName: "refused" }),
        ),
      );
      // STS answers a failure of its own as InternalFailure, HTTP 500 (AWS common errors).
      expect(refusedSession.name).to.equal("InternalFailure");
      expect(refusedSession.status).to.equal(500);
      const clockBefore = first.clock.advancedMs;
      const refusedClock = await first.advanceClock(60_000).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(refusedClock?.name).to.equal("DurabilityError");

      // None of it is in force now.
      expect(await grantNames(first)).to.not.include("refused");
      expect(await carolEncrypts(first)).to.equal("AccessDeniedException");
      const { KeyMetadata } = await deployer(first).kms.send(
        new DescribeKeyCommand({ KeyId: outputs.keyArn }),
      );
      expect(KeyMetadata?.KeyState).to.equal("Enabled");
      expect(
        (
          await deployer(first).kms.send(
            new GetKeyPolicyCommand({ KeyId: outputs.keyArn, PolicyName: "default" }),
          )
        ).Policy,
      ).to.equal(policyBefore);
      expect(first.clock.advancedMs).to.equal(clockBefore);

      // The disk is back: the next change is made, and durable.
      failure.code = undefined;
      await grant(first, "kept");
      expect(await carolEncrypts(first)).to.equal(undefined);
      await first.stop();

      const second = await Sandbox.start({ dataDir: dataDir() });
      try {
        const names = await grantNames(second);
        expect(names).to.include("kept");
        expect(names).to.not.include("refused");
        const { KeyMetadata: after } = await deployer(second).kms.send(
          new DescribeKeyCommand({ KeyId: outputs.keyArn }),
        );
        expect(after?.KeyState).to.equal("Enabled");
        expect(
          (
            await deployer(second).kms.send(
              new GetKeyPolicyCommand({ KeyId: outputs.keyArn, PolicyName: "default" }),
            )
          ).Policy,
        ).to.equal(policyBefore);
        expect(second.clock.advancedMs).to.equal(clockBefore);
      } finally {
        await second.stop();
      }
      expect(loadStateFile(dataDir())?.state.sessions).to.deep.equal([]);
    });
  }

  it("fails a deployment it cannot store, serving the stack before it, now and after a restart", async () => {
    const failure: { code?: string } = {};
    const deployed = await deployDev({}, { dataDir: dataDir(), files: faultySnapshots(failure) });
    const table = deployed.outputs.tableName;
    const read = (sandbox: Sandbox) =>
      rejectionIfAny<Error>(
        pool
          .open(sandbox.endpoint, deployed.outputs.users["kms-test-user"], deployed.outputs.region)
          .dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "kept" } } })),
      );
    try {
      await pool
        .user(deployed, "app-user")
        .dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "kept" } } }));
      // kms-test-user has full DynamoDB access but is not a key user: its read is refused (the table's key).
      expect((await read(deployed.sandbox))?.name).to.equal("AccessDeniedException");

      failure.code = "ENOSPC";
      const refused = await rejectionIfAny<Error>(
        deployed.update({
          "kms-dynamodb:users": [
            { name: "app-user", dynamodbAccess: "readwrite", keyUser: true },
            { name: "kms-test-user", dynamodbAccess: "full", keyUser: true },
          ],
        }),
      );
      expect(refused?.message).to.contain("ENOSPC");
      // The key-user change is not in force: the key policy is the one before.
      expect((await read(deployed.sandbox))?.name).to.equal("AccessDeniedException");
      failure.code = undefined;
    } finally {
      await deployed.stop();
    }
    const second = await Sandbox.start({ dataDir: dataDir() });
    try {
      expect((await read(second))?.name).to.equal("AccessDeniedException");
    } finally {
      await second.stop();
    }
  });
});
