/**
 * The strict key policy over real HTTP: an administrator of the account (the deployer: a user with
 * AdministratorAccess, and the key's administrator) reads the table's items and uses the key under the
 * default key policy, and cannot under the strict one, while the key user keeps working and the account keeps
 * administering the key (no lockout).
 * - The default key policy's account statement lets IAM policies allow key use (KMS Developer Guide, "Default
 *   key policy", https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 * - An explicit deny overrides any allow (IAM User Guide, "Policy evaluation logic",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * - DynamoDB answers AccessDeniedException "KMS key access denied error" when KMS refuses the caller
 *   (DynamoDB developer guide, "Troubleshooting encryption key access",
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.troubleshooting.html).
 */
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { EncryptCommand, GetKeyPolicyCommand, PutKeyPolicyCommand } from "@aws-sdk/client-kms";
import { expect } from "chai";
import { KEY_POLICY_SIDS } from "../../infra/policies/keyPolicy";
import { failureOf, sandboxWithDev } from "../support/sandbox";

const ITEM = { pk: { S: "strict-key-policy" }, note: { S: "readable by the key users only" } };

for (const keyPolicy of ["default", "strict"] as const) {
  describe(`sandbox: key policy ${keyPolicy}, an account administrator`, function () {
    this.timeout(60_000);
    const deployed = sandboxWithDev({ "kms-dynamodb:keyPolicy": keyPolicy });

    before(async () => {
      await deployed
        .user("app-user")
        .dynamodb.send(new PutItemCommand({ TableName: deployed.outputs.tableName, Item: ITEM }));
    });

    const administrator = () => deployed.as(deployed.sandbox.deployerCredentials(), deployed.outputs.region);

    it(keyPolicy === "default" ? "reads the items" : "cannot read the items", async () => {
      const read = administrator().dynamodb.send(
        new GetItemCommand({ TableName: deployed.outputs.tableName, Key: { pk: ITEM.pk } }),
      );
      if (keyPolicy === "default") {
        expect((await read).Item).to.deep.equal(ITEM);
      } else {
        const failure = await failureOf(read);
        expect(failure.name).to.equal("AccessDeniedException");
        expect(failure.message).to.match(/^KMS key access denied error: /);
      }
    });

    it(keyPolicy === "default" ? "uses the key directly" : "cannot use the key directly", async () => {
      const encrypt = administrator().kms.send(
        new EncryptCommand({ KeyId: deployed.outputs.keyArn, Plaintext: Buffer.from("x") }),
      );
      if (keyPolicy === "default") {
        expect((await encrypt).KeyId).to.equal(deployed.outputs.keyArn);
      } else {
        const failure = await failureOf(encrypt);
        expect(failure.name).to.equal("AccessDeniedException");
        expect(failure.message).to.contain("explicit deny");
      }
    });

    it("the key user still reads the items", async () => {
      const read = await deployed
        .user("app-user")
        .dynamodb.send(new GetItemCommand({ TableName: deployed.outputs.tableName, Key: { pk: ITEM.pk } }));
      expect(read.Item).to.deep.equal(ITEM);
    });

    it("the administrator still administers the key: no lockout (it can replace the key policy)", async () => {
      const kms = administrator().kms;
      const current = await kms.send(
        new GetKeyPolicyCommand({ KeyId: deployed.outputs.keyArn, PolicyName: "default" }),
      );
      const policy = JSON.parse(current.Policy ?? "{}") as { Statement: { Sid?: string }[] };
      expect(policy.Statement.some((statement) => statement.Sid === KEY_POLICY_SIDS.denyOthers)).to.equal(
        keyPolicy === "strict",
      );
      // The account statement keeps the key manageable (KMS Developer Guide, "Default key policy"): the
      // administrator can still replace the policy, which is why the proof lists it as able to obtain access.
      const relaxed = {
        ...policy,
        Statement: policy.Statement.filter((statement) => statement.Sid !== KEY_POLICY_SIDS.denyOthers),
      };
      await kms.send(
        new PutKeyPolicyCommand({
          KeyId: deployed.outputs.keyArn,
          PolicyName: "default",
          Policy: JSON.stringify(relaxed),
        }),
      );
      const after = await kms.send(
        new GetKeyPolicyCommand({ KeyId: deployed.outputs.keyArn, PolicyName: "default" }),
      );
      expect(JSON.parse(after.Policy ?? "{}")).to.deep.equal(relaxed);
    });
  });
}
