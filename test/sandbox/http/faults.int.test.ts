/**
 * Bad input and faults, each answered while everyone else keeps being served: malformed JSON, unknown
 * operations, invalid parameters, oversize bodies (declared and chunked), truncated requests, slow clients,
 * garbage on the socket, and many concurrent requests. Loopback only, bounded in count and time.
 */
import * as net from "node:net";
import * as http from "node:http";
import { GetItemCommand, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import {
  aws4DynamoDb,
  aws4Signed,
  credentialsOf,
  errorType,
  failureOf,
  rawRequest,
  sandboxWithDev,
} from "../../support/sandbox";

const MAX_BODY_BYTES = 64 * 1024;
const REQUEST_TIMEOUT_MS = 1000;

describe("sandbox faults", function () {
  this.timeout(60_000);
  const deployed = sandboxWithDev({}, { maxBodyBytes: MAX_BODY_BYTES, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  let endpoint: string;
  let port: number;
  let table: string;

  before(async () => {
    endpoint = deployed.sandbox.endpoint;
    port = Number(new URL(endpoint).port);
    table = deployed.outputs.tableName;
    await deployed
      .user("app-user")
      .dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "alive" } } }));
  });

  /** The proof that the server still serves: a signed GetItem through the SDK. */
  async function stillServes(): Promise<void> {
    const read = await deployed
      .user("app-user")
      .dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "alive" } } }));
    expect(read.Item).to.deep.equal({ pk: { S: "alive" } });
  }

  it("answers malformed JSON with SerializationException", async () => {
    for (const body of ['{"TableName": ', "[1, 2]"]) {
      const response = await rawRequest(endpoint, aws4DynamoDb(deployed, "app-user", "GetItem", body));
      expect(response.status).to.equal(400);
      expect(JSON.parse(response.body).__type).to.equal("com.amazon.coral.service#SerializationException");
    }
    const kms = await rawRequest(
      endpoint,
      aws4Signed(
        endpoint,
        {
          service: "kms",
          region: deployed.outputs.region,
          target: "TrentService.DescribeKey",
          body: "{not json",
          contentType: "application/x-amz-json-1.1",
        },
        credentialsOf(deployed.outputs, "app-user"),
      ),
    );
    expect(kms.status).to.equal(400);
    expect(JSON.parse(kms.body).__type).to.equal("SerializationException");
    await stillServes();
  });

  it("answers an operation it does not serve with UnknownOperationException", async () => {
    for (const target of [
      "DynamoDB_20120810.CreateTable",
      "DynamoDB_20120810.Nonsense",
      "Acme_2020.GetItem",
    ]) {
      const response = await rawRequest(endpoint, {
        headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target },
        body: "{}",
      });
      expect(response.status, target).to.equal(400);
      expect(errorType(response), target).to.equal("UnknownOperationException");
    }
    const kms = await rawRequest(endpoint, {
      headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.CreateKey" },
      body: "{}",
    });
    expect(JSON.parse(kms.body).__type).to.equal("UnknownOperationException");
  });

  it("answers invalid parameters and missing tables with DynamoDB's own errors", async () => {
    const { dynamodb } = deployed.user("kms-test-user");
    const invalid = await failureOf(
      dynamodb.send(new GetItemCommand({ TableName: "ab", Key: { pk: { S: "x" } } })),
    );
    expect(invalid.name).to.equal("ValidationException");
    expect(invalid.message).to.contain("Member must have length greater than or equal to 3");
    const missing = await failureOf(
      dynamodb.send(new GetItemCommand({ TableName: "no-such-table", Key: { pk: { S: "x" } } })),
    );
    expect(missing.name).to.equal("ResourceNotFoundException");
  });

  it("answers a declared oversize body with 413 without reading it, and closes that connection", async () => {
    const response = await rawRequest(endpoint, {
      headers: {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810.PutItem",
        "Content-Length": String(MAX_BODY_BYTES + 1),
      },
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20),
    });
    expect(response.status).to.equal(413);
    expect(response.headers.connection).to.equal("close");
    expect(errorType(response)).to.equal("RequestEntityTooLarge");
    await stillServes();
  });

  it("answers a chunked body that grows past the limit with 413", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/",
          agent: false,
          headers: {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "DynamoDB_20120810.PutItem",
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      for (let sent = 0; sent <= MAX_BODY_BYTES; sent += chunk.length) {
        req.write(chunk);
      }
      req.end();
    });
    expect(status).to.equal(413);
    await stillServes();
  });

  it("survives a client that sends half a body and hangs up", async () => {
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.write(
          "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n" +
            "X-Amz-Target: DynamoDB_20120810.GetItem\r\nContent-Length: 1000\r\n\r\n" +
            '{"TableName": "half',
        );
        socket.end();
      });
      socket.on("close", () => resolve());
      socket.on("error", reject);
      socket.resume();
    });
    await stillServes();
  });

  it("cuts off a slow client with 408 while serving the others", async () => {
    const slow = new Promise<string>((resolve, reject) => {
      let answer = "";
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.write(
          "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n" +
            "X-Amz-Target: DynamoDB_20120810.GetItem\r\nContent-Length: 100\r\n\r\n{",
        );
      });
      socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
      socket.on("close", () => resolve(answer));
      socket.on("error", reject);
      // Bound the test: a server that never cuts the client off fails here, not by hanging.
      setTimeout(
        () => socket.destroy(new Error("the server kept the slow client open")),
        10 * REQUEST_TIMEOUT_MS,
      );
    });
    await stillServes();
    const answer = await slow;
    expect(answer).to.match(/^HTTP\/1\.1 408 /);
    await stillServes();
  });

  it("answers bytes that are not HTTP with 400 and keeps serving", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      let received = "";
      const socket = net.connect(port, "127.0.0.1", () =>
        socket.write("\x16\x03\x01 not http at all\r\n\r\n"),
      );
      socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
    });
    expect(answer).to.match(/^HTTP\/1\.1 400 /);
    await stillServes();
  });

  it("serves many concurrent requests from several users correctly", async () => {
    const appUser = deployed.user("app-user").dynamodb;
    const testUser = deployed.user("kms-test-user").dynamodb;
    const writes = Array.from({ length: 100 }, (_, i) =>
      appUser.send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: `c-${i}` }, n: { N: String(i) } } }),
      ),
    );
    const denials = Array.from({ length: 20 }, () =>
      failureOf(testUser.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "alive" } } }))),
    );
    await Promise.all(writes);
    for (const denial of await Promise.all(denials)) {
      expect(denial.name).to.equal("AccessDeniedException");
    }
    const reads = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        appUser.send(new GetItemCommand({ TableName: table, Key: { pk: { S: `c-${i}` } } })),
      ),
    );
    reads.forEach((read, i) => expect(read.Item?.n.N).to.equal(String(i)));
    const scan = await appUser.send(new ScanCommand({ TableName: table, Select: "COUNT" }));
    expect(scan.Count).to.be.at.least(100);
  });
});
