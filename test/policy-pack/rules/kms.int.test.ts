import { expect } from "chai";
import {
  kmsKeyDeletionWindow,
  kmsKeyLockoutSafetyCheck,
  kmsKeyPolicyNoPublicPrincipal,
  kmsKeyRotationEnabled,
} from "../../../policy-pack/rules/kms";
import { UNKNOWN, runResourceRule, usePolicyHarness } from "../../support/ruleHarness";
import { ACCOUNT_ID } from "../../support/accounts";

usePolicyHarness();

const KEY = "aws:kms/key:Key";
const NATIVE_KEY = "aws-native:kms:Key";

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Principal: unknown;
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, unknown>;
}

const ROOT: PolicyStatement = {
  Sid: "EnableRootAccess",
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
  Action: "kms:*",
  Resource: "*",
};

function keyPolicy(...extra: PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: [ROOT, ...extra] });
}

function key(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    description: "orders",
    keyUsage: "ENCRYPT_DECRYPT",
    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    bypassPolicyLockoutSafetyCheck: false,
    policy: keyPolicy(),
    ...overrides,
  };
}

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
});

describe("policy rule kms-key-policy-no-public-principal", () => {
  it("passes a policy of named principals", async () => {
    expect(await messages(kmsKeyPolicyNoPublicPrincipal, KEY, key())).to.deep.equal([]);
  });

  it('rejects "*" and {"AWS": "*"} without a bounding condition', async () => {
    const star = await messages(
      kmsKeyPolicyNoPublicPrincipal,
      KEY,
      key({
        policy: keyPolicy({
          Sid: "Anyone",
          Effect: "Allow",
          Principal: "*",
          Action: "kms:Decrypt",
          Resource: "*",
        }),
      }),
    );
    expect(star).to.have.length(1);
    expect(star[0]).to.contain(
      'has policy Statement[1] (Sid "Anyone") that allows the wildcard principal "*"',
    );
    const aws = await messages(kmsKeyPolicyNoPublicPrincipal, "aws:kms/keyPolicy:KeyPolicy", {
      keyId: "k",
      policy: keyPolicy({
        Effect: "Allow",
        Principal: { AWS: [`arn:aws:iam::${ACCOUNT_ID}:user/a`, "*"] },
        Action: "kms:Decrypt",
        Resource: "*",
      }),
    });
    expect(aws[0]).to.contain(
      '(aws:kms/keyPolicy:KeyPolicy) has policy Statement[1] that allows the wildcard principal {"AWS":["arn:aws:iam::111122223333:user/a","*"]}',
    );
  });

  it("passes a wildcard principal bounded by kms:CallerAccount, aws:PrincipalAccount or aws:PrincipalOrgID", async () => {
    for (const condition of [
      { StringEquals: { "kms:CallerAccount": ACCOUNT_ID } } as Record<string, unknown>,
      { StringEquals: { "aws:PrincipalAccount": [ACCOUNT_ID] } },
      { "ForAnyValue:StringLike": { "aws:PrincipalOrgID": "o-abc123" } },
    ]) {
      const statement = {
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: condition,
      };
      expect(
        await messages(kmsKeyPolicyNoPublicPrincipal, KEY, key({ policy: keyPolicy(statement) })),
        JSON.stringify(condition),
      ).to.deep.equal([]);
    }
  });

  it("does not count conditions that do not bound the principal", async () => {
    for (const condition of [
      { StringNotEquals: { "kms:CallerAccount": ACCOUNT_ID } } as Record<string, unknown>,
      { StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } },
      { StringLike: { "aws:PrincipalAccount": "*" } },
    ]) {
      const statement = {
        Effect: "Allow",
        Principal: "*",
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: condition,
      };
      expect(
        await messages(kmsKeyPolicyNoPublicPrincipal, KEY, key({ policy: keyPolicy(statement) })),
        JSON.stringify(condition),
      ).to.have.length(1);
    }
  });

  it("ignores Deny statements and reads aws-native keyPolicy objects", async () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "kms:*", Resource: "*" };
    expect(
      await messages(kmsKeyPolicyNoPublicPrincipal, KEY, key({ policy: keyPolicy(deny) })),
    ).to.deep.equal([]);
    const open = {
      Version: "2012-10-17",
      Statement: { Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" },
    };
    const [message] = await messages(kmsKeyPolicyNoPublicPrincipal, NATIVE_KEY, { keyPolicy: open });
    expect(message).to.contain("(aws-native:kms:Key) has keyPolicy Statement[0]");
  });

  it("rejects a policy that is not JSON", async () => {
    const [message] = await messages(kmsKeyPolicyNoPublicPrincipal, KEY, key({ policy: "{not json" }));
    expect(message).to.contain("has a policy that cannot be checked: it is not valid JSON");
  });

  it("is downgraded to advisory, as the engine does, when the policy is unknown at preview", async () => {
    const outcome = await runResourceRule(kmsKeyPolicyNoPublicPrincipal, {
      type: KEY,
      props: key({ policy: UNKNOWN }),
    });
    expect(outcome.downgraded).to.equal("string value at .policy can't be known during preview");
  });
});

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
});

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
});
