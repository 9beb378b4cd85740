/**
 * `kms-key-policy-no-public-principal`, in process, one field of a compliant baseline changed per case. Security Hub control KMS.5 ("KMS keys should not be publicly accessible"); IAM JSON policy element reference, Principal and Condition.
 */
import { expect } from "chai";
import { kmsKeyPolicyNoPublicPrincipal } from "../../../policy-pack/rules";
import { ACCOUNT_ID } from "../../support/accounts";
import {
  KMS_KEY as KEY,
  NATIVE_KMS_KEY as NATIVE_KEY,
  kmsKey as key,
  keyPolicy,
  KMS_EXTERNAL_KEY,
  externalKey,
} from "../../support/compliantResources";
import { UNKNOWN, runResourceRule } from "../../support/policyArgs";

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

  it("checks the key policy of a key for imported material", async () => {
    // A KMS key for imported material (KMS developer guide, "Importing key material for AWS KMS keys",
    // https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html) is a customer-managed key.
    expect(await messages(kmsKeyPolicyNoPublicPrincipal, KMS_EXTERNAL_KEY, externalKey())).to.deep.equal([]);
    const [message] = await messages(
      kmsKeyPolicyNoPublicPrincipal,
      KMS_EXTERNAL_KEY,
      externalKey({
        policy: keyPolicy({
          Sid: "Anyone",
          Effect: "Allow",
          Principal: "*",
          Action: "kms:Decrypt",
          Resource: "*",
        }),
      }),
    );
    expect(message).to.contain(
      '(aws:kms/externalKey:ExternalKey) has policy Statement[1] (Sid "Anyone") that allows the wildcard principal',
    );
  });
});
