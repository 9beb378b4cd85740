/**
 * SigV4 authentication, with AWS's error codes, statuses and messages: no signature, an incomplete one,
 * an unknown access key, a wrong secret, a tampered body, a wrong scope, clock skew; and acceptance of a
 * second, independent signer (aws4) for every protocol.
 */
import { createHash } from "node:crypto";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DescribeKeyCommand } from "@aws-sdk/client-kms";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import * as aws4 from "aws4";
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

const INVALID_TOKEN = "The security token included in the request is invalid.";
const SIGNATURE_MISMATCH = "The request signature we calculated does not match the signature you provided.";

describe("sandbox SigV4 authentication", function () {
  this.timeout(60_000);
  const deployed = sandboxWithDev();
  let endpoint: string;
  let region: string;
  let table: string;

  before(async () => {
    endpoint = deployed.sandbox.endpoint;
    region = deployed.outputs.region;
    table = deployed.outputs.tableName;
    await deployed
      .user("app-user")
      .dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "signed" } } }));
  });

  const getItemBody = () => JSON.stringify({ TableName: table, Key: { pk: { S: "signed" } } });

  it("answers a request without a signature with MissingAuthenticationTokenException", async () => {
    const response = await rawRequest(endpoint, {
      headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.GetItem" },
      body: getItemBody(),
    });
    expect(response.status).to.equal(400);
    expect(JSON.parse(response.body)).to.deep.equal({
      __type: "com.amazon.coral.service#MissingAuthenticationTokenException",
      message: "Request is missing Authentication Token",
    });
    expect(response.headers["x-amzn-errortype"]).to.equal("MissingAuthenticationTokenException");
  });

  it("answers an Authorization header without Signature with IncompleteSignatureException", async () => {
    const signed = aws4DynamoDb(deployed, "app-user", "GetItem", getItemBody());
    const authorization = String(signed.headers?.Authorization).replace(/, Signature=[0-9a-f]+/, "");
    const response = await rawRequest(endpoint, {
      ...signed,
      headers: { ...signed.headers, Authorization: authorization },
    });
    expect(response.status).to.equal(400);
    expect(errorType(response)).to.equal("IncompleteSignatureException");
    expect(JSON.parse(response.body).message).to.contain(
      "Authorization header requires 'Signature' parameter.",
    );
  });

  it("answers an unknown access key with UnrecognizedClientException", async () => {
    const clients = deployed.as(
      {
        accessKeyId: "AKIAUNKNOWNKEY000000",
        secretAccessKey: "x".repeat(40),
      },
      region,
    );
    const dynamodb = await failureOf(
      clients.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "signed" } } })),
    );
    expect(dynamodb).to.deep.equal({
      name: "UnrecognizedClientException",
      message: INVALID_TOKEN,
      status: 400,
    });
    const kms = await failureOf(clients.kms.send(new DescribeKeyCommand({ KeyId: deployed.outputs.keyArn })));
    expect(kms).to.deep.equal({ name: "UnrecognizedClientException", message: INVALID_TOKEN, status: 400 });
    const sts = await failureOf(clients.sts.send(new GetCallerIdentityCommand({})));
    expect(sts).to.deep.equal({ name: "InvalidClientTokenId", message: INVALID_TOKEN, status: 403 });
  });

  it("answers a wrong secret with InvalidSignatureException (SignatureDoesNotMatch for STS)", async () => {
    const real = credentialsOf(deployed.outputs, "app-user");
    const clients = deployed.as(
      {
        ...real,
        secretAccessKey: `${real.secretAccessKey.slice(1)}x`,
      },
      region,
    );
    const dynamodb = await failureOf(
      clients.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "signed" } } })),
    );
    expect(dynamodb.name).to.equal("InvalidSignatureException");
    expect(dynamodb.status).to.equal(400);
    expect(dynamodb.message.startsWith(SIGNATURE_MISMATCH)).to.equal(true);
    const sts = await failureOf(clients.sts.send(new GetCallerIdentityCommand({})));
    expect(sts.name).to.equal("SignatureDoesNotMatch");
    expect(sts.status).to.equal(403);
  });

  it("answers a body changed after signing with InvalidSignatureException", async () => {
    const signed = aws4DynamoDb(deployed, "app-user", "GetItem", getItemBody());
    // Same length, so the signed Content-Length still holds.
    const response = await rawRequest(endpoint, {
      headers: signed.headers,
      body: JSON.stringify({ TableName: table, Key: { pk: { S: "SIGNED" } } }),
    });
    expect(response.status).to.equal(400);
    expect(errorType(response)).to.equal("InvalidSignatureException");
  });

  it("answers a credential scoped to another service or region with InvalidSignatureException", async () => {
    const credentials = credentialsOf(deployed.outputs, "app-user");
    for (const [service, otherRegion, expected] of [
      ["kms", region, "Credential should be scoped to correct service: 'dynamodb'."],
      ["dynamodb", "eu-north-1", "Credential should be scoped to a valid region, not 'eu-north-1'."],
    ]) {
      const signed = aws4Signed(
        endpoint,
        {
          service,
          region: otherRegion,
          target: "DynamoDB_20120810.GetItem",
          body: getItemBody(),
          contentType: "application/x-amz-json-1.0",
        },
        credentials,
      );
      const response = await rawRequest(endpoint, signed);
      expect(response.status).to.equal(400);
      expect(errorType(response)).to.equal("InvalidSignatureException");
      expect(JSON.parse(response.body).message).to.contain(expected);
    }
  });

  it("answers a clock more than 15 minutes off with InvalidSignatureException, signature expired", async () => {
    const credentials = credentialsOf(deployed.outputs, "app-user");
    const behind = deployed.as(credentials, region, { systemClockOffset: -20 * 60 * 1000 });
    const expired = await failureOf(
      behind.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "signed" } } })),
    );
    expect(expired.name).to.equal("InvalidSignatureException");
    expect(expired.status).to.equal(400);
    expect(expired.message).to.match(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z/);
    const ahead = deployed.as(credentials, region, { systemClockOffset: 20 * 60 * 1000 });
    const future = await failureOf(
      ahead.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "signed" } } })),
    );
    expect(future.name).to.equal("InvalidSignatureException");
    expect(future.message).to.match(/^Signature not yet current: /);
  });

  it("lets the SDK correct its clock from the Date header and retry, as it does with AWS", async () => {
    const credentials = credentialsOf(deployed.outputs, "app-user");
    const skewed = deployed.as(credentials, region, {
      systemClockOffset: -20 * 60 * 1000,
      maxAttempts: 2,
    });
    const read = await skewed.dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: "signed" } } }),
    );
    expect(read.Item).to.deep.equal({ pk: { S: "signed" } });
  });

  it("answers malformed Authorization parts with AWS's errors", async () => {
    const signed = aws4DynamoDb(deployed, "app-user", "GetItem", getItemBody());
    const authorization = String(signed.headers?.Authorization);
    for (const [headers, code, message] of [
      [
        { Authorization: authorization.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512") },
        "IncompleteSignatureException",
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'",
      ],
      [
        {
          Authorization: authorization.replace(
            /SignedHeaders=[^,]+/,
            "SignedHeaders=content-type;x-amz-date",
          ),
        },
        "InvalidSignatureException",
        "'Host' must be a 'SignedHeader' in the AWS Authorization.",
      ],
      [
        { Authorization: authorization.replace("/aws4_request", "") },
        "IncompleteSignatureException",
        "Credential must have exactly 5 slash-delimited elements",
      ],
      [
        { "X-Amz-Date": "yesterday" },
        "IncompleteSignatureException",
        "Date must be in ISO-8601 'basic format'",
      ],
    ] as const) {
      const response = await rawRequest(endpoint, { ...signed, headers: { ...signed.headers, ...headers } });
      expect(response.status, message).to.equal(400);
      expect(errorType(response), message).to.equal(code);
      expect(JSON.parse(response.body).message, message).to.contain(message);
    }
  });

  it("refuses a session token, as the sandbox issues no temporary credentials", async () => {
    const credentials = {
      ...credentialsOf(deployed.outputs, "app-user"),
      sessionToken: "FwoGZXIvYXdzEXAMPLE",
    };
    const response = await rawRequest(
      endpoint,
      aws4DynamoDb(deployed, credentials, "GetItem", getItemBody()),
    );
    expect(response.status).to.equal(400);
    expect(errorType(response)).to.equal("UnrecognizedClientException");
  });

  it("refuses a signed x-amz-content-sha256 that is not the body's hash", async () => {
    const credentials = credentialsOf(deployed.outputs, "app-user");
    const body = getItemBody();
    const url = new URL(endpoint);
    const signed = aws4.sign(
      {
        host: url.host,
        method: "POST",
        path: "/",
        service: "dynamodb",
        region,
        headers: {
          "Content-Type": "application/x-amz-json-1.0",
          "X-Amz-Target": "DynamoDB_20120810.GetItem",
          "X-Amz-Content-Sha256": createHash("sha256").update("another body").digest("hex"),
        },
        body,
      },
      credentials,
    );
    const response = await rawRequest(endpoint, { headers: signed.headers as Record<string, string>, body });
    expect(response.status).to.equal(400);
    expect(errorType(response)).to.equal("InvalidSignatureException");
    expect(JSON.parse(response.body).message).to.contain("'x-amz-content-sha256' header does not match");
  });

  describe("a second signer (aws4)", () => {
    it("is accepted for DynamoDB", async () => {
      const response = await rawRequest(
        endpoint,
        aws4DynamoDb(deployed, "app-user", "GetItem", getItemBody()),
      );
      expect(response.status).to.equal(200);
      expect(JSON.parse(response.body).Item).to.deep.equal({ pk: { S: "signed" } });
      expect(response.headers["x-amz-crc32"]).to.match(/^\d+$/);
    });

    it("is accepted for STS (query protocol) and answered in STS's XML", async () => {
      const credentials = credentialsOf(deployed.outputs, "kms-test-user");
      const response = await rawRequest(
        endpoint,
        aws4Signed(
          endpoint,
          {
            service: "sts",
            region,
            body: "Action=GetCallerIdentity&Version=2011-06-15",
            contentType: "application/x-www-form-urlencoded; charset=utf-8",
          },
          credentials,
        ),
      );
      expect(response.status).to.equal(200);
      expect(response.body).to.contain(`<Arn>${deployed.outputs.users["kms-test-user"].arn}</Arn>`);
      expect(response.body).to.contain(`<Account>${deployed.outputs.accountId}</Account>`);
    });

    it("is accepted for KMS (JSON 1.1), where the key policy then decides", async () => {
      const credentials = credentialsOf(deployed.outputs, "kms-test-user");
      const response = await rawRequest(
        endpoint,
        aws4Signed(
          endpoint,
          {
            service: "kms",
            region,
            target: "TrentService.DescribeKey",
            body: JSON.stringify({ KeyId: deployed.outputs.keyAlias }),
            contentType: "application/x-amz-json-1.1",
          },
          credentials,
        ),
      );
      expect(response.status).to.equal(200);
      expect(JSON.parse(response.body).KeyMetadata.Arn).to.equal(deployed.outputs.keyArn);
    });

    it("is refused with a wrong secret", async () => {
      const real = credentialsOf(deployed.outputs, "app-user");
      const response = await rawRequest(
        endpoint,
        aws4DynamoDb(deployed, { ...real, secretAccessKey: "y".repeat(40) }, "GetItem", getItemBody()),
      );
      expect(response.status).to.equal(400);
      expect(errorType(response)).to.equal("InvalidSignatureException");
      expect(JSON.parse(response.body).message.startsWith(SIGNATURE_MISMATCH)).to.equal(true);
    });
  });
});
