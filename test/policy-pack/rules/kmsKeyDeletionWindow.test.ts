/**
 * `kms-key-deletion-window`, in process, one field of a compliant baseline changed per case. KMS API reference, ScheduleKeyDeletion, PendingWindowInDays (7-30, default 30); Security Hub control KMS.3.
 */
import { expect } from "chai";
import { kmsKeyDeletionWindow } from "../../../policy-pack/rules";
import {
  KMS_KEY as KEY,
  NATIVE_KMS_KEY as NATIVE_KEY,
  kmsKey as key,
  KMS_EXTERNAL_KEY,
  externalKey,
} from "../../support/compliantResources";
import { runResourceRule } from "../../support/policyArgs";

async function messages(
  policy: Parameters<typeof runResourceRule>[0],
  type: string,
  props: Record<string, unknown>,
  config?: Record<string, unknown>,
): Promise<string[]> {
  const outcome = await runResourceRule(policy, { type, name: "orders-key", props, config });
  expect(outcome.downgraded).to.equal(undefined);
  return outcome.violations.map((v) => v.message);
}

describe("policy rule kms-key-deletion-window (advisory)", () => {
  it("passes the default 30 days and rejects a shorter window", async () => {
    expect(await messages(kmsKeyDeletionWindow, KEY, { description: "x" })).to.deep.equal([]);
    const [message] = await messages(kmsKeyDeletionWindow, KEY, key({ deletionWindowInDays: 7 }));
    expect(message).to.contain("has deletionWindowInDays 7, shorter than the 30 days this pack expects");
    const [native] = await messages(kmsKeyDeletionWindow, NATIVE_KEY, { pendingWindowInDays: 10 });
    expect(native).to.contain("has pendingWindowInDays 10");
  });

  it("follows the configured minimum", async () => {
    expect(
      await messages(kmsKeyDeletionWindow, KEY, key({ deletionWindowInDays: 7 }), { minimumDays: 7 }),
    ).to.deep.equal([]);
  });

  it("checks the deletion window of a key for imported material", async () => {
    // A KMS key for imported material (KMS developer guide, "Importing key material for AWS KMS keys",
    // https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html) is a customer-managed key.
    expect(await messages(kmsKeyDeletionWindow, KMS_EXTERNAL_KEY, externalKey())).to.deep.equal([]);
    const [message] = await messages(
      kmsKeyDeletionWindow,
      KMS_EXTERNAL_KEY,
      externalKey({ deletionWindowInDays: 7 }),
    );
    expect(message).to.contain("(aws:kms/externalKey:ExternalKey) has deletionWindowInDays 7");
  });
});
