/**
 * `npm run checks` against an endpoint that accepts connections and never answers, with the default
 * bounds: it stops at the first call, within a minute (docs/contracts.md, section 3: was 300 s), with one
 * line naming the endpoint and exit 2. Slow by nature: it waits out the real first-answer bound (20 s).
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { expect } from "chai";
import { main } from "../../cli/checks";
import { runMainInProcess } from "../support/inProcessCli";
import { exampleOutputs } from "../support/outputs";
import { useTempDir } from "../support/tempDir";

describe("npm run checks against a silent endpoint", function () {
  this.timeout(90_000);
  const dir = useTempDir("checks-silent");

  it("stops within 60 s with one line and exit 2", async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const outputs = path.join(dir(), "outputs.json");
    fs.writeFileSync(outputs, JSON.stringify(exampleOutputs()), { mode: 0o600 });
    try {
      const started = Date.now();
      const run = await runMainInProcess(main, ["--outputs", outputs, "--endpoint", endpoint], dir());
      const seconds = (Date.now() - started) / 1000;
      console.log(`      stopped after ${seconds.toFixed(1)} s`);
      expect(seconds).to.be.below(60);
      expect(run.code).to.equal(2);
      const errors = run.stderr.split("\n").filter((line) => line.startsWith("error: "));
      expect(errors).to.deep.equal([
        `error: ${endpoint} accepts connections but did not answer the first call within 20 s: is it the endpoint of the stack?`,
      ]);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
