/**
 * plan/planFile.ts: a plan read back from a file is shape-checked, so a hand-edited or truncated plan is
 * one line naming the step and the field, never a TypeError from inside the engine, and never its values.
 */
import { expect } from "chai";
import { isUserError } from "../../common/userError";
import { planOfDocument } from "../../plan/planFile";

const STATE = {
  type: "aws:kms/key:Key",
  urn: "urn:pulumi:dev::p::aws:kms/key:Key::k",
  custom: true,
  inputs: { description: "k" },
  outputs: { arn: "arn:aws:kms:us-east-1:111122223333:key/k" },
};

function failure(document: unknown): Error {
  try {
    planOfDocument(document, "--plan");
  } catch (err) {
    expect(isUserError(err), String(err)).to.equal(true);
    return err as Error;
  }
  throw new Error("accepted");
}

describe("planOfDocument", () => {
  it("accepts a plan as synth prints it, filling the optional lists", () => {
    const plan = planOfDocument({ steps: [{ op: "create", urn: STATE.urn, newState: STATE }] }, "--plan");
    expect(plan.outputs).to.deep.equal({});
    expect(plan.invokes).to.deep.equal([]);
    expect(plan.steps[0].newState?.dependencies).to.deep.equal([]);
    expect(plan.steps[0].detailedDiff).to.equal(null);
  });

  it("names the step and the field of a shape error, never the value", () => {
    const step = (newState: unknown) => ({ steps: [{ op: "create", urn: STATE.urn, newState }] });
    expect(failure(null).message).to.equal(
      "--plan: the document is null, expected a plan printed by npm run synth",
    );
    expect(failure({ steps: {} }).message).to.match(/^--plan: steps is an object; give a plan/);
    expect(failure({ steps: [null] }).message).to.equal("--plan: steps[0] is null, expected an object");
    expect(failure({ steps: [{ op: "explode", urn: "u", newState: STATE }] }).message).to.match(
      /^--plan: steps\[0\]\.op is "explode", expected one of same, create/,
    );
    expect(failure(step({ ...STATE, inputs: ["hunter2"] })).message).to.equal(
      "--plan: steps[0].newState.inputs is a list, expected an object",
    );
    expect(failure(step({ ...STATE, type: 5 })).message).to.equal(
      "--plan: steps[0].newState.type is 5, expected a non-empty string",
    );
    expect(failure(step({ ...STATE, dependencies: "x" })).message).to.equal(
      '--plan: steps[0].newState.dependencies is "x", expected a list of URNs',
    );
    expect(failure({ steps: [{ op: "delete", urn: "u" }] }).message).to.equal(
      "--plan: steps[0] has neither newState nor oldState",
    );
    expect(failure({ steps: [], invokes: [{ token: "t", inputs: {}, result: "secret" }] }).message).to.equal(
      "--plan: invokes[0].result is a string, expected an object",
    );
  });
});
