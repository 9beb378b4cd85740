/**
 * `kms-key-rotation-enabled`, in process, one field of a compliant baseline changed per case. Symmetric encryption keys rotate: KMS developer guide, "Rotating AWS KMS keys"; CIS AWS Foundations 3.6.
 */
import { expect } from "chai";
import { kmsKeyRotationEnabled } from "../../../policy-pack/rules";
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

describe("policy rule kms-key-rotation-enabled", () => {
  it("passes a symmetric key with rotation, and keys rotation does not apply to", async () => {
    expect(await messages(kmsKeyRotationEnabled, KEY, key())).to.deep.equal([]);
    expect(
      await messages(
        kmsKeyRotationEnabled,
        KEY,
        key({ customerMasterKeySpec: "RSA_2048", enableKeyRotation: false }),
      ),
    ).to.deep.equal([]);
    expect(
      await messages(
        kmsKeyRotationEnabled,
        KEY,
        key({ keyUsage: "GENERATE_VERIFY_MAC", customerMasterKeySpec: "HMAC_256", enableKeyRotation: false }),
      ),
    ).to.deep.equal([]);
  });

  it("reports itself not applicable to keys KMS cannot rotate, saying why", async () => {
    // "Automatic key rotation is supported only on symmetric encryption KMS keys with key material that
    // AWS KMS generates" (KMS developer guide, Rotating AWS KMS keys).
    const hmac = await runResourceRule(kmsKeyRotationEnabled, {
      type: KEY,
      name: "orders-key",
      props: key({
        keyUsage: "GENERATE_VERIFY_MAC",
        customerMasterKeySpec: "HMAC_256",
        enableKeyRotation: false,
      }),
    });
    expect(hmac).to.deep.equal({
      violations: [],
      notApplicable:
        "automatic rotation applies only to symmetric encryption keys with KMS-generated material; this key has " +
        'keyUsage "GENERATE_VERIFY_MAC", key spec "HMAC_256", origin "AWS_KMS"',
    });
    const imported = await runResourceRule(kmsKeyRotationEnabled, {
      type: NATIVE_KEY,
      name: "orders-key",
      props: { keyUsage: "ENCRYPT_DECRYPT", origin: "EXTERNAL" },
    });
    expect(imported.notApplicable).to.match(/origin "EXTERNAL"$/);
    const symmetric = await runResourceRule(kmsKeyRotationEnabled, { type: KEY, name: "k", props: key() });
    expect(symmetric).to.deep.equal({ violations: [] });
  });

  it("rejects a symmetric key without rotation, defaults included", async () => {
    const [message] = await messages(kmsKeyRotationEnabled, KEY, { description: "plain" });
    expect(message).to.equal(
      'KMS key "orders-key" (aws:kms/key:Key) is a symmetric encryption key with enableKeyRotation not set. ' +
        "Set enableKeyRotation to true so KMS creates new key material every rotation period.",
    );
    const [native] = await messages(kmsKeyRotationEnabled, NATIVE_KEY, {
      keySpec: "SYMMETRIC_DEFAULT",
      enableKeyRotation: false,
    });
    expect(native).to.contain(
      "(aws-native:kms:Key) is a symmetric encryption key with enableKeyRotation false",
    );
  });

  it("rejects a rotation period above the configured maximum", async () => {
    const [message] = await messages(kmsKeyRotationEnabled, KEY, key({ rotationPeriodInDays: 730 }));
    expect(message).to.contain("has rotationPeriodInDays 730, longer than the 365 days this pack allows");
    expect(
      await messages(kmsKeyRotationEnabled, KEY, key({ rotationPeriodInDays: 730 }), {
        maximumRotationPeriodDays: 800,
      }),
    ).to.deep.equal([]);
  });

  it("reports itself not applicable to a key for imported material: KMS cannot rotate it automatically", async () => {
    // A KMS key for imported material (KMS developer guide, "Importing key material for AWS KMS keys",
    // https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html) is a customer-managed key.
    const outcome = await runResourceRule(kmsKeyRotationEnabled, {
      type: KMS_EXTERNAL_KEY,
      name: "imported",
      props: externalKey(),
    });
    expect(outcome).to.deep.equal({
      violations: [],
      notApplicable:
        "automatic rotation applies only to symmetric encryption keys with KMS-generated material; this key's " +
        "material is imported (origin EXTERNAL)",
    });
  });
});
