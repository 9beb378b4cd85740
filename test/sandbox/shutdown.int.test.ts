/**
 * Shutdown is bounded: a client holding a half-sent request, or an idle keep-alive connection, cannot
 * keep the sandbox (and its data-dir lock) alive after stop(). Node's `server.close()` waits for every
 * request in flight, and its request timeout stops firing once the server is closing
 * (https://nodejs.org/api/http.html#serverclosecallback), so the sandbox closes the stalled ones itself.
 */
import * as net from "node:net";
import { expect } from "chai";
import { Sandbox } from "../../sandbox";
import { useTempDir } from "../support/tempDir";

describe("sandbox shutdown", function () {
  this.timeout(60_000);
  const dataDir = useTempDir("sandbox-shutdown");

  /** Opens a socket that sends the headers and part of the body of a request, then stalls. */
  function stalledRequest(port: number): Promise<{ closed: Promise<void> }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.write(
          "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n" +
            "X-Amz-Target: DynamoDB_20120810.GetItem\r\nContent-Length: 1000\r\n\r\n{",
        );
        // Give the server the time to see the request before stop() is called.
        setImmediate(() => resolve({ closed }));
      });
      const closed = new Promise<void>((done) => socket.on("close", () => done()));
      socket.on("error", reject);
      socket.resume();
    });
  }

  it("stops with a stalled half-sent request and an idle connection open, and frees the data dir", async () => {
    // A request timeout longer than mocha's: if stop() waited for it, the test would fail by timing out.
    const sandbox = await Sandbox.start({
      dataDir: dataDir(),
      requestTimeoutMs: 600_000,
      shutdownGraceMs: 200,
    });
    const port = Number(new URL(sandbox.endpoint).port);
    const stalled = await stalledRequest(port);
    const idle = await new Promise<net.Socket>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
      socket.on("error", () => undefined);
    });
    await sandbox.stop();
    await stalled.closed;
    await new Promise<void>((resolve) => (idle.destroyed ? resolve() : idle.on("close", () => resolve())));
    expect(idle.destroyed).to.equal(true);
    // The LevelDB lock is released: another sandbox can open the same directory.
    const again = await Sandbox.start({ dataDir: dataDir() });
    await again.stop();
  });
});
