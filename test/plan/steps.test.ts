/**
 * The plan engine's steps from a previous state, as `pulumi preview` computes them from the stack's
 * last checkpoint. Expectations follow the engine's documented behaviour:
 * - https://www.pulumi.com/docs/iac/concepts/how-pulumi-works/ ("the engine compares the desired
 *   state with the current state ... and determines which resources need to be created, updated,
 *   replaced or deleted"); a resource whose inputs did not change is a `same` step and keeps its state.
 * - Replacement follows the provider's replace-on-change properties (plan/replaceOnChange.ts, the
 *   Terraform AWS provider's "Forces new resource" arguments, e.g. dynamodb_table `name`).
 * - https://www.pulumi.com/docs/iac/concepts/options/protect/ : a protected resource cannot be deleted
 *   or replaced; https://www.pulumi.com/docs/iac/concepts/options/retainondelete/ : the option is
 *   recorded on the state.
 */
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { checkpointAfter, type Checkpoint } from "../../plan/checkpoint";
import { formatSteps } from "../../plan/diff";
import { ProtectedResourceError } from "../../plan/steps";
import { destroyPlan, synthesize } from "../../plan/synth";
import type { Plan } from "../../plan/types";
import { reveal } from "../../plan/values";
import { devConfig } from "../support/plan";

const APP_USER = { name: "app-user", dynamodbAccess: "readwrite", keyUser: true };
const TEST_USER = { name: "kms-test-user", dynamodbAccess: "full", keyUser: false };

const changed = (plan: Plan) =>
  plan.steps
    .filter((step) => step.op !== "same")
    .map((step) => [step.op, typeOf(step.urn), step.diffReasons]);
const typeOf = (urn: string) => urn.split("::")[2].split("$").at(-1);

