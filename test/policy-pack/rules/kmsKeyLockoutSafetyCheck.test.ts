/**
 * `kms-key-lockout-safety-check`, in process, one field of a compliant baseline changed per case. KMS API reference, CreateKey and PutKeyPolicy, BypassPolicyLockoutSafetyCheck.
 */
import { expect } from "chai";
import { kmsKeyLockoutSafetyCheck } from "../../../policy-pack/rules";
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

describe("policy rule kms-key-lockout-safety-check", () => {
  it("passes false or unset, and rejects true on keys and key policies", async () => {
    expect(await messages(kmsKeyLockoutSafetyCheck, KEY, key())).to.deep.equal([]);
    expect(await messages(kmsKeyLockoutSafetyCheck, KEY, { description: "x" })).to.deep.equal([]);
    for (const type of [KEY, "aws:kms/keyPolicy:KeyPolicy", "aws:kms/replicaKey:ReplicaKey", NATIVE_KEY]) {
      const [message] = await messages(kmsKeyLockoutSafetyCheck, type, {
        bypassPolicyLockoutSafetyCheck: true,
      });
      expect(message, type).to.equal(
        `KMS key "orders-key" (${type}) has bypassPolicyLockoutSafetyCheck true, so KMS would accept a key policy that locks ` +
          "every administrator out of the key. Remove bypassPolicyLockoutSafetyCheck or set it to false.",
      );
    }
  });

  it("rejects bypassPolicyLockoutSafetyCheck on a key for imported material and its replica", async () => {
    // A KMS key for imported material (KMS developer guide, "Importing key material for AWS KMS keys",
    // https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html) is a customer-managed key.
    for (const type of [KMS_EXTERNAL_KEY, "aws:kms/replicaExternalKey:ReplicaExternalKey"]) {
      expect(await messages(kmsKeyLockoutSafetyCheck, type, externalKey()), type).to.deep.equal([]);
      const [message] = await messages(
        kmsKeyLockoutSafetyCheck,
        type,
        externalKey({ bypassPolicyLockoutSafetyCheck: true }),
      );
      expect(message, type).to.contain(`(${type}) has bypassPolicyLockoutSafetyCheck true`);
    }
  });
});
