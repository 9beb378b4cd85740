/**
 * kms:TrailingDaysWithoutKeyUsage over real HTTP with AWS SDK v3 clients, on the sandbox's simulated
 * clock, across a restart from the data dir. Expectations from:
 * - Service Authorization Reference, AWS KMS
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html):
 *   kms:TrailingDaysWithoutKeyUsage "Filters access to the ScheduleKeyDeletion and DisableKey operations
 *   based on the number of days since the AWS KMS key was last used" (Numeric), in those two actions only.
 * - KMS Developer Guide, "Determine past usage of a KMS key"
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/monitoring-keys-determining-usage.html): the
 *   last successful cryptographic operation is recorded; the condition key lets a policy keep recently
 *   used keys from being disabled or scheduled for deletion; a key never used counts from its creation
 *   (KMS API reference, GetKeyLastUsage: TrackingStartDate is "the date the KMS key was created,
 *   whichever is later"); the count is in whole days.
 */
import {
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { expect } from "chai";
import { Sandbox } from "../../../sandbox";
import { DAY_MS } from "../../../sandbox/admin/clock";
import { buildStackPlan } from "../../support/accessStacks";
import { outcomeOf } from "../../support/errors";
import { resourceNamed, setInput } from "../../support/plan";
import { useClientPool, type Credentials } from "../../support/sandbox";
import { tempDirForThisTest } from "../../support/tempDir";

const PLAN = buildStackPlan({
  id: "ku",
  users: [{ access: "none", extras: ["allow-create-access-key"], withAccessKey: true }],
  keys: [{ rootStatement: true, keyUsers: [], viaDynamoDbOnly: false, deniedUsers: [], enabled: true }],
  tables: [],
});
const KEY_ARN = String(resourceNamed(PLAN, "aws:kms/key:Key", "ku-k0").outputs.arn);
{
  // AWS's example: keep keys used in the last 30 days from being disabled or scheduled for deletion.
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "kms:Encrypt",
          "kms:DescribeKey",
          "kms:EnableKey",
          "kms:DisableKey",
          "kms:ScheduleKeyDeletion",
        ],
        Resource: KEY_ARN,
      },
      {
        Effect: "Deny",
        Action: ["kms:DisableKey", "kms:ScheduleKeyDeletion"],
        Resource: KEY_ARN,
        Condition: { NumericLessThanEquals: { "kms:TrailingDaysWithoutKeyUsage": "30" } },
      },
    ],
  });
  setInput(PLAN, "aws:iam/userPolicy:UserPolicy", "ku-u0", "policy", policy);
}
const USER = (PLAN.outputs.users as Record<string, Credentials>)["ku-u0"];

describe("sandbox: kms:TrailingDaysWithoutKeyUsage", function () {
  this.timeout(60_000);
  let sandbox: Sandbox | undefined;
  // Registered before the afterEach that stops the sandbox: the clients go first.
  const clients = useClientPool();

  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  const kms = () => clients.open((sandbox as Sandbox).endpoint, USER).kms;
  const outcome = (promise: Promise<unknown>) => outcomeOf(promise, { nameOnly: true });
  const disable = () => outcome(kms().send(new DisableKeyCommand({ KeyId: KEY_ARN })));

  it("counts whole days since the key's creation, then since its last use, and keeps that use across a restart", async () => {
    const dataDir = tempDirForThisTest("sandbox-key-usage");
    sandbox = await Sandbox.start({ dataDir });
    await sandbox.apply(PLAN);
    // Created now, never used: 0 days.
    expect(await disable()).to.equal("AccessDeniedException");
    await sandbox.advanceClock(30 * DAY_MS);
    expect(await disable(), "30 days: still within the Deny").to.equal("AccessDeniedException");
    await sandbox.advanceClock(DAY_MS);
    expect(await disable(), "31 days without use").to.equal("allowed");
    await kms().send(new EnableKeyCommand({ KeyId: KEY_ARN }));
    // Encrypt is a cryptographic operation: the count starts again. DescribeKey is not one.
    await kms().send(new EncryptCommand({ KeyId: KEY_ARN, Plaintext: Buffer.from("x") }));
    await kms().send(new DescribeKeyCommand({ KeyId: KEY_ARN }));
    expect(await disable()).to.equal("AccessDeniedException");
    expect(
      await outcome(kms().send(new ScheduleKeyDeletionCommand({ KeyId: KEY_ARN, PendingWindowInDays: 7 }))),
    ).to.equal("AccessDeniedException");
    await sandbox.stop();
    sandbox = await Sandbox.start({ dataDir });
    expect(await disable(), "the use survives the restart").to.equal("AccessDeniedException");
    await sandbox.advanceClock(31 * DAY_MS);
    expect(await disable()).to.equal("allowed");
  });
});
