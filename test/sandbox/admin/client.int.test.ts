/**
 * The admin client (sandbox/admin/client.ts) has a deadline for the whole call: a server that answers a
 * byte at a time, each in time for an idle timeout, cannot hold it. Its answer is bounded in size, and
 * `npm run sandbox:clock` says in one line when the server answering is not the sandbox.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { expect } from "chai";
import { main as clockMain } from "../../../cli/sandboxClock";
import { callAdmin } from "../../../sandbox/admin/client";
import { EXAMPLE_ACCESS_KEY_ID, EXAMPLE_SECRET_ACCESS_KEY } from "../../support/accounts";
import { runMainInProcess } from "../../support/inProcessCli";
import { useTempDir } from "../../support/tempDir";

const credentials = { accessKeyId: EXAMPLE_ACCESS_KEY_ID, secretAccessKey: EXAMPLE_SECRET_ACCESS_KEY };

/** A server answering every request with `respond`; its endpoint, and how to stop it. */
async function serving(
  respond: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = http.createServer(respond);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("sandbox admin client", function () {
  this.timeout(30_000);
  const dir = useTempDir("admin-client");

  it("gives up at its deadline on a server that trickles a byte every 200 ms", async () => {
    const timers: NodeJS.Timeout[] = [];
    const trickle = await serving((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "content-length": "1000" });
      timers.push(setInterval(() => res.write(" "), 200));
    });
    try {
      const started = Date.now();
      const failure = await callAdmin({
        endpoint: trickle.endpoint,
        region: "us-east-1",
        credentials,
        operation: "DescribeClock",
        body: {},
        timeoutMs: 1_000,
      }).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(failure?.message).to.equal("no complete answer within 1 s");
      expect(Date.now() - started).to.be.below(3_000);
    } finally {
      timers.forEach((timer) => clearInterval(timer));
      await trickle.close();
    }
  });

  it("refuses an answer larger than an admin answer can be", async () => {
    const flood = await serving((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end(Buffer.alloc(1024 * 1024, 0x20));
    });
    try {
      const failure = await callAdmin({
        endpoint: flood.endpoint,
        region: "us-east-1",
        credentials,
        operation: "DescribeClock",
        body: {},
      }).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(failure?.message).to.match(/^the answer is larger than \d+ bytes: not the sandbox's$/);
    } finally {
      await flood.close();
    }
  });

  it("sandbox:clock says in one line, exit 2, that a server answering 200 without a clock is not the sandbox", async () => {
    const other = await serving((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
    try {
      const file = path.join(dir(), "deployer.json");
      fs.writeFileSync(
        file,
        JSON.stringify({ ...credentials, region: "us-east-1", endpoint: other.endpoint }),
        { mode: 0o600 },
      );
      const run = await runMainInProcess(clockMain, ["--credentials", file], dir());
      expect(run.code).to.equal(2);
      expect(run.stderr).to.equal(
        `error: ${other.endpoint}: answered 200, but not as the sandbox's admin API (no Now, AdvancedSeconds)\n`,
      );
    } finally {
      await other.close();
    }
  });
});
