/**
 * Connections over raw sockets on loopback, bounded in count and time: requests pipelined on one
 * connection are processed in order (RFC 9112, section 9.3.2); a connection with no request in progress
 * is closed after the idle timeout, on wall-clock time; at the connection cap, idle sockets make room for
 * new clients, and only connections that all have a request in flight refuse one; a request with two
 * Authorization or two Host lines is refused whichever comes first.
 */
import * as net from "node:net";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { aws4DynamoDb, deployDev, userClients, type Deployed, type RawRequest } from "../../support/sandbox";

/** One request as HTTP/1.1 text, the headers in the order given. */
function httpText(request: RawRequest, extraLines: string[] = []): string {
  const body = String(request.body ?? "");
  const lines = Object.entries(request.headers ?? {}).map(([name, value]) => `${name}: ${value}`);
  if (!lines.some((line) => /^host:/i.test(line))) {
    throw new Error("the signed request has no Host header");
  }
  if (!lines.some((line) => /^content-length:/i.test(line))) {
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  }
  return ["POST / HTTP/1.1", ...extraLines, ...lines, "", body].join("\r\n");
}

/** Sends `text` on a fresh socket and reads `count` responses (their status and body), then closes. */
function exchange(port: number, text: string, count: number): Promise<{ status: number; body: string }[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(text));
    let buffer = Buffer.alloc(0);
    const responses: { status: number; body: string }[] = [];
    const timer = setTimeout(
      () => socket.destroy(new Error(`only ${responses.length} of ${count} answers`)),
      20_000,
    );
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) {
          return;
        }
        const head = buffer.subarray(0, end).toString();
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? "0");
        if (buffer.length < end + 4 + length) {
          return;
        }
        responses.push({
          status: Number(head.split(" ")[1]),
          body: buffer.subarray(end + 4, end + 4 + length).toString(),
        });
        buffer = buffer.subarray(end + 4 + length);
        if (responses.length === count) {
          clearTimeout(timer);
          socket.destroy();
          resolve(responses);
          return;
        }
      }
    });
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Opens a socket that sends nothing; resolves once connected, with when it was closed by the server. */
function silentSocket(port: number): Promise<{ socket: net.Socket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const opened = Date.now();
    const socket = net.connect(port, "127.0.0.1", () => resolve({ socket, closed }));
    const closed = new Promise<number>((done) => socket.on("close", () => done(Date.now() - opened)));
    socket.on("error", (err) => (socket.connecting ? reject(err) : undefined));
  });
}

describe("sandbox connections", function () {
  this.timeout(60_000);
  let deployed: Deployed;
  let port: number;

  afterEach(async () => {
    await deployed?.sandbox.stop();
  });

  async function start(options: Parameters<typeof deployDev>[1] = {}): Promise<void> {
    deployed = await deployDev({}, options);
    port = Number(new URL(deployed.sandbox.endpoint).port);
  }

  it("processes 50 PutItems then 50 GetItems pipelined on one socket in order: every item is found", async () => {
    await start();
    const table = deployed.outputs.tableName;
    const requests = [
      ...Array.from({ length: 50 }, (_, i) =>
        aws4DynamoDb(
          deployed,
          "app-user",
          "PutItem",
          JSON.stringify({ TableName: table, Item: { pk: { S: `p-${i}` } } }),
        ),
      ),
      ...Array.from({ length: 50 }, (_, i) =>
        aws4DynamoDb(
          deployed,
          "app-user",
          "GetItem",
          JSON.stringify({ TableName: table, Key: { pk: { S: `p-${i}` } } }),
        ),
      ),
    ];
    // All 100 in one write, before any answer: pipelining.
    const responses = await exchange(port, requests.map((request) => httpText(request)).join(""), 100);
    expect(responses.map((response) => response.status)).to.deep.equal(Array(100).fill(200));
    responses.slice(50).forEach((response, i) => {
      expect(JSON.parse(response.body), `GetItem p-${i}`).to.deep.equal({ Item: { pk: { S: `p-${i}` } } });
    });
  });

  it("closes a connection that sends nothing, and one idle after its request, after the idle timeout", async () => {
    await start({ idleTimeoutMs: 500 });
    const silent = await silentSocket(port);
    const afterRequest = await silentSocket(port);
    const table = deployed.outputs.tableName;
    afterRequest.socket.write(
      httpText(
        aws4DynamoDb(
          deployed,
          "app-user",
          "GetItem",
          JSON.stringify({ TableName: table, Key: { pk: { S: "x" } } }),
        ),
      ),
    );
    afterRequest.socket.resume();
    expect(await silent.closed).to.be.within(400, 5_000);
    expect(await afterRequest.closed).to.be.within(400, 5_000);
  });

  it("keeps serving clients while 200 idle sockets are held open against a cap of 20", async () => {
    await start({ maxConnections: 20 });
    const idle = await Promise.all(Array.from({ length: 200 }, () => silentSocket(port)));
    try {
      // Let the server see them all, then find the ones still open: at most the cap. On a loaded machine
      // the closes take a while to arrive, so wait for them (bounded) rather than a fixed pause.
      const open = () => idle.filter(({ socket }) => !socket.destroyed).length;
      for (let waited = 0; open() > 20 && waited < 5_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(open()).to.be.at.most(20);
      const { dynamodb } = userClients(deployed, "app-user");
      const table = deployed.outputs.tableName;
      await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "capped" } } }));
      const read = await dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: "capped" } } }),
      );
      expect(read.Item).to.deep.equal({ pk: { S: "capped" } });
      dynamodb.destroy();
    } finally {
      idle.forEach(({ socket }) => socket.destroy());
    }
  });

  it("refuses a new connection only when every connection has a request in flight", async () => {
    await start({ maxConnections: 3, requestTimeoutMs: 1_000 });
    // Three requests whose bodies never finish: each has a request in flight until its 408.
    const stalled = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const { socket, closed } = await silentSocket(port);
        socket.write(
          "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n" +
            "X-Amz-Target: DynamoDB_20120810.GetItem\r\nContent-Length: 100\r\n\r\n{",
        );
        socket.resume();
        // In an object: an async function returning the promise itself would wait for it.
        return { closed };
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = await silentSocket(port);
    expect(await refused.closed).to.be.below(1_000);
    // Once they are cut off (408), clients are served again.
    await Promise.all(stalled.map(({ closed }) => closed));
    const { dynamodb } = userClients(deployed, "app-user");
    await dynamodb.send(
      new GetItemCommand({ TableName: deployed.outputs.tableName, Key: { pk: { S: "x" } } }),
    );
    dynamodb.destroy();
  });

  it("refuses two Authorization or two Host lines over the wire, whichever comes first", async () => {
    await start();
    const table = deployed.outputs.tableName;
    const request = aws4DynamoDb(
      deployed,
      "app-user",
      "GetItem",
      JSON.stringify({ TableName: table, Key: { pk: { S: "x" } } }),
    );
    const authorization = String(request.headers?.Authorization);
    for (const extra of [
      [
        "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250101/us-east-1/dynamodb/aws4_request",
      ],
      [`Authorization: ${authorization}`],
      ["Host: evil.example"],
    ]) {
      const [response] = await exchange(port, httpText(request, extra), 1);
      expect(response.status, extra[0]).to.equal(400);
      expect(JSON.parse(response.body).__type).to.equal(
        "com.amazon.coral.service#IncompleteSignatureException",
      );
    }
    const [accepted] = await exchange(port, httpText(request), 1);
    expect(accepted.status).to.equal(200);
  });
});
