/**
 * How the sandbox merges a new plan into what it deployed (sandbox/deployment.ts), checked on plans from
 * synthesize(): kept resources keep their computed values, replaced ones do not, and the stack outputs
 * and dependent inputs follow.
 */
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { synthesize } from "../../plan/synth";
import { reveal } from "../../plan/values";
import { reconcile } from "../../sandbox/deployment";
import { deriveModel } from "../../sandbox/model";
import { devConfig } from "./helpers";

interface UserOutputs {
  accessKeyId: string;
  secretAccessKey: string;
}

describe("sandbox deployment reconcile", function () {
  this.timeout(30_000);

  it("takes a first plan as it is, secrets revealed, with the deployer of its caller-identity invoke", async () => {
    const plan = await synthesize({ stack: "dev", config: devConfig() });
    const deployment = reconcile(undefined, plan);
    expect(deployment.outputs).to.deep.equal(reveal(plan.outputs));
    expect(deployment.deployer).to.deep.equal({
      accountId: "111122223333",
      arn: "arn:aws:iam::111122223333:user/deployer",
      userId: "AIDAQDEPLOYEREXAMPLE1",
    });
  });

  it("keeps the access keys (and every computed value) of resources already deployed", async () => {
    const first = reconcile(undefined, await synthesize({ stack: "dev", config: devConfig() }));
    const again = await synthesize({ stack: "dev", config: devConfig() });
    const fresh = reveal(again.outputs) as { users: Record<string, UserOutputs> };
    const firstUsers = first.outputs.users as Record<string, UserOutputs>;
    // The mocks make a new random secret per synthesis, as AWS would for a new access key.
    expect(fresh.users["app-user"].secretAccessKey).to.not.equal(firstUsers["app-user"].secretAccessKey);

    const second = reconcile(first, again);
    expect(second.outputs).to.deep.equal(first.outputs);
    const model = deriveModel(second);
    expect(model.users.find((user) => user.name === "app-user")?.accessKeys).to.deep.equal([
      {
        accessKeyId: firstUsers["app-user"].accessKeyId,
        secretAccessKey: firstUsers["app-user"].secretAccessKey,
      },
    ]);
  });

  it("replaces a table whose name changed, and the users' policies follow the new ARN", async () => {
    const first = reconcile(undefined, await synthesize({ stack: "dev", config: devConfig() }));
    const renamed = reconcile(
      first,
      await synthesize({ stack: "dev", config: devConfig({ "kms-dynamodb:tableName": "renamed-table" }) }),
    );
    const model = deriveModel(renamed);
    expect(model.tables.map((table) => table.name)).to.deep.equal(["renamed-table"]);
    const policy = model.users.find((user) => user.name === "app-user")?.inlinePolicies[0].document ?? "";
    expect(policy).to.contain(":table/renamed-table");
    expect(renamed.outputs.keyArn).to.equal(first.outputs.keyArn);
  });

  it("refuses a plan without the deploying identity, naming the invoke it needs", async () => {
    const plan = await synthesize({
      stack: "no-identity",
      config: { "aws:region": "us-east-1" },
      program: async () => {
        new aws.iam.User("someone", { name: "someone" });
      },
    });
    expect(() => reconcile(undefined, plan)).to.throw(/getCallerIdentity/);
  });
});
