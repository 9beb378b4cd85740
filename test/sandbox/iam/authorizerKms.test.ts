/**
 * The KMS evaluation, checked against what AWS does (KMS developer guide, "Key policies" and "Default key
 * policy"): the key policy decides, and identity policies count only where the key policy allows the
 * account root. These run the evaluator for real; they are the evidence that it applies that rule.
 */
import { expect } from "chai";
import { KEY_POLICY_SIDS } from "../../../infra/policies/keyPolicy";
import { Authorizer, kmsAccessDeniedViaDynamoDbMessage } from "../../../sandbox/iam";
import {
  ACCOUNT_ID,
  APP_USER,
  DEPLOYER,
  IAM_KEY_USER,
  KEY_ARN,
  KMS_TEST_USER,
  NOBODY,
  REGION,
  VIA_DYNAMODB,
  keyPolicy,
  seedAuthorizer,
} from "../../support/seedAuthorizer";
import { KeyRegistry } from "../../../sandbox/kms/keyRegistry";
import { OTHER_ACCOUNT_ID } from "../../support/accounts";

describe("sandbox/iam Authorizer: kms actions on a key", () => {
  describe("with the program's key policy (root statement, key user app-user)", () => {
    const authorizer = seedAuthorizer();

    it("allows the key user kms:Decrypt through DynamoDB", async () => {
      const decision = await authorizer.authorizeKmsViaDynamoDb(
        APP_USER,
        "kms:Decrypt",
        KEY_ARN,
        VIA_DYNAMODB,
      );
      expect(decision.allowed).to.equal(true);
      expect(decision.outcome).to.equal("Allowed");
      // The deciding statements: the key-user statement, and the root statement through which the account
      // is also allowed (KMS developer guide, "Default key policy").
      expect(decision.statements?.filter((s) => s.policy === "key policy").map((s) => s.sid)).to.have.members(
        [KEY_POLICY_SIDS.root, KEY_POLICY_SIDS.users],
      );
    });

    it("refuses the key user a direct kms:Decrypt (no kms:ViaService)", async () => {
      const decision = await authorizer.authorizeKms(APP_USER, "kms:Decrypt", KEY_ARN);
      expect(decision.allowed).to.equal(false);
      // The key policy delegates to the account, so AWS blames the missing identity-based permission.
      expect(decision.message).to.equal(
        `User: ${APP_USER} is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN} because no identity-based policy allows the kms:Decrypt action`,
      );
    });

    it("refuses the key user through another service's kms:ViaService", async () => {
      const decision = await authorizer.authorizeKms(APP_USER, "kms:Decrypt", KEY_ARN, {
        viaService: `s3.${REGION}.amazonaws.com`,
      });
      expect(decision.allowed).to.equal(false);
    });

    it("refuses kms-test-user (AmazonDynamoDBFullAccess, not a key user) kms:Decrypt through DynamoDB", async () => {
      const decision = await authorizer.authorizeKmsViaDynamoDb(
        KMS_TEST_USER,
        "kms:Decrypt",
        KEY_ARN,
        VIA_DYNAMODB,
      );
      expect(decision.allowed).to.equal(false);
      expect(decision.outcome).to.equal("ImplicitlyDenied");
      expect(decision.policyType).to.equal("identity-based");
    });

    it("allows kms-test-user kms:DescribeKey, which AmazonDynamoDBFullAccess grants, through the root statement", async () => {
      expect((await authorizer.authorizeKms(KMS_TEST_USER, "kms:DescribeKey", KEY_ARN)).allowed).to.equal(
        true,
      );
    });

    it("allows a user granted the key by an identity policy, directly and through DynamoDB", async () => {
      expect((await authorizer.authorizeKms(IAM_KEY_USER, "kms:Decrypt", KEY_ARN)).allowed).to.equal(true);
      expect(
        (await authorizer.authorizeKmsViaDynamoDb(IAM_KEY_USER, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB))
          .allowed,
      ).to.equal(true);
    });

    it("allows the deployer (AdministratorAccess) to manage the key", async () => {
      expect((await authorizer.authorizeKms(DEPLOYER, "kms:PutKeyPolicy", KEY_ARN)).allowed).to.equal(true);
    });

    it("answers NotFoundException for a key it does not know", async () => {
      const missing = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/00000000-0000-0000-0000-000000000000`;
      const error = await authorizer.authorizeKms(APP_USER, "kms:Decrypt", missing).then(
        () => undefined,
        (caught: unknown) => caught as { code: string; message: string },
      );
      expect(error).to.include({ code: "NotFoundException", message: `Key '${missing}' does not exist` });
    });
  });

  describe("with a key policy without the root statement", () => {
    const authorizer = seedAuthorizer({ withRoot: false });

    it("refuses a user granted only by an identity policy, naming the resource-based policy", async () => {
      const decision = await authorizer.authorizeKms(IAM_KEY_USER, "kms:Decrypt", KEY_ARN);
      expect(decision.allowed).to.equal(false);
      expect(decision.message).to.equal(
        `User: ${IAM_KEY_USER} is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN} because no resource-based policy allows the kms:Decrypt action`,
      );
    });

    it("still allows the key user named in the key policy through DynamoDB", async () => {
      expect(
        (await authorizer.authorizeKmsViaDynamoDb(APP_USER, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB)).allowed,
      ).to.equal(true);
    });

    it("refuses AmazonDynamoDBFullAccess even kms:DescribeKey", async () => {
      expect((await authorizer.authorizeKms(KMS_TEST_USER, "kms:DescribeKey", KEY_ARN)).allowed).to.equal(
        false,
      );
    });
  });

  describe("conditions", () => {
    it("refuses the key user from another account through DynamoDB (kms:CallerAccount)", async () => {
      const foreign = `arn:aws:iam::${OTHER_ACCOUNT_ID}:user/app-user`;
      const keys = new KeyRegistry();
      const authorizer = new Authorizer({ keys });
      // Its own account's identity policy allows the key, so only the key policy's condition can refuse.
      authorizer.putPrincipal({
        arn: foreign,
        inlinePolicies: [
          {
            name: "use-key",
            document: {
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN }],
            },
          },
        ],
      });
      keys.put({ arn: KEY_ARN, policy: keyPolicy([foreign]) });
      expect(
        (await authorizer.authorizeKmsViaDynamoDb(foreign, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB)).allowed,
      ).to.equal(false);
      // The same principal with the same policies, allowed once the condition names its account.
      const policy = JSON.stringify(keyPolicy([foreign])).replace(
        `"kms:CallerAccount":"${ACCOUNT_ID}"`,
        `"kms:CallerAccount":"${OTHER_ACCOUNT_ID}"`,
      );
      keys.put({ arn: KEY_ARN, policy });
      expect(
        (await authorizer.authorizeKmsViaDynamoDb(foreign, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB)).allowed,
      ).to.equal(true);
    });

    it("applies an explicit Deny in the key policy over any Allow, naming the resource-based policy", async () => {
      const policy = keyPolicy([APP_USER]);
      const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
      const keys = new KeyRegistry();
      const authorizer = seedAuthorizer({}, keys);
      keys.put({
        arn: KEY_ARN,
        policy: {
          ...policy,
          Statement: [
            ...statements,
            { Effect: "Deny", Principal: { AWS: APP_USER }, Action: "kms:Decrypt", Resource: "*" },
          ],
        },
      });
      const decision = await authorizer.authorizeKmsViaDynamoDb(
        APP_USER,
        "kms:Decrypt",
        KEY_ARN,
        VIA_DYNAMODB,
      );
      expect(decision.outcome).to.equal("ExplicitlyDenied");
      expect(decision.message).to.match(/with an explicit deny in a resource-based policy$/);
    });

    it("evaluates kms:EncryptionContextKeys", async () => {
      const keys = new KeyRegistry();
      const authorizer = new Authorizer({ keys });
      authorizer.putPrincipal({ arn: NOBODY });
      keys.put({
        arn: KEY_ARN,
        policy: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: NOBODY },
              Action: "kms:Decrypt",
              Resource: "*",
              Condition: {
                "ForAnyValue:StringEquals": { "kms:EncryptionContextKeys": "aws:dynamodb:tableName" },
              },
            },
          ],
        },
      });
      expect(
        (await authorizer.authorizeKmsViaDynamoDb(NOBODY, "kms:Decrypt", KEY_ARN, VIA_DYNAMODB)).allowed,
      ).to.equal(true);
      expect(
        (
          await authorizer.authorizeKms(NOBODY, "kms:Decrypt", KEY_ARN, {
            encryptionContext: { purpose: "x" },
          })
        ).allowed,
      ).to.equal(false);
    });
  });

  describe("DynamoDB's message for a KMS refusal", () => {
    it("wraps KMS's reason in DynamoDB's 'KMS key access denied error' frame", async () => {
      const authorizer = seedAuthorizer();
      const decision = await authorizer.authorizeKmsViaDynamoDb(
        KMS_TEST_USER,
        "kms:Decrypt",
        KEY_ARN,
        VIA_DYNAMODB,
      );
      expect(kmsAccessDeniedViaDynamoDbMessage(decision, "REQ1")).to.equal(
        "KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: " +
          `User: ${KMS_TEST_USER} is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN} because no identity-based policy allows the kms:Decrypt action ` +
          "(Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: REQ1)",
      );
    });

    it("names the key state when the key is disabled, and refuses an allowed decision", async () => {
      const keys = new KeyRegistry();
      const authorizer = seedAuthorizer({}, keys);
      keys.put({ arn: KEY_ARN, policy: keyPolicy([APP_USER]), state: "Disabled" });
      const decision = await authorizer.authorizeKmsViaDynamoDb(
        APP_USER,
        "kms:Decrypt",
        KEY_ARN,
        VIA_DYNAMODB,
      );
      expect(kmsAccessDeniedViaDynamoDbMessage(decision, "REQ2")).to.equal(
        `KMS key access denied error: com.amazonaws.services.kms.model.DisabledException: ${KEY_ARN} is disabled. ` +
          "(Service: AWSKMS; Status Code: 400; Error Code: DisabledException; Request ID: REQ2)",
      );
      expect(() => kmsAccessDeniedViaDynamoDbMessage({ allowed: true, outcome: "Allowed" }, "REQ3")).to.throw(
        /allowed/,
      );
    });
  });

  describe("key states", () => {
    it("refuses use of a disabled key with DisabledException, after the policy allowed it", async () => {
      const keys = new KeyRegistry();
      const authorizer = seedAuthorizer({}, keys);
      keys.put({ arn: KEY_ARN, policy: keyPolicy([APP_USER]), state: "Disabled" });
      const decision = await authorizer.authorizeKmsViaDynamoDb(
        APP_USER,
        "kms:Decrypt",
        KEY_ARN,
        VIA_DYNAMODB,
      );
      expect(decision.allowed).to.equal(false);
      expect(decision.keyStateError).to.deep.equal({
        code: "DisabledException",
        message: `${KEY_ARN} is disabled.`,
      });
      expect((await authorizer.authorizeKms(KMS_TEST_USER, "kms:DescribeKey", KEY_ARN)).allowed).to.equal(
        true,
      );
    });

    it("refuses use of a key pending deletion with KMSInvalidStateException", async () => {
      const keys = new KeyRegistry();
      const authorizer = seedAuthorizer({}, keys);
      keys.put({ arn: KEY_ARN, policy: keyPolicy([APP_USER]), state: "PendingDeletion" });
      const decision = await authorizer.authorizeKmsViaDynamoDb(
        APP_USER,
        "kms:Decrypt",
        KEY_ARN,
        VIA_DYNAMODB,
      );
      expect(decision.keyStateError?.code).to.equal("KMSInvalidStateException");
    });

    it("reports the policy denial, not the key state, to a caller the policy refuses", async () => {
      const keys = new KeyRegistry();
      const authorizer = seedAuthorizer({}, keys);
      keys.put({ arn: KEY_ARN, policy: keyPolicy([APP_USER]), state: "Disabled" });
      const decision = await authorizer.authorizeKmsViaDynamoDb(
        KMS_TEST_USER,
        "kms:Decrypt",
        KEY_ARN,
        VIA_DYNAMODB,
      );
      expect(decision.keyStateError).to.equal(undefined);
      expect(decision.outcome).to.equal("ImplicitlyDenied");
    });
  });
});
