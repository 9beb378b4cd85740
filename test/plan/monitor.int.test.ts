/**
 * What real programs lean on, through the plan engine's monitor: resource objects as inputs (the SDK's
 * `pulumi:pulumi:getResource`, answered as @pulumi/pulumi's mocks answer it), invokes the layer computes
 * or cannot answer, names the AWS provider gives at Check, other providers' outputs, remote components.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { synthesize } from "../../plan/synth";
import { declaredStates, type Plan, type PlanResourceState } from "../../plan/types";
import { containsUnknown, isUnknown, reveal, UNKNOWN_VALUE } from "../../plan/values";

const config = { "aws:region": "eu-west-1" };

function byName(plan: Plan, name: string): PlanResourceState {
  const state = declaredStates(plan).find((s) => s.urn.endsWith(`::${name}`));
  if (state === undefined) throw new Error(`no ${name} in the plan`);
  return state;
}

/** random.RandomString's shape, as @pulumi/random declares it (the package is not a dependency here). */
class RandomString extends pulumi.CustomResource {
  declare readonly result: pulumi.Output<string>;
  constructor(name: string, args: { length: number; special?: boolean }) {
    super("random:index/randomString:RandomString", name, { ...args, result: undefined });
  }
}

/** Written for the test, in the idioms of public programs. */
async function program(): Promise<Record<string, unknown>> {
  const role = new aws.iam.Role("app", {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }),
  });
  const doc = aws.iam.getPolicyDocumentOutput({
    statements: [
      { actions: ["dynamodb:GetItem"], resources: ["arn:aws:dynamodb:eu-west-1:111122223333:table/t"] },
    ],
  });
  new aws.iam.RolePolicy("inline", { role: role, policy: doc.json });
  // A plain invoke that reads the cloud: nothing offline answers it.
  const existing = await aws.iam.getRole({ name: "ci-deployer" });
  new aws.iam.RolePolicyAttachment("attach", {
    role: role,
    policyArn: `${existing.arn}-policy`,
  });
  const suffix = new RandomString("suffix", { length: 6, special: false });
  const table = new aws.dynamodb.Table("orders", {
    name: pulumi.interpolate`orders-${suffix.result}`,
    hashKey: "id",
    attributes: [{ name: "id", type: "S" }],
  });
  new pulumi.ComponentResource("pkg:index:Remote", "remote", { table: table }, undefined, true);
  new pulumi.ComponentResource("pkg:index:Local", "local", {});
  return { roleName: role.name, existingArn: existing.arn };
}

describe("the plan monitor on a program written like public ones", function () {
  this.timeout(60_000);

  it("runs a full plan: references rehydrated, invokes answered or named, names at Check, random results", async () => {
    const plan = await synthesize({ stack: "dev", config, program });
    const role = byName(plan, "app");
    expect(role.inputs.name).to.match(/^app-[0-9a-f]{7}$/);
    const inline = byName(plan, "inline");
    expect(inline.inputs.name).to.match(/^inline-[0-9a-f]{7}$/);
    // The role went in as an object: a resource reference whose id is the role's.
    expect((inline.inputs.role as Record<string, unknown>).id).to.equal(role.id);
    expect(JSON.parse(inline.inputs.policy as string).Statement[0].Action).to.equal("dynamodb:GetItem");
    // The plain invoke's strings carried the marker into the input built from it: recorded as unknown.
    expect(byName(plan, "attach").inputs.policyArn).to.equal(UNKNOWN_VALUE);
    expect(plan.unresolvedInvokes?.map((call) => call.token)).to.deep.equal(["aws:iam/getRole:getRole"]);
    expect(plan.invokes.find((call) => call.token === "aws:iam/getRole:getRole")?.unresolved).to.equal(true);
    expect(plan.invokes.some((call) => call.token === "pulumi:pulumi:getResource")).to.equal(false);
    const table = byName(plan, "orders");
    expect(table.inputs.name).to.match(/^orders-[A-Za-z0-9]{6}$/);
    expect(JSON.stringify(reveal(plan))).to.not.contain("undefined");
    expect(byName(plan, "remote").remote).to.equal(true);
    expect(byName(plan, "local").remote).to.equal(undefined);
    expect(isUnknown((reveal(plan.outputs) as Record<string, unknown>).existingArn)).to.equal(true);
  });

  it("runs a preview: names at Check known, what the providers compute on create unknown", async () => {
    const plan = await synthesize({ stack: "dev", config, program, preview: true });
    expect(byName(plan, "app").inputs.name).to.match(/^app-[0-9a-f]{7}$/);
    expect(byName(plan, "orders").inputs.name).to.equal(UNKNOWN_VALUE);
    expect(containsUnknown(byName(plan, "inline").inputs.role)).to.equal(true);
    const full = await synthesize({ stack: "dev", config, program });
    expect(byName(plan, "app").inputs.name).to.equal(byName(full, "app").inputs.name);
  });
});
