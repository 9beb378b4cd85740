/**
 * The wire rules DynamoDB and KMS apply before anything else: X-Amz-Target names the operation, so it
 * must be among the signed headers, and each JSON protocol has its Content-Type; a body is read whole,
 * however many parts it arrives in.
 */
import { GetItemCommand, ListTablesCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DescribeKeyCommand } from "@aws-sdk/client-kms";
import { crc32 } from "node:zlib";
import * as aws4 from "aws4";
import { expect } from "chai";
import {
  aws4DynamoDb,
  aws4Signed,
  credentialsOf,
  errorType,
  rawRequest,
  sandboxWithDev,
} from "../../support/sandbox";

describe("sandbox wire rules: signed X-Amz-Target, Content-Type per protocol", function () {
  this.timeout(60_000);
  const deployed = sandboxWithDev();

  it("refuses a request whose X-Amz-Target is not a signed header, with InvalidSignatureException", async () => {
    // "Create a signed AWS API request" (AWS Identity and Access Management User Guide, Signature
    // Version 4): the canonical request lists the headers signed; x-amz-* headers sent must be among them.
    const url = new URL(deployed.sandbox.endpoint);
    const body = "{}";
    const signed = aws4.sign(
      {
        host: url.host,
        method: "POST",
        path: "/",
        service: "dynamodb",
        region: deployed.outputs.region,
        headers: { "Content-Type": "application/x-amz-json-1.0" },
        body,
      },
      credentialsOf(deployed.outputs, "app-user"),
    );
    const headers: Record<string, string> = {
      ...(signed.headers as Record<string, string>),
      "X-Amz-Target": "DynamoDB_20120810.ListTables",
    };
    expect(headers.Authorization).to.not.match(/x-amz-target/i);
    const response = await rawRequest(deployed.sandbox.endpoint, { headers, body });
    expect(response.status).to.equal(400);
    expect(errorType(response)).to.equal("InvalidSignatureException");
    expect(JSON.parse(response.body).message).to.equal(
      "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });

  it("refuses a DynamoDB request whose Content-Type is not JSON 1.0 (or application/json), as DynamoDB does", async () => {
    // dynalite (index.js) answers as DynamoDB does: 404 UnknownOperationException for any other type.
    for (const contentType of [
      "text/plain",
      "application/x-amz-json-1.1",
      "application/x-www-form-urlencoded",
    ]) {
      const request = aws4DynamoDb(deployed, "app-user", "ListTables", "{}");
      const signed = aws4Signed(
        deployed.sandbox.endpoint,
        {
          service: "dynamodb",
          region: deployed.outputs.region,
          target: "DynamoDB_20120810.ListTables",
          body: "{}",
          contentType,
        },
        credentialsOf(deployed.outputs, "app-user"),
      );
      const response = await rawRequest(deployed.sandbox.endpoint, signed);
      expect(response.status, contentType).to.equal(404);
      expect(errorType(response), contentType).to.equal("UnknownOperationException");
      expect((await rawRequest(deployed.sandbox.endpoint, request)).status).to.equal(200);
    }
    for (const contentType of ["application/json", "application/x-amz-json-1.0; charset=utf-8"]) {
      const signed = aws4Signed(
        deployed.sandbox.endpoint,
        {
          service: "dynamodb",
          region: deployed.outputs.region,
          target: "DynamoDB_20120810.ListTables",
          body: "{}",
          contentType,
        },
        credentialsOf(deployed.outputs, "app-user"),
      );
      expect((await rawRequest(deployed.sandbox.endpoint, signed)).status, contentType).to.equal(200);
    }
  });

  it("refuses a KMS request whose Content-Type is not JSON 1.1", async () => {
    // KMS is an awsJson1_1 service (its Smithy model; botocore's kms service-2.json "jsonVersion": "1.1").
    const kms = (contentType: string) =>
      aws4Signed(
        deployed.sandbox.endpoint,
        {
          service: "kms",
          region: deployed.outputs.region,
          target: "TrentService.DescribeKey",
          body: JSON.stringify({ KeyId: deployed.outputs.keyArn }),
          contentType,
        },
        credentialsOf(deployed.outputs, "app-user"),
      );
    const refused = await rawRequest(deployed.sandbox.endpoint, kms("application/x-amz-json-1.0"));
    expect(refused.status).to.equal(404);
    expect(errorType(refused)).to.equal("UnknownOperationException");
    const accepted = await rawRequest(deployed.sandbox.endpoint, kms("application/x-amz-json-1.1"));
    expect(accepted.status, accepted.body).to.not.equal(404);
  });

  it("reads a body that arrives in many chunks whole: an item near DynamoDB's 400 KB limit", async () => {
    // "The maximum item size in DynamoDB is 400 KB" ("Quotas in Amazon DynamoDB", Items); a socket reads
    // at most 64 KiB at a time, so this PutItem's body reaches the server in several parts.
    const clients = deployed.user("app-user");
    const payload = "x".repeat(350 * 1024);
    const key = { pk: { S: "large" } };
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: deployed.outputs.tableName,
        Item: { ...key, payload: { S: payload } },
      }),
    );
    const read = await clients.dynamodb.send(
      new GetItemCommand({ TableName: deployed.outputs.tableName, Key: key }),
    );
    expect(read.Item?.payload?.S).to.equal(payload);
  });

  it("answers with the Content-Length and x-amz-crc32 of the body's UTF-8 bytes, non-ASCII text included", async () => {
    // "DynamoDB responses can include a X-Amz-Crc32 header with the CRC32 checksum value of the response
    // body" (AWS SDK for Go v2, service/dynamodb/internal/customizations), which SDKs and botocore check.
    const text = "é € 😀 naïve";
    const key = { pk: { S: "utf-8" } };
    await deployed
      .user("app-user")
      .dynamodb.send(
        new PutItemCommand({ TableName: deployed.outputs.tableName, Item: { ...key, text: { S: text } } }),
      );
    for (const [operation, body] of [
      ["GetItem", { TableName: deployed.outputs.tableName, Key: key }],
      ["GetItem", { TableName: "no-such-table", Key: key }],
    ] as const) {
      const response = await rawRequest(
        deployed.sandbox.endpoint,
        aws4DynamoDb(deployed, "app-user", operation, JSON.stringify(body)),
      );
      const bytes = Buffer.from(response.body, "utf8");
      expect(Number(response.headers["content-length"]), response.body).to.equal(bytes.length);
      expect(Number(response.headers["x-amz-crc32"]), response.body).to.equal(crc32(bytes));
    }
  });

  it("still serves the SDK v3 clients as they send their requests", async () => {
    const clients = deployed.user("app-user");
    expect((await clients.dynamodb.send(new ListTablesCommand({}))).TableNames).to.include(
      deployed.outputs.tableName,
    );
    await clients.kms.send(new DescribeKeyCommand({ KeyId: deployed.outputs.keyArn })).catch((err: Error) => {
      // app-user may describe the key only through DynamoDB; what matters is that the request got past
      // the wire rules to the key policy.
      expect(err.name).to.equal("AccessDeniedException");
    });
  });
});
