/**
 * Table grants shaped as the AWS CDK's (aws-dynamodb table grants, aws-kms Key.grantEncryptDecrypt): a data
 * grant gives the table through the grantee's identity policy and the key through the key policy; the
 * table-only grant leaves the key policy alone; grants are handles that can be asked for twice.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import type { TableGrantee } from "../../../infra/components/dataPrincipal";
import { DataRole } from "../../../infra/components/dataRole";
import { DataUser } from "../../../infra/components/dataUser";
import { EncryptedTable, type TableDataGrant } from "../../../infra/components/encryptedTable";
import { EncryptionKey, type EncryptionKeyArgs } from "../../../infra/components/encryptionKey";
import { KEY_POLICY_SIDS } from "../../../infra/policies/keyPolicy";
import { ConfigError } from "../../../infra/validation";
import { synthesize } from "../../../plan/synth";
import type { Plan } from "../../../plan/types";
import { ACCOUNT_ID } from "../../support/accounts";
import { inputsOf, onlyResource, resourcesOfType } from "../../support/plan";

const keyArgs: EncryptionKeyArgs = {
  partition: "aws",
  accountId: ACCOUNT_ID,
  region: "eu-west-1",
  administrators: [`arn:aws:iam::${ACCOUNT_ID}:role/KeyAdmin`],
  aliasName: "alias/grants-test",
  description: "grants test key",
};

const userArn = (name: string) => `arn:aws:iam::${ACCOUNT_ID}:user/${name}`;

function program(build: () => void | Promise<void>): Promise<Plan> {
  return synthesize({ stack: "grants", config: { "aws:region": "eu-west-1" }, program: async () => build() });
}

/** The principals of the key policy's key-user statement. */
function keyUsersOf(plan: Plan): string[] {
  const policy = JSON.parse(inputsOf(onlyResource(plan, "aws:kms/key:Key")).policy as string) as {
    Statement: { Sid: string; Principal: { AWS: string[] } }[];
  };
  return policy.Statement.find((statement) => statement.Sid === KEY_POLICY_SIDS.users)?.Principal.AWS ?? [];
}

function user(name: string, dynamodbAccess: "readonly" | "readwrite" | "full" = "readwrite"): DataUser {
  return new DataUser(name, { userName: name, dynamodbAccess, keyUser: true, partition: "aws" });
}

