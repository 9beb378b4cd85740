/**
 * The guard writes its per-resource messages straight to wire bytes (guard/wireEncoding.ts); the pack
 * decodes them with google-protobuf. They must be the bytes google-protobuf's own classes serialize for
 * the same message, for every kind of value a plan holds.
 * (Protocol Buffers encoding guide: https://protobuf.dev/programming-guides/encoding/)
 */
import { expect } from "chai";
import { AnalyzeRequest, AnalyzeStackRequest } from "@pulumi/pulumi/proto/analyzer_pb";
import {
  analyzeRequest,
  analyzeRequestBytes,
  analyzeStackRequest,
  analyzeStackResourceBytes,
} from "../../guard/requests";
import { synthesize } from "../../plan/synth";
import type { PlanResourceState } from "../../plan/types";
import { OUTPUT_VALUE_SIG, RESOURCE_REFERENCE_SIG, SECRET_SIG, UNKNOWN_VALUE } from "../../plan/values";
import { generatePlan } from "../../bench/policy.bench";
import { devConfig } from "../support/plan";

const SIG = "4dabf18193072939515e22adb298388d";

function expectSameBytes(state: PlanResourceState): void {
  const ours = Buffer.from(analyzeRequestBytes(state));
  const theirs = Buffer.from(analyzeRequest(state).serializeBinary());
  expect(ours.equals(theirs), `AnalyzeRequest of ${state.urn}`).to.equal(true);
  const record = Buffer.from(analyzeStackResourceBytes(state));
  const whole = Buffer.from(analyzeStackRequest([state]).serializeBinary());
  expect(record.equals(whole), `AnalyzeStackRequest record of ${state.urn}`).to.equal(true);
}

function state(inputs: Record<string, unknown>, extra: Partial<PlanResourceState> = {}): PlanResourceState {
  return {
    type: "aws:dynamodb/table:Table",
    urn: "urn:pulumi:dev::p::aws:dynamodb/table:Table::t",
    custom: true,
    inputs,
    outputs: inputs,
    dependencies: [],
    propertyDependencies: {},
    ...extra,
  };
}

describe("guard wire encoding: the bytes google-protobuf writes", () => {
  it("for every resource of the dev stack's preview", async () => {
    const plan = await synthesize({ stack: "dev", config: devConfig(), preview: true });
    const states = plan.steps.flatMap((step) => (step.newState ? [step.newState] : []));
    expect(states.length).to.be.greaterThan(5);
    states.forEach(expectSameBytes);
  });

  it("for the guard bench's generated state (keys, aliases, tables, user policies)", () => {
    const states = generatePlan(200).steps.flatMap((step) => (step.newState ? [step.newState] : []));
    states.forEach(expectSameBytes);
  });

  it("for empty, zero, false, null, unicode, long and nested values, and every special value", () => {
    expectSameBytes(
      state({
        "": "",
        zero: 0,
        negative: -1.5,
        big: 2 ** 60,
        notANumber: Number.NaN,
        no: false,
        nothing: null,
        unset: undefined,
        list: [1, undefined, "two", [[]], {}],
        unicode: "ключ 🔑 \u202e",
        long: "x".repeat(20_000),
        deep: { a: { b: { c: [{ d: "e" }] } } },
        secret: { [SIG]: SECRET_SIG, value: "s3cr3t" },
        unknown: UNKNOWN_VALUE,
        reference: { [SIG]: RESOURCE_REFERENCE_SIG, urn: "urn:pulumi:dev::p::aws:kms/key:Key::k", id: "" },
        output: { [SIG]: OUTPUT_VALUE_SIG, value: "v", secret: true },
        __internal: "dropped at the top level",
      }),
    );
    expectSameBytes(
      state(
        { name: "t" },
        {
          protect: true,
          parent: "urn:pulumi:dev::p::my:component:C::c",
          dependencies: ["urn:pulumi:dev::p::aws:kms/key:Key::k", "urn:pulumi:dev::p::aws:kms/key:Key::l"],
          propertyDependencies: { b: ["urn:pulumi:dev::p::aws:kms/key:Key::k"], a: [], "": ["x"] },
        },
      ),
    );
  });

  it("decodes back to the resource it was written from", () => {
    const s = state({ name: "t", serverSideEncryption: { enabled: true, kmsKeyArn: "arn:aws:kms:k" } });
    const request = AnalyzeRequest.deserializeBinary(analyzeRequestBytes(s));
    expect(request.getUrn()).to.equal(s.urn);
    expect(request.getProperties()?.toJavaScript()).to.deep.equal(s.inputs);
    const stack = AnalyzeStackRequest.deserializeBinary(analyzeStackResourceBytes(s));
    expect(stack.getResourcesList()[0].getProperties()?.toJavaScript()).to.deep.equal(s.outputs);
  });

  it("refuses a value google.protobuf.Value cannot carry, naming the property", () => {
    expect(() => analyzeRequestBytes(state({ when: () => 1 }))).to.throw(/property when: a function/);
  });
});
