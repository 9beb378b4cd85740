/**
 * The behaviours patches/@cloud-copilot+iam-simulate+0.1.173.patch corrects. Each test fails on the
 * unpatched library (checked by reverting the patch: `npx patch-package --reverse`), and each expectation
 * comes from the AWS page cited beside it.
 */
import { expect } from "chai";
import { Authorizer, type PolicyDocument } from "../../../sandbox/iam";
import { KeyRegistry } from "../../../sandbox/kms/keyRegistry";
import {
  ACCOUNT_ID,
  APP_USER,
  KEY_ARN,
  KMS_TEST_USER,
  VIA_DYNAMODB,
  keyPolicy,
} from "../../support/seedAuthorizer";

const ROOT = `arn:aws:iam::${ACCOUNT_ID}:root`;
const OTHER_USER = `arn:aws:iam::${ACCOUNT_ID}:user/other`;
const KEY_ALLOWING_ALL_OF_ACCOUNT: PolicyDocument["Statement"] = {
  Effect: "Allow",
  Principal: { AWS: ROOT },
  Action: "kms:*",
  Resource: "*",
};
const KMS_ALL: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }],
};

function authorizerWith(statements: PolicyDocument["Statement"][]): Authorizer {
  const keys = new KeyRegistry();
  const authorizer = new Authorizer({ keys });
  for (const arn of [APP_USER, KMS_TEST_USER, OTHER_USER]) {
    authorizer.putPrincipal({ arn, inlinePolicies: [{ name: "kms-all", document: KMS_ALL }] });
  }
  keys.put({
    arn: KEY_ARN,
    policy: { Version: "2012-10-17", Statement: statements.flat() },
  });
  return authorizer;
}

describe("iam-simulate as patched: NotPrincipal", () => {
  // IAM User Guide, "AWS JSON policy elements: NotPrincipal": with Deny, "the actions specified in the
  // policy statement are explicitly denied to all principals except for the ones specified"; its example
  // lists a user and the account ARN (arn:aws:iam::ACCOUNT_ID:root) so that only that user is spared.
  const denyAllButAppUser = {
    Effect: "Deny" as const,
    NotPrincipal: { AWS: [APP_USER, ROOT] },
    Action: "kms:Decrypt",
    Resource: "*",
  };

  it("denies the account's other users when NotPrincipal lists one user and the account root", async () => {
    const authorizer = authorizerWith([KEY_ALLOWING_ALL_OF_ACCOUNT, denyAllButAppUser]);
    const decision = await authorizer.authorizeKms(OTHER_USER, "kms:Decrypt", KEY_ARN);
    expect(decision.outcome).to.equal("ExplicitlyDenied");
  });

  it("spares the user NotPrincipal names", async () => {
    const authorizer = authorizerWith([KEY_ALLOWING_ALL_OF_ACCOUNT, denyAllButAppUser]);
    const decision = await authorizer.authorizeKms(APP_USER, "kms:Decrypt", KEY_ARN);
    expect(decision.outcome).to.equal("Allowed");
  });

  it("denies every principal but the account root when NotPrincipal lists only the account", async () => {
    const authorizer = authorizerWith([
      KEY_ALLOWING_ALL_OF_ACCOUNT,
      { ...denyAllButAppUser, NotPrincipal: { AWS: ROOT } },
    ]);
    expect((await authorizer.authorizeKms(APP_USER, "kms:Decrypt", KEY_ARN)).outcome).to.equal(
      "ExplicitlyDenied",
    );
  });
});

describe("iam-simulate as patched: kms:EncryptionContext:<key>", () => {
  // KMS developer guide, "AWS KMS condition keys", kms:EncryptionContext:context-key: "controls access
  // to a symmetric encryption KMS key based on the encryption context in a request"; DynamoDB's context
  // is aws:dynamodb:tableName and aws:dynamodb:subscriberId (DynamoDB developer guide, "How Amazon
  // DynamoDB uses AWS KMS", Encryption context).
  const tableCondition = {
    StringEquals: { "kms:EncryptionContext:aws:dynamodb:tableName": VIA_DYNAMODB.name },
  };

  it("allows on a matching encryption context pair", async () => {
    const authorizer = authorizerWith([
      {
        Effect: "Allow",
        Principal: { AWS: OTHER_USER },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: tableCondition,
      },
    ]);
    const decision = await authorizer.authorizeKmsViaDynamoDb(
      OTHER_USER,
      "kms:Decrypt",
      KEY_ARN,
      VIA_DYNAMODB,
    );
    expect(decision.outcome).to.equal("Allowed");
  });

  it("does not allow another table's context", async () => {
    const authorizer = authorizerWith([
      {
        Effect: "Allow",
        Principal: { AWS: OTHER_USER },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: tableCondition,
      },
    ]);
    const decision = await authorizer.authorizeKmsViaDynamoDb(OTHER_USER, "kms:Decrypt", KEY_ARN, {
      ...VIA_DYNAMODB,
      name: "another-table",
    });
    expect(decision.outcome).to.equal("ImplicitlyDenied");
  });

  it("applies a Deny conditioned on the encryption context, over the program's key policy", async () => {
    const policy = keyPolicy([APP_USER]);
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    const authorizer = authorizerWith([
      ...statements,
      {
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: tableCondition,
      },
    ]);
    const decision = await authorizer.authorizeKmsViaDynamoDb(APP_USER, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB);
    expect(decision.outcome).to.equal("ExplicitlyDenied");
  });
});