describe("plan steps from a previous state", function () {
  this.timeout(30_000);
  let first: Plan;
  let state: Checkpoint;
  before(async () => {
    first = await synthesize({ stack: "dev", config: devConfig() });
    state = checkpointAfter(first);
  });

  it("creates every resource of a stack with no state, in registration order", () => {
    expect(first.steps.every((step) => step.op === "create" && step.oldState === undefined)).to.equal(true);
    expect(first.steps.every((step) => step.detailedDiff === null)).to.equal(true);
    expect(first.steps[0].urn).to.equal(
      "urn:pulumi:dev::kms-dynamodb::pulumi:pulumi:Stack::kms-dynamodb-dev",
    );
  });

  it("gives only same steps for the same config, with the recorded ids and identical secrets", async () => {
    const again = await synthesize({ stack: "dev", config: devConfig(), previousState: state });
    expect(again.steps.map((step) => step.op)).to.deep.equal(first.steps.map(() => "same"));
    expect(again.steps.map((step) => step.newState?.id)).to.deep.equal(
      first.steps.map((s) => s.newState?.id),
    );
    // The secret access keys are random per creation (plan/mocks.ts): equal only if kept from the state.
    expect(reveal(again.outputs)).to.deep.equal(reveal(first.outputs));
    for (const step of again.steps) {
      expect(step.oldState).to.equal(state.resources.find((r) => r.urn === step.urn));
    }
  });

  it("sees a grant as one update of the key's policy", async () => {
    const granted = await synthesize({
      stack: "dev",
      config: devConfig({ "kms-dynamodb:users": [APP_USER, { ...TEST_USER, keyUser: true }] }),
      previousState: state,
    });
    expect(changed(granted)).to.deep.equal([["update", "aws:kms/key:Key", ["policy"]]]);
    const update = granted.steps.find((step) => step.op === "update")!;
    expect(update.detailedDiff).to.deep.equal({ policy: { kind: "update", inputDiff: true } });
    expect(update.replaceReasons).to.equal(undefined);
    expect(update.newState?.id).to.equal(update.oldState?.id);
    expect(formatSteps(granted)).to.deep.include("~ aws:kms/key:Key kms-dynamodb-key: update [policy]");
    expect(formatSteps(granted).at(-1)).to.match(/^Resources: ~ 1 to update, \d+ unchanged$/);
  });

  it("replaces the table when its name changes (a replace-on-change input), with a new ARN", async () => {
    const renamed = await synthesize({
      stack: "dev",
      config: devConfig({ "kms-dynamodb:tableName": "renamed-table" }),
      previousState: state,
    });
    const table = renamed.steps.find((step) => typeOf(step.urn) === "aws:dynamodb/table:Table")!;
    expect(table.op).to.equal("replace");
    expect(table.replaceReasons).to.deep.equal(["name"]);
    expect(table.detailedDiff?.name).to.deep.equal({ kind: "update-replace", inputDiff: true });
    expect(reveal(table.newState?.outputs)).to.include({ name: "renamed-table" });
    // The users' policies name the table's ARN: they follow it in place.
    const policies = renamed.steps.filter((step) => typeOf(step.urn) === "aws:iam/userPolicy:UserPolicy");
    expect(policies.map((step) => [step.op, step.diffReasons])).to.deep.equal(
      policies.map(() => ["update", ["policy"]]),
    );
    expect(formatSteps(renamed)).to.deep.include(
      `+- aws:dynamodb/table:Table ${table.urn.split("::").at(-1)}: replace [name]`,
    );
  });

  it("deletes a removed user's user, access key and policies, dependents first, after the registrations", async () => {
    const fewer = await synthesize({
      stack: "dev",
      config: devConfig({ "kms-dynamodb:users": [APP_USER] }),
      previousState: state,
    });
    const deletes = fewer.steps.filter((step) => step.op === "delete");
    expect(deletes.every((step) => step.newState === undefined && step.oldState !== undefined)).to.equal(
      true,
    );
    expect(deletes.map((step) => typeOf(step.urn))).to.include.members([
      "aws:iam/user:User",
      "aws:iam/accessKey:AccessKey",
      "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    ]);
    expect(deletes.every((step) => step.urn.includes("kms-test-user"))).to.equal(true);
    // The engine deletes after every registration, and a user after what depends on it.
    const firstDelete = fewer.steps.findIndex((step) => step.op === "delete");
    expect(fewer.steps.slice(firstDelete).every((step) => step.op === "delete")).to.equal(true);
    const at = (type: string) => deletes.findIndex((step) => typeOf(step.urn) === type);
    expect(at("aws:iam/accessKey:AccessKey")).to.be.lessThan(at("aws:iam/user:User"));
    // kms-test-user was no key user: nothing else changes.
    expect(changed(fewer).filter(([op]) => op !== "delete")).to.deep.equal([]);
  });

  it("plans a destroy as deletes of every resource, the stack last", () => {
    const destroy = destroyPlan(state);
    expect(destroy.steps.map((step) => step.op)).to.deep.equal(state.resources.map(() => "delete"));
    expect(destroy.steps.at(-1)?.urn).to.equal(state.resources[0].urn);
  });
});

describe("plan steps on protected and retained resources", function () {
  this.timeout(30_000);
  const program = (tableName: string, protect: boolean) => async () => {
    new aws.dynamodb.Table(
      "orders",
      {
        name: tableName,
        hashKey: "pk",
        attributes: [{ name: "pk", type: "S" }],
        billingMode: "PAY_PER_REQUEST",
      },
      { protect, retainOnDelete: true },
    );
  };
  const synth = (tableName: string, protect: boolean, previousState?: Checkpoint) =>
    synthesize({
      stack: "opts",
      config: { "aws:region": "us-east-1" },
      program: program(tableName, protect),
      previousState,
    });

  it("prints protect and retainOnDelete on newState as the engine's ResourceV3 does", async () => {
    const plan = await synth("orders", true);
    const table = plan.steps.find((step) => typeOf(step.urn) === "aws:dynamodb/table:Table")!;
    expect(table.newState).to.include({ protect: true, retainOnDelete: true });
    const stack = plan.steps[0].newState!;
    expect(stack).to.not.have.property("protect");
    expect(stack).to.not.have.property("retainOnDelete");
  });

  it("refuses to replace a protected resource with the engine's message", async () => {
    const state = checkpointAfter(await synth("orders", true));
    const error = await synth("orders-v2", true, state).then(
      () => expect.fail("the replacement of a protected table was planned"),
      (err: unknown) => err,
    );
    expect(error).to.be.instanceOf(ProtectedResourceError);
    expect((error as Error).message).to.equal(
      'unable to replace resource "urn:pulumi:opts::kms-dynamodb::aws:dynamodb/table:Table::orders"\n' +
        "as it is currently marked for protection. To unprotect the resource, remove the `protect` flag " +
        "from the resource in your Pulumi program and run `pulumi up`",
    );
    // Unprotecting and replacing in one update is allowed (step_generator.go looks at the new protect).
    const unprotected = await synth("orders-v2", false, state);
    expect(unprotected.steps.find((step) => step.op === "replace")?.replaceReasons).to.deep.equal(["name"]);
  });

  it("refuses to delete or destroy a protected resource with the engine's message", async () => {
    const state = checkpointAfter(await synth("orders", true));
    expect(() => destroyPlan(state)).to.throw(
      ProtectedResourceError,
      'unable to delete resource "urn:pulumi:opts::kms-dynamodb::aws:dynamodb/table:Table::orders"\n' +
        "as it is currently marked for protection.",
    );
  });
});
