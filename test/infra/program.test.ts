import { checkpointAfter } from "../../plan/checkpoint";
import { expect } from "chai";
import { KEY_POLICY_SIDS, buildKeyPolicy } from "../../infra/policies/keyPolicy";
import { kmsDynamodbStack } from "../../infra/program";
import { ConfigError } from "../../infra/validation";
import { DEFAULT_DEPLOYER } from "../../plan/mocks";
import { planOutputs } from "../../plan/outputs";
import { synthesize } from "../../plan/synth";
import { Plan } from "../../plan/types";
import {
  devConfig,
  inputsOf,
  onlyResource,
  outputsOf,
  resourceNamed,
  resourcesOfType,
} from "../support/plan";
import { ACCOUNT_ID } from "../support/accounts";

const USER = "aws:iam/user:User";
const KEY = "aws:kms/key:Key";
const TABLE = "aws:dynamodb/table:Table";

describe("the program under mocks (dev stack)", () => {
  let plan: Plan;
  before(async () => {
    plan = await synthesize({ stack: "dev" });
  });

  describe("EncryptionKey", () => {
    it("is a component whose children are one symmetric key and its alias", () => {
      const component = onlyResource(plan, "kms-dynamodb:kms:EncryptionKey");
      expect(component.custom).to.equal(false);
      const key = onlyResource(plan, KEY);
      const alias = onlyResource(plan, "aws:kms/alias:Alias");
      expect(key.parent).to.equal(component.urn);
      expect(alias.parent).to.equal(component.urn);
      expect(inputsOf(key)).to.include({
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        bypassPolicyLockoutSafetyCheck: false,
        isEnabled: true,
      });
      expect(inputsOf(alias)).to.deep.equal({
        name: "alias/kms-dynamodb-dev",
        targetKeyId: outputsOf(key).keyId,
      });
    });

    it("carries the key policy of buildKeyPolicy: the deployer administers, app-user uses it", () => {
      const policy = JSON.parse(inputsOf(onlyResource(plan, KEY)).policy as string);
      expect(policy).to.deep.equal(
        buildKeyPolicy({
          partition: "aws",
          accountId: ACCOUNT_ID,
          region: "us-east-1",
          administrators: [DEFAULT_DEPLOYER.arn],
          keyUsers: [`arn:aws:iam::${ACCOUNT_ID}:user/app-user`],
        }),
      );
    });

    it("makes the key depend on the users it names, so they exist before the policy does", () => {
      const key = onlyResource(plan, KEY);
      const appUser = resourceNamed(plan, USER, "app-user");
      expect(key.propertyDependencies.policy).to.include(appUser.urn);
    });

    it("takes the deletion window, rotation, alias and admins from config", async () => {
      const custom = await synthesize({
        stack: "dev",
        config: devConfig({
          "kms-dynamodb:keyDeletionWindowDays": 7,
          "kms-dynamodb:keyRotation": false,
          "kms-dynamodb:keyAlias": "alias/team/orders",
          "kms-dynamodb:keyAdmins": [`arn:aws:sts::${ACCOUNT_ID}:assumed-role/KeyAdmins/alice`],
        }),
      });
      const key = inputsOf(onlyResource(custom, KEY));
      expect(key).to.include({ deletionWindowInDays: 7, enableKeyRotation: false });
      const admins = JSON.parse(key.policy as string).Statement.find(
        (s: { Sid: string }) => s.Sid === KEY_POLICY_SIDS.admins,
      );
      expect(admins.Principal).to.deep.equal({ AWS: [`arn:aws:iam::${ACCOUNT_ID}:role/KeyAdmins`] });
      expect(inputsOf(onlyResource(custom, "aws:kms/alias:Alias")).name).to.equal("alias/team/orders");
    });

    it("disables the key in place with keyEnabled: false (isEnabled), the key and table kept", async () => {
      // Pulumi registry, aws.kms.Key: isEnabled "Specifies whether the key is enabled"; an update in
      // place (EnableKey/DisableKey), not a replacement.
      const disabled = await synthesize({
        stack: "dev",
        config: devConfig({ "kms-dynamodb:keyEnabled": false }),
        previousState: checkpointAfter(plan),
      });
      expect(inputsOf(onlyResource(plan, KEY)).isEnabled).to.equal(true);
      expect(inputsOf(onlyResource(disabled, KEY)).isEnabled).to.equal(false);
      const changes = disabled.steps.filter((step) => step.op !== "same");
      expect(changes.map((step) => [step.newState?.type, step.op, step.diffReasons?.join()])).to.deep.equal([
        [KEY, "update", "isEnabled"],
      ]);
    });
  });

  describe("EncryptedTable", () => {
    it("encrypts the table with the key's ARN", () => {
      const table = onlyResource(plan, TABLE);
      const key = onlyResource(plan, KEY);
      expect(inputsOf(table).serverSideEncryption).to.deep.equal({
        enabled: true,
        kmsKeyArn: outputsOf(key).arn,
      });
      expect(table.propertyDependencies.serverSideEncryption).to.deep.equal([key.urn]);
    });

    it("is on-demand, with point-in-time recovery and the configured keys", () => {
      const table = inputsOf(onlyResource(plan, TABLE));
      expect(table).to.deep.include({
        name: "kms-dynamodb-dev",
        hashKey: "pk",
        billingMode: "PAY_PER_REQUEST",
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: false,
        attributes: [{ name: "pk", type: "S" }],
      });
      expect(onlyResource(plan, TABLE).parent).to.equal(
        onlyResource(plan, "kms-dynamodb:dynamodb:EncryptedTable").urn,
      );
    });

    it("takes a range key, PITR and deletion protection from config", async () => {
      const custom = await synthesize({
        stack: "dev",
        config: devConfig({
          "kms-dynamodb:tableName": "orders",
          "kms-dynamodb:hashKey": "customer",
          "kms-dynamodb:rangeKey": "order",
          "kms-dynamodb:pointInTimeRecovery": false,
          "kms-dynamodb:deletionProtection": true,
        }),
      });
      expect(inputsOf(onlyResource(custom, TABLE))).to.deep.include({
        name: "orders",
        hashKey: "customer",
        rangeKey: "order",
        attributes: [
          { name: "customer", type: "S" },
          { name: "order", type: "S" },
        ],
        pointInTimeRecovery: { enabled: false },
        deletionProtectionEnabled: true,
      });
    });
  });

  describe("DataUser", () => {
    it("gives a readwrite user an inline policy scoped to the table and its indexes", () => {
      const policy = resourceNamed(plan, "aws:iam/userPolicy:UserPolicy", "app-user");
      const tableArn = outputsOf(onlyResource(plan, TABLE)).arn;
      const document = JSON.parse(inputsOf(policy).policy as string);
      expect(document.Statement[0].Resource).to.deep.equal([tableArn, `${tableArn}/index/*`]);
      expect(document.Statement[0].Action).to.include.members(["dynamodb:GetItem", "dynamodb:PutItem"]);
      expect(inputsOf(policy)).to.include({ user: "app-user", name: "dynamodb-readwrite" });
    });

    it("attaches AmazonDynamoDBFullAccess to a full user, and no inline policy", () => {
      const attachment = resourceNamed(
        plan,
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "kms-test-user",
      );
      expect(inputsOf(attachment)).to.deep.equal({
        user: "kms-test-user",
        policyArn: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
      });
      expect(resourcesOfType(plan, "aws:iam/userPolicy:UserPolicy").map((s) => s.urn)).to.have.length(1);
    });

    it("gives a readonly user reads only", async () => {
      const custom = await synthesize({
        stack: "dev",
        config: devConfig({
          "kms-dynamodb:users": [{ name: "reader", dynamodbAccess: "readonly", keyUser: true }],
        }),
      });
      const document = JSON.parse(
        inputsOf(onlyResource(custom, "aws:iam/userPolicy:UserPolicy")).policy as string,
      );
      expect(document.Statement[0].Action).to.include("dynamodb:GetItem").and.not.include("dynamodb:PutItem");
    });

    it("creates one user and one access key per configured user, parented to its component", () => {
      for (const name of ["app-user", "kms-test-user"]) {
        const component = resourceNamed(plan, "kms-dynamodb:iam:DataUser", name);
        expect(resourceNamed(plan, USER, name).parent).to.equal(component.urn);
        const accessKey = resourceNamed(plan, "aws:iam/accessKey:AccessKey", name);
        expect(accessKey.parent).to.equal(component.urn);
        expect(inputsOf(accessKey)).to.deep.equal({ user: name });
      }
    });
  });

  describe("stack outputs", () => {
    it("are those of contracts.md section 2, with the secret access key a Pulumi secret", () => {
      const outputs = planOutputs(plan);
      const key = outputsOf(onlyResource(plan, KEY));
      const table = outputsOf(onlyResource(plan, TABLE));
      expect(outputs).to.include({
        region: "us-east-1",
        accountId: ACCOUNT_ID,
        keyArn: key.arn,
        keyAlias: "alias/kms-dynamodb-dev",
        tableName: "kms-dynamodb-dev",
        tableArn: table.arn,
      });
      expect(Object.keys(outputs.users)).to.deep.equal(["app-user", "kms-test-user"]);
      expect(outputs.users["app-user"]).to.include({
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/app-user`,
        dynamodbAccess: "readwrite",
        keyUser: true,
      });
      expect(outputs.users["kms-test-user"]).to.include({ dynamodbAccess: "full", keyUser: false });
      const users = plan.outputs.users as Record<string, Record<string, unknown>>;
      expect(users["app-user"].secretAccessKey).to.have.property("4dabf18193072939515e22adb298388d");
      expect(outputs.users["app-user"].secretAccessKey).to.match(/^[A-Za-z0-9+/]{40}$/);
      expect(outputs.users["app-user"].accessKeyId).to.match(/^AKIA[A-Z2-7]{16}$/);
    });
  });

  describe("granting a user the key", () => {
    it("changes only the key policy: same URNs, same key and table inputs otherwise", async () => {
      const users = devConfig()["kms-dynamodb:users"] as { name: string; keyUser: boolean }[];
      const granted = await synthesize({
        stack: "dev",
        config: devConfig({ "kms-dynamodb:users": users.map((u) => ({ ...u, keyUser: true })) }),
      });
      expect(granted.steps.map((s) => s.urn)).to.deep.equal(plan.steps.map((s) => s.urn));
      const before = inputsOf(onlyResource(plan, KEY));
      const after = inputsOf(onlyResource(granted, KEY));
      expect({ ...after, policy: undefined }).to.deep.equal({ ...before, policy: undefined });
      expect(after.policy).to.not.equal(before.policy);
      expect(JSON.parse(after.policy as string).Statement[2].Principal.AWS).to.include(
        `arn:aws:iam::${ACCOUNT_ID}:user/kms-test-user`,
      );
      expect(inputsOf(onlyResource(granted, TABLE))).to.deep.equal(inputsOf(onlyResource(plan, TABLE)));
      expect(outputsOf(onlyResource(granted, KEY)).arn).to.equal(outputsOf(onlyResource(plan, KEY)).arn);
    });
  });

  describe("bad config", () => {
    it("registers no resource before it fails", async () => {
      let caught: unknown;
      const partial = await synthesize({
        stack: "dev",
        config: devConfig({ "kms-dynamodb:keyDeletionWindowDays": 3 }),
        program: async () => {
          try {
            return await kmsDynamodbStack();
          } catch (err) {
            caught = err;
            return {};
          }
        },
      });
      expect(caught).to.be.instanceOf(ConfigError);
      expect(partial.steps.map((s) => s.newState?.type)).to.deep.equal(["pulumi:pulumi:Stack"]);
    });

    it("fails synthesize with the one-line error", async () => {
      const failure = await synthesize({
        stack: "dev",
        config: devConfig({ "kms-dynamodb:users": [{ name: "x", dynamodbAccess: "admin" }] }),
      }).catch((err: unknown) => err);
      expect(failure).to.be.instanceOf(ConfigError);
      expect((failure as Error).message).to.equal(
        'kms-dynamodb:users[0].dynamodbAccess: "admin" is not one of readonly, readwrite, full',
      );
    });
  });
});
