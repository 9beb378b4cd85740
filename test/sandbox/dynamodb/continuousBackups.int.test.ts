/**
 * DescribeContinuousBackups over real HTTP with the AWS SDK v3 client, against the stack's
 * `kms-dynamodb:pointInTimeRecovery`. Expectations from the DynamoDB API reference, DescribeContinuousBackups
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeContinuousBackups.html:
 * "Continuous backups are ENABLED on all tables at table creation. If point in time recovery is enabled,
 * PointInTimeRecoveryStatus will be set to ENABLED"; "LatestRestorableDateTime is typically 5 minutes
 * before the current time"; TableName may be the table's ARN; errors: TableNotFoundException),
 * PointInTimeRecoveryDescription (RecoveryPeriodInDays 1-35) and ContinuousBackupsDescription.
 * UpdateContinuousBackups from the API reference, UpdateContinuousBackups
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateContinuousBackups.html: "A
 * successful UpdateContinuousBackups call returns the current ContinuousBackupsDescription") and
 * PointInTimeRecoverySpecification (RecoveryPeriodInDays: "If no value is provided, the value will default
 * to 35").
 */
import {
  DescribeContinuousBackupsCommand,
  type DynamoDBClient,
  UpdateContinuousBackupsCommand,
} from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { SandboxClock } from "../../../sandbox/admin/clock";
import { rejectionOf } from "../../support/errors";
import { sandboxWithDev } from "../../support/sandbox";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe("sandbox: DynamoDB DescribeContinuousBackups", function () {
  this.timeout(60_000);
  const clock = new SandboxClock();
  // Point-in-time recovery is on by default (docs/reference.md, kms-dynamodb:pointInTimeRecovery).
  const deployed = sandboxWithDev({}, { clock });
  let dynamodb: DynamoDBClient;

  before(() => {
    // kms-test-user holds AmazonDynamoDBFullAccess: dynamodb:* on every resource.
    dynamodb = deployed.user("kms-test-user").dynamodb;
  });

  const describe_ = (TableName: string) => dynamodb.send(new DescribeContinuousBackupsCommand({ TableName }));

  it("describes point-in-time recovery enabled, with the recovery period and the restorable window", async () => {
    const before = clock.now();
    const { ContinuousBackupsDescription: description } = await describe_(deployed.outputs.tableName);
    expect(description?.ContinuousBackupsStatus).to.equal("ENABLED");
    const recovery = description?.PointInTimeRecoveryDescription;
    expect(recovery?.PointInTimeRecoveryStatus).to.equal("ENABLED");
    // The provider's default, DynamoDB's longest period.
    expect(recovery?.RecoveryPeriodInDays).to.equal(35);
    // A table made moments ago: restorable from its creation; never later than the earliest point.
    const earliest = recovery?.EarliestRestorableDateTime?.getTime() ?? NaN;
    expect(earliest).to.be.at.most(before);
    expect(earliest).to.be.above(before - 5 * MINUTE);
    expect(recovery?.LatestRestorableDateTime?.getTime()).to.be.at.least(earliest);
  });

  it("moves the window with the sandbox's clock: the last 35 days, up to 5 minutes ago", async () => {
    await deployed.sandbox.advanceClock(40 * DAY);
    const now = clock.now();
    const { ContinuousBackupsDescription: description } = await describe_(deployed.outputs.tableArn);
    const recovery = description?.PointInTimeRecoveryDescription;
    // Epoch seconds on the wire: compare to the second.
    expect(Math.round((recovery?.EarliestRestorableDateTime?.getTime() ?? NaN) / 1000)).to.be.closeTo(
      Math.round((now - 35 * DAY) / 1000),
      2,
    );
    expect(Math.round((recovery?.LatestRestorableDateTime?.getTime() ?? NaN) / 1000)).to.be.closeTo(
      Math.round((now - 5 * MINUTE) / 1000),
      2,
    );
  });

  it("describes point-in-time recovery disabled once the stack turns it off", async () => {
    await deployed.update({ "kms-dynamodb:pointInTimeRecovery": false });
    const { ContinuousBackupsDescription: description } = await describe_(deployed.outputs.tableName);
    expect(description).to.deep.equal({
      ContinuousBackupsStatus: "ENABLED",
      PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: "DISABLED" },
    });
  });

  it("turns point-in-time recovery back on with UpdateContinuousBackups: restorable from that moment, 35 days by default", async () => {
    const before = clock.now();
    const answer = await dynamodb.send(
      new UpdateContinuousBackupsCommand({
        TableName: deployed.outputs.tableName,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
    const recovery = answer.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
    expect(answer.ContinuousBackupsDescription?.ContinuousBackupsStatus).to.equal("ENABLED");
    expect(recovery?.PointInTimeRecoveryStatus).to.equal("ENABLED");
    expect(recovery?.RecoveryPeriodInDays).to.equal(35);
    // Enabled now, 40 days after the table was made: the window starts now, not at the table's creation.
    expect(Math.round((recovery?.EarliestRestorableDateTime?.getTime() ?? NaN) / 1000)).to.be.closeTo(
      Math.round(before / 1000),
      2,
    );
    const described = await describe_(deployed.outputs.tableName);
    expect(described.ContinuousBackupsDescription).to.deep.equal(answer.ContinuousBackupsDescription);
  });

  it("changes the recovery period of a table already recovering, and turns recovery off", async () => {
    const answer = await dynamodb.send(
      new UpdateContinuousBackupsCommand({
        TableName: deployed.outputs.tableArn,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 7 },
      }),
    );
    expect(
      answer.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.RecoveryPeriodInDays,
    ).to.equal(7);
    const off = await dynamodb.send(
      new UpdateContinuousBackupsCommand({
        TableName: deployed.outputs.tableName,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      }),
    );
    expect(off.ContinuousBackupsDescription).to.deep.equal({
      ContinuousBackupsStatus: "ENABLED",
      PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: "DISABLED" },
    });
  });

  it("refuses a recovery period outside 1 to 35 days, and an update without PointInTimeRecoveryEnabled", async () => {
    for (const RecoveryPeriodInDays of [0, 36]) {
      const error = await rejectionOf(
        dynamodb.send(
          new UpdateContinuousBackupsCommand({
            TableName: deployed.outputs.tableName,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays },
          }),
        ),
      );
      expect(error.name, String(RecoveryPeriodInDays)).to.equal("ValidationException");
    }
    const missing = await rejectionOf(
      dynamodb.send(
        new UpdateContinuousBackupsCommand({
          TableName: deployed.outputs.tableName,
          PointInTimeRecoverySpecification: {} as { PointInTimeRecoveryEnabled: boolean },
        }),
      ),
    );
    expect(missing.name).to.equal("ValidationException");
  });

  it("UpdateContinuousBackups answers TableNotFoundException for a table that does not exist", async () => {
    const error = await rejectionOf(
      dynamodb.send(
        new UpdateContinuousBackupsCommand({
          TableName: "no-such-table",
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ),
    );
    expect(error.name).to.equal("TableNotFoundException");
  });

  it("UpdateContinuousBackups is authorized as dynamodb:UpdateContinuousBackups on the table", async () => {
    const { dynamodb: appUser } = deployed.user("app-user");
    const error = await rejectionOf(
      appUser.send(
        new UpdateContinuousBackupsCommand({
          TableName: deployed.outputs.tableName,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ),
    );
    expect(error.name).to.equal("AccessDeniedException");
    expect(error.message).to.contain(
      `is not authorized to perform: dynamodb:UpdateContinuousBackups on resource: ${deployed.outputs.tableArn}`,
    );
  });

  it("answers TableNotFoundException for a table that does not exist", async () => {
    const error = await rejectionOf(describe_("no-such-table"));
    expect(error.name).to.equal("TableNotFoundException");
    expect(error.message).to.contain("no-such-table");
  });

  it("refuses a TableName longer than 1,024 characters with ValidationException", async () => {
    const error = await rejectionOf(describe_("t".repeat(1025)));
    expect(error.name).to.equal("ValidationException");
  });

  it("is authorized as dynamodb:DescribeContinuousBackups on the table", async () => {
    // app-user's readwrite policy does not list the action (infra/policies/actions.ts).
    const { dynamodb: appUser } = deployed.user("app-user");
    const error = await rejectionOf(
      appUser.send(new DescribeContinuousBackupsCommand({ TableName: deployed.outputs.tableName })),
    );
    expect(error.name).to.equal("AccessDeniedException");
    expect(error.message).to.contain(
      `is not authorized to perform: dynamodb:DescribeContinuousBackups on resource: ${deployed.outputs.tableArn}`,
    );
  });
});
