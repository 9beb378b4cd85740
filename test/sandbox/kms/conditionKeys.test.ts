/**
 * The kms:* condition keys a KMS request carries, as the KMS Developer Guide's "AWS KMS condition keys"
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html) documents them, decided by a
 * key policy through the KmsService as the server calls it.
 */
import { expect } from "chai";
import { AwsError } from "../../../sandbox/errors";
import { KmsService } from "../../../sandbox/kms";
import { GrantStore } from "../../../sandbox/kms/grants";
import { KeyRegistry } from "../../../sandbox/kms/keyRegistry";
import type { PolicyStatement } from "../../../sandbox/iam/types";
import { rejectionOf } from "../../support/errors";
import {
  ACCOUNT_ID,
  APP_USER,
  DEPLOYER,
  IAM_KEY_USER,
  KEY_ARN,
  KEY_ID,
  REGION,
  keyPolicy,
  seedAuthorizer,
} from "../../support/seedAuthorizer";

const ALIAS = "alias/app-data";

function serviceWith(denies: PolicyStatement[]): KmsService {
  const keys = new KeyRegistry();
  const grants = new GrantStore();
  const kms = new KmsService(seedAuthorizer({}, keys, grants), keys, grants);
  const policy = keyPolicy([APP_USER]);
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  kms.putKey({ arn: KEY_ARN, policy: JSON.stringify({ ...policy, Statement: [...statements, ...denies] }) });
  kms.putAlias(ALIAS, KEY_ARN);
  return kms;
}

const deny = (action: string, condition: Record<string, Record<string, unknown>>): PolicyStatement => ({
  Effect: "Deny",
  Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
  Action: action,
  Resource: "*",
  Condition: condition,
});

const as = (arn: string) => ({ arn, region: REGION });
const failure = (promise: Promise<unknown>): Promise<AwsError> => rejectionOf(promise, AwsError);

describe("sandbox/kms condition keys of a request", () => {
  it("kms:ScheduleKeyDeletionPendingWindowInDays: a Deny of windows under 30 days stops 7 and lets 30 through", async () => {
    // KMS developer guide, kms:ScheduleKeyDeletionPendingWindowInDays: "NumericLessThan ... 30" example.
    const kms = serviceWith([
      deny("kms:ScheduleKeyDeletion", {
        NumericLessThan: { "kms:ScheduleKeyDeletionPendingWindowInDays": "30" },
      }),
    ]);
    const refused = await failure(
      kms.handle("ScheduleKeyDeletion", { KeyId: KEY_ID, PendingWindowInDays: 7 }, as(DEPLOYER)),
    );
    expect(refused.code).to.equal("AccessDeniedException");
    // Omitted, the window is 30 days (KMS API reference, ScheduleKeyDeletion): not under 30.
    await kms.handle("ScheduleKeyDeletion", { KeyId: KEY_ID }, as(DEPLOYER));
  });

  it("kms:BypassPolicyLockoutSafetyCheck: the guide's Deny stops a PutKeyPolicy that bypasses the check", async () => {
    const kms = serviceWith([
      deny("kms:PutKeyPolicy", { Bool: { "kms:BypassPolicyLockoutSafetyCheck": "true" } }),
    ]);
    const policy = JSON.stringify(keyPolicy([APP_USER]));
    const refused = await failure(
      kms.handle(
        "PutKeyPolicy",
        { KeyId: KEY_ID, Policy: policy, BypassPolicyLockoutSafetyCheck: true },
        as(DEPLOYER),
      ),
    );
    expect(refused.code).to.equal("AccessDeniedException");
    await kms.handle("PutKeyPolicy", { KeyId: KEY_ID, Policy: policy }, as(DEPLOYER));
  });

  it("kms:RequestAlias is the alias the KeyId names, absent for a key id", async () => {
    const kms = serviceWith([deny("kms:DescribeKey", { StringEquals: { "kms:RequestAlias": ALIAS } })]);
    expect((await failure(kms.handle("DescribeKey", { KeyId: ALIAS }, as(IAM_KEY_USER)))).code).to.equal(
      "AccessDeniedException",
    );
    await kms.handle("DescribeKey", { KeyId: KEY_ID }, as(IAM_KEY_USER));
  });

  it("kms:ResourceAliases holds the key's aliases whatever KeyId the request used", async () => {
    const kms = serviceWith([
      deny("kms:DescribeKey", { "ForAnyValue:StringEquals": { "kms:ResourceAliases": ALIAS } }),
    ]);
    expect((await failure(kms.handle("DescribeKey", { KeyId: KEY_ID }, as(IAM_KEY_USER)))).code).to.equal(
      "AccessDeniedException",
    );
  });

  it("kms:EncryptionAlgorithm is SYMMETRIC_DEFAULT when Encrypt omits it", async () => {
    const kms = serviceWith([
      deny("kms:Encrypt", { StringEquals: { "kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT" } }),
    ]);
    const refused = await failure(
      kms.handle(
        "Encrypt",
        { KeyId: KEY_ID, Plaintext: Buffer.from("x").toString("base64") },
        as(IAM_KEY_USER),
      ),
    );
    expect(refused.code).to.equal("AccessDeniedException");
  });
});