describe("EncryptedTable grants", () => {
  it("grantReadData and grantReadWriteData give the table by identity policy and the key by key policy", async () => {
    const plan = await program(() => {
      const key = new EncryptionKey("k", keyArgs);
      const table = new EncryptedTable("t", { key, tableName: "orders" });
      table.grantReadData(user("reader", "readonly"));
      table.grantReadWriteData(user("writer"));
    });
    expect(keyUsersOf(plan)).to.deep.equal([userArn("reader"), userArn("writer")]);
    const policies = resourcesOfType(plan, "aws:iam/userPolicy:UserPolicy").map((state) => inputsOf(state));
    expect(policies.map((inputs) => [inputs.user, inputs.name])).to.deep.equal([
      ["reader", "dynamodb-readonly"],
      ["writer", "dynamodb-readwrite"],
    ]);
    // The key is never granted through an identity policy: the table's statements only.
    for (const inputs of policies) {
      expect(inputs.policy as string).to.not.contain("kms:");
    }
  });

  it("grantFullAccess attaches AmazonDynamoDBFullAccess and lists the key user", async () => {
    const plan = await program(() => {
      const key = new EncryptionKey("k", keyArgs);
      new EncryptedTable("t", { key, tableName: "orders" }).grantFullAccess(user("admin", "full"));
    });
    expect(keyUsersOf(plan)).to.deep.equal([userArn("admin")]);
    expect(
      inputsOf(onlyResource(plan, "aws:iam/userPolicyAttachment:UserPolicyAttachment")).policyArn,
    ).to.equal("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess");
  });

  it("returns a handle, the same one when asked twice, and one key user per principal", async () => {
    const handles: TableDataGrant[] = [];
    const plan = await program(() => {
      const key = new EncryptionKey("k", keyArgs);
      const orders = new EncryptedTable("orders", { key, tableName: "orders" });
      const audit = new EncryptedTable("audit", { key, tableName: "audit" });
      const app = user("app");
      handles.push(
        orders.grantReadWriteData(app),
        orders.grantReadWriteData(app),
        audit.grantReadWriteData(app),
      );
    });
    expect(handles[0]).to.equal(handles[1]);
    expect(handles[2]).to.not.equal(handles[0]);
    expect(handles[0]).to.include({ access: "readwrite", keyUser: true });
    expect(keyUsersOf(plan)).to.deep.equal([userArn("app")]);
    expect(
      resourcesOfType(plan, "aws:iam/userPolicy:UserPolicy").map((state) => inputsOf(state).name),
    ).to.deep.equal(["dynamodb-readwrite", "dynamodb-readwrite-2"]);
  });

  it("leaves the key policy alone for the table-only grant (grantTableAccess)", async () => {
    const plan = await program(() => {
      const key = new EncryptionKey("k", keyArgs);
      const table = new EncryptedTable("t", { key, tableName: "orders" });
      const tester = new DataUser("tester", {
        userName: "tester",
        dynamodbAccess: "full",
        keyUser: false,
        partition: "aws",
      });
      tester.grantTableAccess(table);
    });
    expect(keyUsersOf(plan)).to.deep.equal([]);
    expect(resourcesOfType(plan, "aws:iam/userPolicyAttachment:UserPolicyAttachment")).to.have.length(1);
  });

  it("grants roles, each table once, whatever number of tables", async () => {
    const plan = await program(() => {
      const key = new EncryptionKey("k", keyArgs);
      const role = new DataRole("role-reporting", {
        roleName: "reporting",
        dynamodbAccess: "readonly",
        keyUser: true,
        trustedPrincipals: [userArn("app")],
        partition: "aws",
      });
      for (const name of ["t1", "t2", "t3"]) {
        new EncryptedTable(name, { key, tableName: `table-${name}` }).grantReadData(role);
      }
    });
    expect(keyUsersOf(plan)).to.deep.equal([`arn:aws:iam::${ACCOUNT_ID}:role/reporting`]);
    expect(
      resourcesOfType(plan, "aws:iam/rolePolicy:RolePolicy").map((state) => inputsOf(state).name),
    ).to.deep.equal(["dynamodb-readonly", "dynamodb-readonly-2", "dynamodb-readonly-3"]);
  });

  it("accepts any grantee: an object with an ARN that attaches its own policy", async () => {
    const attached: string[] = [];
    const plan = await program(() => {
      const key = new EncryptionKey("k", keyArgs);
      const table = new EncryptedTable("t", { key, tableName: "orders" });
      const grantee: TableGrantee = {
        arn: `arn:aws:iam::${ACCOUNT_ID}:role/imported`,
        grantTableAccess: (_table, access) => {
          attached.push(String(access));
          return new pulumi.ComponentResource("test:index:Attached", `attached-${String(access)}`);
        },
      };
      table.grantReadData(grantee);
    });
    expect(attached).to.deep.equal(["readonly"]);
    expect(keyUsersOf(plan)).to.deep.equal([`arn:aws:iam::${ACCOUNT_ID}:role/imported`]);
  });

  it("refuses a data grant on a key it cannot list key users in, naming the fix", async () => {
    let caught: unknown;
    await program(() => {
      const table = new EncryptedTable("t", {
        key: { arn: `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
        tableName: "orders",
      });
      try {
        table.grantReadData(user("app"));
      } catch (err) {
        caught = err;
      }
    });
    expect(caught).to.be.instanceOf(ConfigError);
    expect((caught as Error).message).to.match(
      /its key is not one whose key policy this program writes.*grantTableAccess/,
    );
  });

  it("refuses a grant once the key's policy is registered, instead of losing it", async () => {
    let caught: unknown;
    const plan = await program(async () => {
      const key = new EncryptionKey("k", keyArgs);
      const table = new EncryptedTable("t", { key, tableName: "orders" });
      table.grantReadData(user("early", "readonly"));
      await new Promise((resolve) => setImmediate(resolve));
      try {
        table.grantReadData(user("late", "readonly"));
      } catch (err) {
        caught = err;
      }
    });
    expect((caught as Error).message).to.match(/EncryptionKey k: its key policy is already registered/);
    expect(keyUsersOf(plan)).to.deep.equal([userArn("early")]);
  });
});
