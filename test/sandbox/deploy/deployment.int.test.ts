/**
 * How the sandbox carries out a plan's steps against the emulated cloud (sandbox/deploy/deployment.ts),
 * checked on plans from synthesize(). What the engine does with each step, and with the `protect` and
 * `retainOnDelete` options, is documented at https://www.pulumi.com/docs/iac/concepts/options/protect/
 * ("A protected resource cannot be deleted directly") and
 * https://www.pulumi.com/docs/iac/concepts/options/retainondelete/ ("the resource is not deleted from
 * the cloud provider ... it is removed from the Pulumi state").
 */
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { EMPTY_CHECKPOINT, checkpointAfter, type Checkpoint } from "../../../plan/checkpoint";
import { ProtectedResourceError } from "../../../plan/steps";
import { destroyPlan, synthesize } from "../../../plan/synth";
import type { Plan } from "../../../plan/types";
import { reveal } from "../../../plan/values";
import { applySteps, PlanBaseError } from "../../../sandbox/deploy/deployment";
import { deriveCloudModel } from "../../../sandbox/deploy/model";
import { devConfig } from "../../support/sandbox";
import { ACCOUNT_ID } from "../../support/accounts";

interface UserOutputs {
  accessKeyId: string;
  secretAccessKey: string;
}

