/**
 * The guard's AnalyzeStack request built one resource at a time must be, byte for byte, the message
 * AnalyzeStackRequest would serialize whole: the pack cannot tell them apart.
 * (Protocol Buffers encoding guide, "Repeated Elements": each element of a repeated message field is
 * its own length-delimited record, so records concatenate.)
 */
import { expect } from "chai";
import { AnalyzeStackRequest } from "@pulumi/pulumi/proto/analyzer_pb";
import {
  analyzeRequest,
  analyzeStackRequest,
  analyzeStackResourceBytes,
  marshalForAnalyzer,
} from "../../guard/requests";
import { OUTPUT_VALUE_SIG, RESOURCE_REFERENCE_SIG, SECRET_SIG, UNKNOWN_VALUE } from "../../plan/values";
import { synthesize } from "../../plan/synth";
import { devConfig } from "../support/plan";

describe("guard requests: AnalyzeStack built one resource at a time", () => {
  it("encodes the dev stack's preview exactly as the whole AnalyzeStackRequest does", async () => {
    const plan = await synthesize({ stack: "dev", config: devConfig(), preview: true });
    const states = plan.steps.flatMap((step) => (step.newState ? [step.newState] : []));
    // As guard/run.ts sends it: the resources' records, concatenated.
    const bytes = Buffer.concat(states.map(analyzeStackResourceBytes));
    expect(Buffer.from(analyzeStackRequest(states).serializeBinary()).equals(bytes)).to.equal(true);
    const decoded = AnalyzeStackRequest.deserializeBinary(new Uint8Array(bytes));
    expect(decoded.getResourcesList().map((r) => r.getUrn())).to.deep.equal(states.map((s) => s.urn));
    const table = decoded.getResourcesList().find((r) => r.getType() === "aws:dynamodb/table:Table");
    expect(table?.getPropertydependenciesMap().getLength()).to.be.greaterThan(0);
  });

  it("encodes no resources as an empty message, which no records concatenate to", () => {
    expect(analyzeStackRequest([]).serializeBinary().length).to.equal(0);
  });
});

describe("guard requests: properties marshalled as the engine marshals them for analyzers", () => {
  // pulumi/pulumi pkg/resource/plugin/analyzer_plugin.go (KeepUnknowns, KeepSecrets, SkipInternalKeys;
  // not KeepResources) with pkg/resource/plugin/rpc.go's rules for each kind of value.
  const SIG = "4dabf18193072939515e22adb298388d";
  it("sends a resource reference as its ID, unknown while its ID is, or a component's URN", () => {
    const urn = "urn:pulumi:dev::p::aws:iam/role:Role::app";
    expect(
      marshalForAnalyzer({
        role: { [SIG]: RESOURCE_REFERENCE_SIG, urn, id: "app-1234567" },
        pending: { [SIG]: RESOURCE_REFERENCE_SIG, urn, id: "" },
        component: { [SIG]: RESOURCE_REFERENCE_SIG, urn: "urn:pulumi:dev::p::my:index:Thing::t" },
        nested: [{ role: { [SIG]: RESOURCE_REFERENCE_SIG, urn, id: "app-1234567" } }],
        __defaults: [],
      }),
    ).to.deep.equal({
      role: "app-1234567",
      pending: UNKNOWN_VALUE,
      component: "urn:pulumi:dev::p::my:index:Thing::t",
      nested: [{ role: "app-1234567" }],
    });
  });

  it("keeps secrets, unknowns and assets, and unwraps output values", () => {
    const secret = { [SIG]: SECRET_SIG, value: "s3cr3t" };
    const asset = { [SIG]: "c44067f5952c0a294b673a41bacd8c17", text: "x" };
    expect(
      marshalForAnalyzer({
        secret,
        unknown: UNKNOWN_VALUE,
        asset,
        output: { [SIG]: OUTPUT_VALUE_SIG, value: "v", secret: true },
        pendingOutput: { [SIG]: OUTPUT_VALUE_SIG },
      }),
    ).to.deep.equal({
      secret,
      unknown: UNKNOWN_VALUE,
      asset,
      output: { [SIG]: SECRET_SIG, value: "v" },
      pendingOutput: UNKNOWN_VALUE,
    });
  });

  it("puts the marshalled inputs in the Analyze request", () => {
    const request = analyzeRequest({
      type: "aws:iam/rolePolicy:RolePolicy",
      urn: "urn:pulumi:dev::p::aws:iam/rolePolicy:RolePolicy::inline",
      custom: true,
      inputs: { role: { [SIG]: RESOURCE_REFERENCE_SIG, urn: "urn:x", id: "app-1" } },
      outputs: {},
      dependencies: [],
      propertyDependencies: {},
    });
    expect(request.getProperties()?.toJavaScript()).to.deep.equal({ role: "app-1" });
  });
});
