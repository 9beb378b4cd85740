/**
 * A table's settings changed at run time are durable (--data-dir): UpdateTable's key switch and deletion
 * protection, UpdateContinuousBackups' point-in-time recovery and Put/DeleteResourcePolicy outlive a
 * restart, and a change the data dir cannot store (a full disk, a failing device: an injected file layer)
 * answers DynamoDB's InternalServerError (HTTP 500, which the DynamoDB API reference lists for every
 * operation as "An error occurred on the server side") and is in force neither then nor after a restart.
 * Expectations of each operation from the DynamoDB API reference: UpdateTable
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html), UpdateContinuousBackups
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateContinuousBackups.html),
 * PutResourcePolicy (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutResourcePolicy.html),
 * DeleteResourcePolicy (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteResourcePolicy.html).
 */
import {
  DeleteResourcePolicyCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  GetItemCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { Sandbox } from "../../../sandbox";
import { faultyDisk } from "../../support/faultyFiles";
import { loadStateFile } from "../../../sandbox/deploy/stateFile";
import { REGION } from "../../support/accessStacks";
import { failureOf, rejectionIfAny } from "../../support/errors";
import { K0, policy, resourcePolicyPlan, T0, T1, U1 } from "../../support/resourcePolicyStack";
import { deployDev, programUser, useClientPool, type Credentials } from "../../support/sandbox";
import { useTempDir } from "../../support/tempDir";

const NEW_POLICY = policy({
  Effect: "Allow",
  Principal: { AWS: U1 },
  Action: "dynamodb:Query",
  Resource: T1,
});
const KEY = { pk: { S: "settings" } };

describe("sandbox: tables' settings changed at run time are durable (--data-dir)", function () {
  this.timeout(60_000);
  const dataDir = useTempDir("sandbox-table-settings");
  const pool = useClientPool();

  const as = (sandbox: Sandbox, credentials: Credentials = sandbox.deployerCredentials()) =>
    pool.open(sandbox.endpoint, credentials, REGION).dynamodb;

  /** What a client sees of the settings: rp-t0's key and recovery, rp-t1's protection and both policies. */
  async function settings(sandbox: Sandbox) {
    const dynamodb = as(sandbox);
    const t0 = (await dynamodb.send(new DescribeTableCommand({ TableName: "rp-t0" }))).Table;
    const t1 = (await dynamodb.send(new DescribeTableCommand({ TableName: "rp-t1" }))).Table;
    const recovery = (await dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: "rp-t0" })))
      .ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
    const policyOf = async (ResourceArn: string) =>
      (await rejectionIfAny<Error>(dynamodb.send(new GetResourcePolicyCommand({ ResourceArn }))))?.name ??
      (await dynamodb.send(new GetResourcePolicyCommand({ ResourceArn }))).Policy;
    return {
      t0Key: t0?.SSEDescription?.KMSMasterKeyArn,
      t0Recovery: [recovery?.PointInTimeRecoveryStatus, recovery?.RecoveryPeriodInDays],
      t1Protected: t1?.DeletionProtectionEnabled,
      t0Policy: await policyOf(T0),
      t1Policy: await policyOf(T1),
    };
  }

  /** Every change of the four operations, as the deployer. */
  const changes = (sandbox: Sandbox): (() => Promise<unknown>)[] => {
    const dynamodb = as(sandbox);
    return [
      () =>
        dynamodb.send(
          new UpdateTableCommand({
            TableName: "rp-t0",
            SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: K0 },
          }),
        ),
      () => dynamodb.send(new UpdateTableCommand({ TableName: "rp-t1", DeletionProtectionEnabled: true })),
      () =>
        dynamodb.send(
          new UpdateContinuousBackupsCommand({
            TableName: "rp-t0",
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 7 },
          }),
        ),
      () => dynamodb.send(new PutResourcePolicyCommand({ ResourceArn: T1, Policy: NEW_POLICY })),
      () => dynamodb.send(new DeleteResourcePolicyCommand({ ResourceArn: T0 })),
    ];
  };

  it("keeps a switched key, deletion protection, point-in-time recovery and resource policies across a restart", async () => {
    const first = await Sandbox.start({ dataDir: dataDir() });
    await first.apply(resourcePolicyPlan());
    const before = await settings(first);
    expect(before.t0Key).to.equal(undefined);
    for (const change of changes(first)) {
      await change();
    }
    const changed = await settings(first);
    expect(changed).to.deep.equal({
      t0Key: K0,
      t0Recovery: ["ENABLED", 7],
      t1Protected: true,
      t0Policy: "PolicyNotFoundException",
      t1Policy: NEW_POLICY,
    });
    const revision = (await as(first).send(new GetResourcePolicyCommand({ ResourceArn: T1 }))).RevisionId;
    const u1 = programUser(first, "rp-u1");
    await first.stop();

    const second = await Sandbox.start({ dataDir: dataDir() });
    try {
      expect(await settings(second)).to.deep.equal(changed);
      expect((await as(second).send(new GetResourcePolicyCommand({ ResourceArn: T1 }))).RevisionId).to.equal(
        revision,
      );
      // rp-t0 is on k0 now, whose key policy does not name rp-u1: its read is stopped by the key, and no
      // longer allowed by rp-t0's policy, which was deleted.
      const read = await failureOf(as(second, u1).send(new GetItemCommand({ TableName: "rp-t0", Key: KEY })));
      expect(read.name).to.equal("AccessDeniedException");
      expect(
        loadStateFile(dataDir())
          ?.state.tableSettings?.map((table) => table.name)
          .sort(),
      ).to.deep.equal(["rp-t0", "rp-t1"]);
    } finally {
      await second.stop();
    }
  });

  it("puts the plan's settings back at the next deployment, and keeps them so after a restart", async () => {
    const deployed = await deployDev({}, { dataDir: dataDir() });
    const TableName = deployed.outputs.tableName;
    const recovery = async (sandbox: Sandbox) =>
      (await as(sandbox).send(new DescribeContinuousBackupsCommand({ TableName })))
        .ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
    let planned: string | undefined;
    try {
      planned = await recovery(deployed.sandbox);
      await as(deployed.sandbox).send(
        new UpdateContinuousBackupsCommand({
          TableName,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: planned !== "ENABLED" },
        }),
      );
      expect(await recovery(deployed.sandbox)).to.not.equal(planned);
      await deployed.update({});
      expect(await recovery(deployed.sandbox)).to.equal(planned);
    } finally {
      await deployed.stop();
    }
    const second = await Sandbox.start({ dataDir: dataDir() });
    try {
      expect(await recovery(second)).to.equal(planned);
    } finally {
      await second.stop();
    }
  });

  for (const code of ["ENOSPC", "EIO"]) {
    it(`refuses every change it cannot store (${code}) with a 500, in force neither now nor after a restart`, async () => {
      const failure: { code?: string } = {};
      const first = await Sandbox.start({ dataDir: dataDir(), files: faultyDisk(failure) });
      await first.apply(resourcePolicyPlan());
      const before = await settings(first);
      failure.code = code;
      for (const [index, change] of changes(first).entries()) {
        const refused = await failureOf(change());
        expect(refused.name, `change ${index}`).to.equal("InternalServerError");
        expect(refused.status, `change ${index}`).to.equal(500);
        expect(refused.message).to.contain(`could not store the change (${code}); it was not made`);
      }
      expect(await settings(first)).to.deep.equal(before);
      failure.code = undefined;
      await first.stop();
      const second = await Sandbox.start({ dataDir: dataDir() });
      try {
        expect(await settings(second)).to.deep.equal(before);
      } finally {
        await second.stop();
      }
    });
  }
});
