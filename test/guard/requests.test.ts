/**
 * The guard's AnalyzeStack request built one resource at a time must be, byte for byte, the message
 * AnalyzeStackRequest would serialize whole: the pack cannot tell them apart.
 * (Protocol Buffers encoding guide, "Repeated Elements": each element of a repeated message field is
 * its own length-delimited record, so records concatenate.)
 */
import { expect } from "chai";
import { AnalyzeStackRequest } from "@pulumi/pulumi/proto/analyzer_pb";
import { analyzeStackRequest, analyzeStackResourceBytes } from "../../guard/requests";
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
