/**
 * The compat group: the private or undocumented parts of dependencies this project relies on, each
 * exercised directly, so that an upgrade that breaks one fails here first, with the dependency named,
 * rather than as a puzzling failure deep in the sandbox or the plan engine. These dependencies are
 * pinned exactly in package.json; upgrade one on purpose, and run `npx mocha test/compat/*.test.ts`.
 */
import { partition } from "@aws-sdk/core/client";
import * as awsConfig from "@pulumi/aws/config";
import * as pulumi from "@pulumi/pulumi";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import { expect } from "chai";
import * as dynaliteDb from "dynalite/db";
import * as validations from "dynalite/validations";
import { ANALYZER_METHODS } from "../../guard/analyzerClient";
import { DynaliteEngine } from "../../sandbox/dynamodb/engine";
import { SigV4Verifier } from "../../sandbox/http/sigv4";
import { ACCOUNT_ID } from "../support/accounts";
import { EXAMPLE_ACCESS_KEY_ID, EXAMPLE_SECRET_ACCESS_KEY } from "../support/accounts";

describe("compat: dynalite's modules, called in process (sandbox/dynamodb/engine.ts)", () => {
  it("exposes the store, validations and actions the engine uses", () => {
    expect(dynaliteDb.create).to.be.a("function");
    expect(validations.checkValidations).to.be.a("function");
    const store = dynaliteDb.create({ createTableMs: 0 });
    expect(store.tableDb).to.have.property("awsAccountId");
    expect(store.lifecycleManager.gracefulClose).to.be.a("function");
    expect(store.getTable).to.be.a("function");
  });

  it("creates a table, writes and reads an item through the engine", async () => {
    const engine = await DynaliteEngine.open();
    try {
      engine.setAccount(ACCOUNT_ID, "us-east-1");
      await engine.createTable({
        TableName: "compat",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      });
      const put = engine.validate("PutItem", { TableName: "compat", Item: { pk: { S: "a" } } });
      await engine.execute("PutItem", put);
      const get = engine.validate("GetItem", { TableName: "compat", Key: { pk: { S: "a" } } });
      expect((await engine.execute("GetItem", get)).Item).to.deep.equal({ pk: { S: "a" } });
      expect((await engine.describeTable("compat"))?.TableArn).to.equal(
        `arn:aws:dynamodb:us-east-1:${ACCOUNT_ID}:table/compat`,
      );
    } finally {
      await engine.close();
    }
  });
});

describe("compat: @smithy/signature-v4's protected builders (sandbox/http/sigv4.ts)", () => {
  it("verifies what SignatureV4 signs: the canonical request and string to sign still agree", async () => {
    const credentials = {
      accessKeyId: EXAMPLE_ACCESS_KEY_ID,
      secretAccessKey: EXAMPLE_SECRET_ACCESS_KEY,
    };
    const body = '{"TableName":"compat"}';
    const sha256 = Hash.bind(null, "sha256");
    const signer = new SignatureV4({ service: "dynamodb", region: "us-east-1", credentials, sha256 });
    const signed = await signer.sign({
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 8000,
      path: "/",
      headers: {
        host: "127.0.0.1:8000",
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810.DescribeTable",
      },
      body,
    });
    const headers = Object.fromEntries(
      Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const verified = await new SigV4Verifier().verify(
      { method: "POST", url: "/", headers, body: Buffer.from(body) },
      {
        service: "dynamodb",
        region: "us-east-1",
        secretOf: (id) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
      },
    );
    expect(verified).to.deep.equal({
      accessKeyId: credentials.accessKeyId,
      region: "us-east-1",
      service: "dynamodb",
    });
  });
});

describe("compat: the Pulumi runtime's mock hooks (plan/synth.ts)", () => {
  it("still has the runtime functions the plan engine drives", () => {
    for (const name of [
      "setMocks",
      "setMockOptions",
      "setAllConfig",
      "runInPulumiStack",
      "disconnect",
      "allConfig",
    ]) {
      expect((pulumi.runtime as unknown as Record<string, unknown>)[name], name).to.be.a("function");
    }
    expect(pulumi.RunError).to.be.a("function");
    expect(pulumi.runtime.isDryRun).to.be.a("function");
  });

  it("still loads the generated protobuf modules the monitor and the guard use", () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    expect(require("@pulumi/pulumi/proto/resource_pb")).to.have.property("RegisterResourceRequest");
    expect(require("@pulumi/pulumi/proto/provider_pb")).to.have.property("InvokeRequest");
    expect(require("@pulumi/pulumi/proto/analyzer_pb")).to.have.property("AnalyzeRequest");
    /* eslint-enable @typescript-eslint/no-require-imports */
  });

  it("still names the Analyzer methods the guard's client calls by the paths it uses (guard/analyzerClient.ts)", async () => {
    const { AnalyzerService } = await import("@pulumi/pulumi/proto/analyzer_grpc_pb");
    for (const [name, path] of Object.entries(ANALYZER_METHODS)) {
      expect(AnalyzerService[name as keyof typeof AnalyzerService].path, name).to.equal(path);
    }
  });
});

describe("compat: AWS SDK partition data and @pulumi/aws config keys (infra/config.ts)", () => {
  it("tells a listed region (with its description) from one that only matches a partition's pattern", () => {
    expect(partition("us-east-1")).to.have.property("description");
    expect(partition("cn-north-1")).to.include({ name: "aws-cn" });
    expect(partition("us-east-99")).to.not.have.property("description");
  });

  it("lists the AWS provider's config keys without reading them", () => {
    const keys = Object.keys(awsConfig);
    for (const key of ["region", "profile", "skipRegionValidation", "accessKey", "assumeRoles"]) {
      expect(keys, key).to.include(key);
    }
  });
});
