/**
 * The guard's Analyzer client (guard/analyzerClient.ts) against a real pack's grpc-js server, started by
 * run-policy-pack: how each way a call can end reaches the caller. The successful calls are every other
 * guard test.
 */
import * as net from "node:net";
import { expect } from "chai";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { AnalyzerCallError, AnalyzerClient } from "../../guard/analyzerClient";
import { startPolicyPack, type RunningPack } from "../../guard/packProcess";
import { analyzeRequest } from "../../guard/requests";
import { analyzePlan } from "../../guard/run";
import { customState, planOf } from "../support/plan";
import { fixturePath } from "../support/paths";
import { rejectionOf } from "../support/errors";

const THROWING_PACK = fixturePath("packs", "throwingPack");
const QUEUE = "aws:sqs/queue:Queue";

const failure = (call: Promise<unknown>): Promise<AnalyzerCallError> => rejectionOf(call, AnalyzerCallError);

describe("guard: the Analyzer client's failed calls", () => {
  let pack: RunningPack;

  beforeEach(async () => {
    pack = await startPolicyPack(THROWING_PACK, () => undefined);
  });

  afterEach(async () => {
    await pack.stop();
  });

  it("reports a policy that throws with the pack's status and message, and fails the analysis", async () => {
    const plan = planOf(customState("dev", QUEUE, "fine", {}), customState("dev", QUEUE, "boom", {}));
    const error = await failure(analyzePlan(pack.client, plan, {}, () => undefined));
    // @pulumi/policy answers a throwing validateResource with an error status (server.ts, asGrpcError),
    // which grpc-js sends as UNKNOWN with the error's text as grpc-message.
    expect(error.method).to.equal("/pulumirpc.Analyzer/Analyze");
    expect(error.code).to.equal(2);
    expect(error.details).to.contain("Error validating resource with policy 'throws-on-boom'");
    expect(error.details).to.contain("the rule broke on boom");
    expect(error.message).to.match(/^\/pulumirpc\.Analyzer\/Analyze: 2 UNKNOWN: /);
  });

  it("reads the status of an answer without a message (Trailers-Only): an unknown method is UNIMPLEMENTED", async () => {
    const error = await failure(
      pack.client.call("/pulumirpc.Analyzer/NoSuchMethod", new Empty().serializeBinary(), () => undefined),
    );
    expect(error.code).to.equal(12);
    expect(error.message).to.match(/^\/pulumirpc\.Analyzer\/NoSuchMethod: 12 UNIMPLEMENTED: /);
  });

  it("fails every call in flight when the pack dies, and none is left waiting", async () => {
    const request = analyzeRequest(customState("dev", QUEUE, "fine", {}));
    await pack.client.analyze(request);
    const calls = Array.from({ length: 50 }, () => failure(pack.client.analyze(request)).catch((e) => e));
    process.kill(pack.pid, "SIGKILL");
    const outcomes = await Promise.all(calls);
    // Some calls may have been answered before the kill; the rest fail, as unavailable.
    for (const outcome of outcomes) {
      if (outcome instanceof AnalyzerCallError) {
        expect(outcome.code).to.be.oneOf([1, 14]);
      } else {
        expect((outcome as Error).message).to.equal("the call succeeded");
      }
    }
    expect(outcomes.some((outcome) => outcome instanceof AnalyzerCallError)).to.equal(true);
  });

  it("refuses calls once closed", async () => {
    pack.client.close();
    const error = await failure(pack.client.getAnalyzerInfo());
    expect(error.code).to.equal(14);
    expect(error.details).to.equal("the client is closed");
  });
});

describe("guard: the Analyzer client without a pack", () => {
  it("fails a call to an address where nothing listens as UNAVAILABLE", async () => {
    // A port just freed on loopback: nothing listens there.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = new AnalyzerClient(`127.0.0.1:${port}`);
    try {
      const error = await failure(client.getAnalyzerInfo());
      expect(error.code).to.equal(14);
      expect(error.details).to.contain("ECONNREFUSED");
    } finally {
      client.close();
    }
  });
});
