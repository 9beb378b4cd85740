/**
 * The checks against hostile and broken input: an endpoint that accepts connections and never answers
 * (bounded per request and in total), and outputs files whose values are in the wrong places (a secret
 * where the access key id belongs must never be printed).
 */
import * as http from "node:http";
import * as net from "node:net";
import { expect } from "chai";
import { readStackOutputs } from "../../checks/outputs";
import { parseStackOutputs } from "../../infra/outputs";
import { ChecksTimeoutError, runChecks } from "../../checks/run";
import { isUserError } from "../../cli/runner";
import { EXAMPLE_ACCESS_KEY_ID, EXAMPLE_SECRET_ACCESS_KEY } from "../support/accounts";
import { thrownBy } from "../support/errors";
import { exampleOutputs } from "../support/outputs";

const ACCESS_KEY_ID = EXAMPLE_ACCESS_KEY_ID;
const SECRET = EXAMPLE_SECRET_ACCESS_KEY;
const outputs = exampleOutputs;
const rejection = (value: unknown): Error => thrownBy(() => parseStackOutputs(value, "outputs.json"));

/** A TCP server that accepts every connection and never writes a byte. */
async function silentServer(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

describe("checks: hostile input", function () {
  this.timeout(60_000);

  it("refuses an access key id that is not one, without printing it (it may be the secret)", () => {
    // IAM identifiers (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html,
    // "Unique identifiers"): an access key id starts with AKIA (long-term) or ASIA (temporary).
    const swapped = rejection(outputs({ accessKeyId: SECRET, secretAccessKey: ACCESS_KEY_ID }));
    expect(isUserError(swapped)).to.equal(true);
    expect(swapped.message).to.equal(
      "outputs.json: users.app-user.accessKeyId: not an access key id (AKIA or ASIA and 16 capital letters " +
        "or digits); the value is not printed, as it may be a secret",
    );
    expect(swapped.message).to.not.contain(SECRET);
    for (const accessKeyId of ["akiaiosfodnn7example", `${ACCESS_KEY_ID}X`, "AKIAIOSFODNN7EXAMPL/"]) {
      expect(rejection(outputs({ accessKeyId, secretAccessKey: SECRET })).message).to.not.contain(
        accessKeyId,
      );
    }
  });

  it("never quotes the text of outputs it cannot parse (they hold secrets)", async () => {
    const text = `{"users": {"app-user": {"secretAccessKey": ${SECRET}}}}`;
    let message = "";
    await readStackOutputs({ run: async () => text }).catch((err: Error) => (message = err.message));
    expect(message).to.match(/^pulumi stack output: not JSON \((at position \d+|malformed)\)$/);
    expect(message).to.not.contain(SECRET.slice(0, 8));
  });

  it("bounds each request: an endpoint that never answers gives an error result per call, not a hang", async () => {
    const silent = await silentServer();
    try {
      const report = await runChecks({
        outputs: parseStackOutputs(outputs({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET }), "test"),
        endpoint: silent.endpoint,
        retry: { maxAttempts: 1, sleep: async () => undefined },
        timeouts: { connectionMs: 1_000, requestMs: 200, maxAttempts: 1, totalMs: 50_000 },
      });
      expect(report.ok).to.equal(false);
      expect(report.results.length).to.be.greaterThan(0);
      for (const result of report.results) {
        expect(result.actual, JSON.stringify(result)).to.equal("error");
      }
      expect(report.results[0].error).to.match(/TimeoutError/);
    } finally {
      await silent.close();
    }
  });

  it("bounds the whole run: past the total bound it stops with one line naming the endpoint", async () => {
    const silent = await silentServer();
    try {
      let failure: unknown;
      await runChecks({
        outputs: parseStackOutputs(outputs({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET }), "test"),
        endpoint: silent.endpoint,
        timeouts: { connectionMs: 1_000, requestMs: 600_000, maxAttempts: 1, totalMs: 300 },
      }).catch((err: unknown) => (failure = err));
      expect(failure).to.be.instanceOf(ChecksTimeoutError);
      expect(isUserError(failure)).to.equal(true);
      expect((failure as Error).message).to.equal(
        `the checks did not finish within 0.3 s: ${silent.endpoint} accepts connections but does not answer`,
      );
    } finally {
      await silent.close();
    }
  });

  it("stops at the first call when the endpoint accepts connections and never answers, naming it", async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      let failure: unknown;
      await runChecks({
        outputs: parseStackOutputs(outputs({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET }), "test"),
        endpoint: silent.endpoint,
        // Each attempt would wait 10 minutes: only the first-answer bound can end this run.
        timeouts: { requestMs: 600_000, totalMs: 600_000, firstAnswerMs: 500 },
      }).catch((err: unknown) => (failure = err));
      expect(failure).to.be.instanceOf(ChecksTimeoutError);
      expect((failure as Error).message).to.equal(
        `${silent.endpoint} accepts connections but did not answer the first call within 0.5 s: is it the endpoint of the stack?`,
      );
      expect(Date.now() - started).to.be.below(10_000);
    } finally {
      await silent.close();
    }
  });

  it("does not stop a run whose endpoint answers, however it answers, once the first-answer bound passes", async () => {
    // Every request answered 400: the first at once, the others after 1.6 s. Slow and wrong, but answers;
    // the run outlasts the 1.5 s first-answer bound (wide enough for a loaded machine to answer the first).
    let requests = 0;
    const server = http.createServer((_req, res) => {
      requests++;
      setTimeout(
        () => {
          res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
          res.end(JSON.stringify({ __type: "com.amazon.coral.service#SomethingWrong", message: "no" }));
        },
        requests === 1 ? 0 : 1_600,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const started = Date.now();
      const report = await runChecks({
        outputs: parseStackOutputs(outputs({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET }), "test"),
        endpoint,
        retry: { maxAttempts: 1, sleep: async () => undefined },
        timeouts: { maxAttempts: 1, firstAnswerMs: 1_500 },
      });
      expect(Date.now() - started).to.be.above(1_500);
      expect(report.ok).to.equal(false);
      expect(report.results.length).to.be.greaterThan(3);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