describe("sandbox deployment steps", function () {
  this.timeout(30_000);

  it("applies a first plan's creates, secrets revealed, with the deployer of its caller-identity invoke", async () => {
    const plan = await synthesize({ stack: "dev", config: devConfig() });
    const { deployment, checkpoint } = applySteps(undefined, EMPTY_CHECKPOINT, plan);
    expect(deployment.outputs).to.deep.equal(reveal(plan.outputs));
    expect(deployment.deployer).to.deep.equal({
      accountId: ACCOUNT_ID,
      arn: `arn:aws:iam::${ACCOUNT_ID}:user/deployer`,
      userId: "AIDAQDEPLOYEREXAMPLE1",
    });
    expect(deployment.resources.every((resource) => resource.custom)).to.equal(true);
    expect(checkpoint).to.deep.equal(checkpointAfter(plan));
  });

  it("keeps the access keys of resources the next plan leaves as they are", async () => {
    const plan = await synthesize({ stack: "dev", config: devConfig() });
    const first = applySteps(undefined, EMPTY_CHECKPOINT, plan);
    const again = await synthesize({ stack: "dev", config: devConfig(), previousState: first.checkpoint });
    const second = applySteps(first.deployment, first.checkpoint, again);
    expect(second.deployment).to.deep.equal(first.deployment);
    const users = first.deployment.outputs.users as Record<string, UserOutputs>;
    expect(
      deriveCloudModel(second.deployment).principals.find((user) => user.name === "app-user")?.accessKeys,
    ).to.deep.equal([
      { accessKeyId: users["app-user"].accessKeyId, secretAccessKey: users["app-user"].secretAccessKey },
    ]);
  });

  it("replaces a table whose name changed: the old one leaves the cloud, the policies name the new ARN", async () => {
    const first = applySteps(
      undefined,
      EMPTY_CHECKPOINT,
      await synthesize({ stack: "dev", config: devConfig() }),
    );
    const renamed = applySteps(
      first.deployment,
      first.checkpoint,
      await synthesize({
        stack: "dev",
        config: devConfig({ "kms-dynamodb:tableName": "renamed-table" }),
        previousState: first.checkpoint,
      }),
    );
    const model = deriveCloudModel(renamed.deployment);
    expect(model.tables.map((table) => table.name)).to.deep.equal(["renamed-table"]);
    const policy =
      model.principals.find((user) => user.name === "app-user")?.inlinePolicies[0].document ?? "";
    expect(policy).to.contain(":table/renamed-table");
    expect(renamed.deployment.outputs.keyArn).to.equal(first.deployment.outputs.keyArn);
  });

  it("refuses a plan that was not made from the checkpoint, naming what to do", async () => {
    const first = applySteps(
      undefined,
      EMPTY_CHECKPOINT,
      await synthesize({ stack: "dev", config: devConfig() }),
    );
    const fresh = await synthesize({ stack: "dev", config: devConfig() });
    expect(() => applySteps(first.deployment, first.checkpoint, fresh)).to.throw(
      PlanBaseError,
      /synthesize it with \{ previousState: sandbox\.state\(\) \}/,
    );
  });

  describe("resource options", () => {
    const program =
      (options: { protect?: boolean; retainOnDelete?: boolean }, withUser: boolean) => async () => {
        const identity = await aws.getCallerIdentity({});
        new aws.dynamodb.Table(
          "orders",
          {
            name: "orders",
            hashKey: "pk",
            attributes: [{ name: "pk", type: "S" }],
            billingMode: "PAY_PER_REQUEST",
          },
          options,
        );
        if (withUser) {
          new aws.iam.User("someone", { name: "someone" });
        }
        return { region: "us-east-1", accountId: identity.accountId };
      };
    const synth = (
      options: { protect?: boolean; retainOnDelete?: boolean },
      withTable: boolean,
      previousState?: Checkpoint,
    ) =>
      synthesize({
        stack: "opts",
        config: { "aws:region": "us-east-1" },
        program: withTable
          ? program(options, true)
          : async () => {
              await aws.getCallerIdentity({});
              new aws.iam.User("someone", { name: "someone" });
              return { region: "us-east-1" };
            },
        previousState,
      });

    it("retainOnDelete: the deleted table leaves the checkpoint and stays in the cloud", async () => {
      const first = applySteps(undefined, EMPTY_CHECKPOINT, await synth({ retainOnDelete: true }, true));
      const plan = await synth({}, false, first.checkpoint);
      expect(plan.steps.filter((step) => step.op === "delete").map((step) => step.urn)).to.deep.equal([
        "urn:pulumi:opts::kms-dynamodb::aws:dynamodb/table:Table::orders",
      ]);
      const applied = applySteps(first.deployment, first.checkpoint, plan);
      expect(applied.checkpoint.resources.map((resource) => resource.type)).to.not.include(
        "aws:dynamodb/table:Table",
      );
      expect(deriveCloudModel(applied.deployment).tables.map((table) => table.name)).to.deep.equal([
        "orders",
      ]);
    });

    it("without it, the deleted table leaves both", async () => {
      const first = applySteps(undefined, EMPTY_CHECKPOINT, await synth({}, true));
      const applied = applySteps(
        first.deployment,
        first.checkpoint,
        await synth({}, false, first.checkpoint),
      );
      expect(deriveCloudModel(applied.deployment).tables).to.deep.equal([]);
    });

    it("protect: refuses a delete step of a protected resource with the engine's message, changing nothing", async () => {
      const first = applySteps(undefined, EMPTY_CHECKPOINT, await synth({ protect: true }, true));
      // A plan made elsewhere (the engine itself refuses to plan it): the sandbox checks again.
      const table = first.checkpoint.resources.find(
        (resource) => resource.type === "aws:dynamodb/table:Table",
      )!;
      const unprotected = {
        ...first.checkpoint,
        resources: first.checkpoint.resources.map((r) => (r === table ? { ...r, protect: false } : r)),
      };
      const plan: Plan = destroyPlan(unprotected);
      plan.steps = plan.steps.map((step) => (step.urn === table.urn ? { ...step, oldState: table } : step));
      expect(() => applySteps(first.deployment, first.checkpoint, plan)).to.throw(
        ProtectedResourceError,
        `unable to delete resource "${table.urn}"\nas it is currently marked for protection.`,
      );
    });

    it("destroys everything, dependents first, keeping the deployer", async () => {
      const first = applySteps(undefined, EMPTY_CHECKPOINT, await synth({}, true));
      const destroyed = applySteps(first.deployment, first.checkpoint, destroyPlan(first.checkpoint));
      expect(destroyed.deployment.resources).to.deep.equal([]);
      expect(destroyed.checkpoint).to.deep.equal(EMPTY_CHECKPOINT);
      expect(destroyed.deployment.deployer).to.deep.equal(first.deployment.deployer);
    });
  });

  it("deploys a plan without the deploying identity as the default deployer of the plan's account", async () => {
    const plan = await synthesize({
      stack: "no-identity",
      config: { "aws:region": "us-east-1" },
      program: async () => {
        new aws.iam.User("someone", { name: "someone" });
      },
    });
    const { deployment } = applySteps(undefined, EMPTY_CHECKPOINT, plan);
    expect(deployment.deployer).to.deep.equal({
      accountId: ACCOUNT_ID,
      arn: `arn:aws:iam::${ACCOUNT_ID}:user/deployer`,
      userId: "AIDADEFAULTDEPLOYER00",
    });
    expect(deployment.deployerSource).to.equal("default");
  });
});
