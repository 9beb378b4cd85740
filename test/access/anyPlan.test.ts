/**
 * The access proof on plans of programs written as teams write them, not as this project's program is:
 * no getCallerIdentity, auto-named resources, policy documents given as objects, resources passed as
 * inputs, a KeyPolicy resource, a key with no policy at all, grants, many tables and keys, AWS managed
 * policies the project holds no copy of, resources the sandbox does not serve, values unknown at preview.
 * Each program here is written for the test, in the idioms of public Pulumi programs (pulumi/examples
 * aws-ts-resources and aws-ts-serverless-raw, the registry's aws.kms.Key and aws.kms.Grant examples).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { analyzePlan, PlanInputError } from "../../access/analyze";
import { synthesize } from "../../plan/synth";
import { declaredStates, type Plan } from "../../plan/types";
import { SPECIAL_SIG_KEY } from "../../plan/values";
import { RESOURCE_REFERENCE_SIG } from "../../plan/values";
import { ACCOUNT_ID } from "../support/accounts";
import { cellOf } from "../support/reportCells";

const REGION = "eu-west-1";

function program(stack: string, build: () => void, preview = false): Promise<Plan> {
  return synthesize({ stack, config: { "aws:region": REGION }, preview, program: async () => build() });
}

/** A user with an access key and an inline policy given as an object (the provider serializes it). */
function userWithPolicy(name: string, statements: unknown[]): aws.iam.User {
  const user = new aws.iam.User(name, { name });
  new aws.iam.AccessKey(name, { user: user.name });
  new aws.iam.UserPolicy(name, {
    user: user.name,
    policy: { Version: "2012-10-17", Statement: statements } as aws.iam.PolicyDocument,
  });
  return user;
}

describe("the access proof on any plan", () => {
  it("a serverless app: no caller identity, an auto-named role trusting a service, object policies, an AWS managed policy it holds no copy of, a function it does not deploy", async () => {
    // Written for the test, after pulumi/examples aws-ts-serverless-raw.
    const plan = await program("serverless", () => {
      const table = new aws.dynamodb.Table("counters", {
        attributes: [{ name: "id", type: "S" }],
        hashKey: "id",
        billingMode: "PAY_PER_REQUEST",
      });
      const role = new aws.iam.Role("handler-role", {
        assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }),
      });
      new aws.iam.RolePolicyAttachment("handler-logs", {
        role: role.name,
        policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      });
      new aws.iam.RolePolicy("handler-table", {
        role: role.id,
        policy: table.arn.apply((arn) => ({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem"], Resource: arn }],
        })) as pulumi.Output<aws.iam.PolicyDocument>,
      });
      new aws.lambda.Function("handler", {
        role: role.arn,
        runtime: "nodejs20.x",
        handler: "index.handler",
        s3Bucket: "artifacts",
        s3Key: "handler.zip",
      });
    });
    const report = await analyzePlan(plan);
    expect(report.deployerSource).to.equal("default");
    expect(report.deployer).to.equal(`arn:aws:iam::${ACCOUNT_ID}:user/deployer`);
    expect(report.blindSpots.join("\n")).to.match(/does not say who deploys it/);
    const role = report.principals.find((principal) => principal.kind === "role");
    expect(role?.name).to.match(/^handler-role-[0-9a-f]{7}$/);
    expect(role?.unknownPolicies).to.deep.equal([
      "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    ]);
    // Its identity-based policies are taken at worst: IAM might allow, never "denied by IAM" for sure.
    const tableName = report.tables[0].name;
    expect(tableName).to.match(/^counters-[0-9a-f]{7}$/);
    expect(
      cellOf(report, { name: role?.name ?? "", table: tableName, operation: "GetItem" }).decision,
    ).to.equal("conditional");
    expect(
      cellOf(report, { name: role?.name ?? "", table: tableName, operation: "GetItem" }).reason,
    ).to.contain("AWSLambdaBasicExecutionRole");
    expect(report.decryptors).to.include(role?.arn);
    expect(report.notDeployed.map((entry) => entry.type)).to.deep.equal(["aws:lambda/function:Function"]);
  });

  it("reads a policy given as an object as the provider serializes it (keys sorted)", async () => {
    const plan = await program("object-policy", () => {
      userWithPolicy("reader", [{ Resource: "*", Action: "dynamodb:GetItem", Effect: "Allow" }]);
      new aws.dynamodb.Table("t", {
        name: "t-orders",
        attributes: [{ name: "id", type: "S" }],
        hashKey: "id",
      });
    });
    const report = await analyzePlan(plan);
    expect(
      report.principals.find((principal) => principal.name === "reader")?.policies.inline[0].document,
    ).to.equal(
      '{"Statement":[{"Action":"dynamodb:GetItem","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}',
    );
    expect(cellOf(report, { name: "reader", table: "t-orders", operation: "GetItem" }).decision).to.equal(
      "allowed",
    );
    expect(cellOf(report, { name: "reader", table: "t-orders", operation: "PutItem" }).decision).to.equal(
      "denied-by-iam",
    );
  });

  it("resolves a resource passed as an input (role: role) by its URN, as the engine sends its ID", async () => {
    // Written for the test, after pulumi/examples aws-ts-resources (`role: role`, `user: user`).
    const plan = await program("reference", () => {
      const role = new aws.iam.Role("app", {
        assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }),
      });
      new aws.iam.RolePolicy("app-scan", {
        role: role,
        policy: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "dynamodb:Scan", Resource: "*" }],
        },
      });
      const user = new aws.iam.User("ops");
      new aws.iam.UserPolicyAttachment("ops-read", {
        user: user,
        policyArn: "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
      });
      new aws.dynamodb.Table("t", { name: "t-ref", attributes: [{ name: "id", type: "S" }], hashKey: "id" });
    });
    // The plan holds the references as Pulumi's wire form marks them.
    const attachment = declaredStates(plan).find((state) => state.type === "aws:iam/rolePolicy:RolePolicy");
    expect(attachment?.inputs.role).to.include({ [SPECIAL_SIG_KEY]: RESOURCE_REFERENCE_SIG });
    const report = await analyzePlan(plan);
    const role = report.principals.find((principal) => principal.kind === "role");
    expect(role?.name).to.match(/^app-[0-9a-f]{7}$/);
    expect(cellOf(report, { name: role?.name ?? "", table: "t-ref", operation: "Scan" }).decision).to.equal(
      "allowed",
    );
    expect(
      cellOf(report, { name: role?.name ?? "", table: "t-ref", operation: "GetItem" }).decision,
    ).to.equal("denied-by-iam");
    const ops = report.principals.find((principal) => principal.kind === "user");
    expect(ops?.name).to.match(/^ops-[0-9a-f]{7}$/);
    expect(cellOf(report, { name: ops?.name ?? "", table: "t-ref", operation: "GetItem" }).decision).to.equal(
      "allowed",
    );
    expect(report.notDeployed).to.deep.equal([]);
  });

  it("takes a key's policy from its aws.kms.KeyPolicy resource", async () => {
    // Written for the test, after the registry's aws.kms.Key example "With Standalone Policy Resource".
    const plan = await program("key-policy-resource", () => {
      const user = userWithPolicy("app", [{ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }]);
      const key = new aws.kms.Key("data", { description: "data key" });
      new aws.kms.KeyPolicy("data", {
        keyId: key.id,
        policy: user.arn.apply((appArn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "Root",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
                Action: "kms:*",
                Resource: "*",
              },
              {
                Sid: "App",
                Effect: "Allow",
                Principal: { AWS: appArn },
                Action: "kms:Decrypt",
                Resource: "*",
                Condition: { StringEquals: { "kms:ViaService": `dynamodb.${REGION}.amazonaws.com` } },
              },
            ],
          }),
        ),
      });
      new aws.dynamodb.Table("t", {
        name: "t-kp",
        attributes: [{ name: "id", type: "S" }],
        hashKey: "id",
        serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
      });
    });
    const report = await analyzePlan(plan);
    expect(report.keys.map((key) => key.policySource)).to.deep.equal(["key-policy-resource"]);
    expect(cellOf(report, { name: "app", table: "t-kp", operation: "GetItem" }).decision).to.equal("allowed");
    expect(cellOf(report, { name: "app", table: "t-kp", operation: "GetItem" }).statements).to.deep.include({
      by: "kms",
      policy: "key policy",
      sid: "App",
      index: 2,
      effect: "Allow",
    });
    expect(cellOf(report, { name: "app", table: "t-kp", operation: "kms:Decrypt" }).decision).to.equal(
      "denied-by-kms",
    );
  });

  it('gives a key with no policy the default key policy: IAM policies of the account decide (KMS Developer Guide, "Default key policy")', async () => {
    // Written for the test, after the registry's aws.kms.Grant example (a key with no policy) and its grant.
    const plan = await program("default-key-policy", () => {
      const decryptor = userWithPolicy("decryptor", [
        { Effect: "Allow", Action: ["dynamodb:GetItem", "kms:Decrypt"], Resource: "*" },
      ]);
      const reader = userWithPolicy("reader", [
        { Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" },
      ]);
      const key = new aws.kms.Key("plain", { description: "no policy" });
      new aws.kms.Grant("reader-grant", {
        keyId: key.keyId,
        granteePrincipal: reader.arn,
        operations: ["Decrypt"],
      });
      void decryptor;
      new aws.dynamodb.Table("t", {
        name: "t-default",
        attributes: [{ name: "id", type: "S" }],
        hashKey: "id",
        serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
      });
    });
    const report = await analyzePlan(plan);
    expect(report.keys.map((key) => key.policySource)).to.deep.equal(["default"]);
    expect(report.blindSpots.join("\n")).to.match(/default key policy/);
    expect(cellOf(report, { name: "decryptor", table: "t-default", operation: "GetItem" }).decision).to.equal(
      "allowed",
    );
    expect(
      cellOf(report, { name: "decryptor", table: "t-default", operation: "kms:Decrypt" }).decision,
    ).to.equal("allowed");
    expect(cellOf(report, { name: "reader", table: "t-default", operation: "GetItem" }).decision).to.equal(
      "allowed",
    );
    expect(cellOf(report, { name: "reader", table: "t-default", operation: "GetItem" }).reason).to.match(
      /grant/,
    );
    expect(
      cellOf(report, { name: "this account, no policies", table: "t-default", operation: "GetItem" })
        .decision,
    ).to.equal("denied-by-iam");
  });

  it("decides many tables on many keys, and a table on the AWS managed key as IAM alone decides", async () => {
    const plan = await program("many", () => {
      const user = userWithPolicy("app", [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" }]);
      const keys = [0, 1].map(
        (index) =>
          new aws.kms.Key(`k${index}`, {
            policy: user.arn.apply((arn) =>
              JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                  {
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
                    Action: "kms:*",
                    Resource: "*",
                  },
                  ...(index === 0
                    ? [{ Effect: "Allow", Principal: { AWS: arn }, Action: "kms:Decrypt", Resource: "*" }]
                    : []),
                ],
              }),
            ),
          }),
      );
      const table = (name: string, kmsKeyArn?: pulumi.Input<string>) =>
        new aws.dynamodb.Table(name, {
          name,
          attributes: [{ name: "id", type: "S" }],
          hashKey: "id",
          serverSideEncryption: { enabled: true, ...(kmsKeyArn === undefined ? {} : { kmsKeyArn }) },
        });
      table("on-k0-a", keys[0].arn);
      table("on-k0-b", keys[0].arn);
      table("on-k1", keys[1].arn);
      table("on-aws-managed", "alias/aws/dynamodb");
    });
    const report = await analyzePlan(plan);
    expect(report.tables.map((table) => table.name).sort()).to.deep.equal([
      "on-aws-managed",
      "on-k0-a",
      "on-k0-b",
      "on-k1",
    ]);
    expect(
      ["on-k0-a", "on-k0-b", "on-k1", "on-aws-managed"].map(
        (name) => cellOf(report, { name: "app", table: name, operation: "GetItem" }).decision,
      ),
    ).to.deep.equal(["allowed", "allowed", "denied-by-kms", "allowed"]);
  });

  it("decides a table on a key with imported material (aws.kms.ExternalKey) by its key policy", async () => {
    const plan = await program("external-key", () => {
      const app = userWithPolicy("app", [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" }]);
      userWithPolicy("other", [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" }]);
      const key = new aws.kms.ExternalKey("imported", {
        description: "imported material",
        policy: app.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:user/deployer` },
                Action: "kms:*",
                Resource: "*",
              },
              { Effect: "Allow", Principal: { AWS: arn }, Action: "kms:Decrypt", Resource: "*" },
            ],
          }),
        ),
      });
      new aws.dynamodb.Table("t", {
        name: "t-external",
        attributes: [{ name: "id", type: "S" }],
        hashKey: "id",
        serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
      });
    });
    const report = await analyzePlan(plan);
    expect(report.tables[0].keyArn).to.match(/^arn:aws:kms:/);
    expect(cellOf(report, { name: "app", table: "t-external", operation: "GetItem" }).decision).to.equal(
      "allowed",
    );
    expect(cellOf(report, { name: "other", table: "t-external", operation: "GetItem" }).decision).to.equal(
      "denied-by-kms",
    );
  });

  it("lists a remote component as not seen: its children are made by a plugin the offline plan does not run", async () => {
    const plan = await program("remote", () => {
      new aws.dynamodb.Table("t", {
        name: "t-remote",
        attributes: [{ name: "id", type: "S" }],
        hashKey: "id",
      });
    });
    plan.steps.push({
      op: "create",
      urn: "urn:pulumi:remote::kms-dynamodb::aws-apigateway:index:RestAPI::api",
      newState: {
        type: "aws-apigateway:index:RestAPI",
        urn: "urn:pulumi:remote::kms-dynamodb::aws-apigateway:index:RestAPI::api",
        custom: false,
        remote: true,
        inputs: {},
        outputs: {},
        dependencies: [],
        propertyDependencies: {},
      },
      detailedDiff: null,
    });
    const report = await analyzePlan(plan);
    expect(report.notDeployed).to.deep.equal([
      {
        urn: "urn:pulumi:remote::kms-dynamodb::aws-apigateway:index:RestAPI::api",
        type: "aws-apigateway:index:RestAPI",
        reason:
          "a remote component: its children are made by its provider plugin, which the offline plan does not run",
      },
    ]);
  });

  it("refuses two tables of one physical name as DynamoDB does (ResourceInUseException)", async () => {
    // Written for the test, after the registry's aws.dynamodb.GlobalTable example, which lost its providers.
    const plan = await program("duplicate", () => {
      for (const logical of ["us-east-1-table", "us-west-2-table"]) {
        new aws.dynamodb.Table(logical, {
          name: "myTable",
          attributes: [{ name: "id", type: "S" }],
          hashKey: "id",
        });
      }
    });
    const error = await analyzePlan(plan).catch((err: unknown) => err);
    expect(error).to.be.instanceOf(PlanInputError);
    expect((error as Error).message).to.match(/ResourceInUseException: Table already exists: myTable/);
  });

  it("lists replicas in other regions and global tables as not deployed, never dropping them silently", async () => {
    const plan = await program("replicas", () => {
      const table = new aws.dynamodb.Table("example", {
        name: "example",
        attributes: [{ name: "id", type: "S" }],
        hashKey: "id",
        streamEnabled: true,
        streamViewType: "NEW_AND_OLD_IMAGES",
        replicas: [{ regionName: "us-east-2" }, { regionName: "us-west-2" }],
      });
      new aws.dynamodb.GlobalTable(
        "global",
        { name: "example", replicas: [{ regionName: REGION }] },
        { dependsOn: [table] },
      );
    });
    const report = await analyzePlan(plan);
    expect(report.tables.map((table) => table.name)).to.deep.equal(["example"]);
    expect(report.notDeployed.map((entry) => entry.reason)).to.deep.equal([
      "DynamoDB global tables (version 2017.11.29) span regions; the sandbox serves one region",
      `its replica in us-east-2: the sandbox serves one region, ${REGION}`,
      `its replica in us-west-2: the sandbox serves one region, ${REGION}`,
    ]);
  });

  it("reports values unknown at preview instead of guessing them", async () => {
    const plan = await program(
      "preview",
      () => {
        userWithPolicy("app", [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" }]);
        const key = new aws.kms.Key("k", { description: "preview" });
        new aws.dynamodb.Table("t", {
          name: "t-preview",
          attributes: [{ name: "id", type: "S" }],
          hashKey: "id",
          serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
        });
      },
      true,
    );
    const report = await analyzePlan(plan);
    expect(report.tables).to.deep.equal([]);
    expect(report.cells.filter((candidate) => candidate.decision === "allowed")).to.deep.equal([]);
    const unknown = report.unknowns.map((entry) => `${entry.type} ${entry.path}`);
    expect(unknown).to.include("aws:iam/user:User outputs.arn (computed when the resource is created)");
    expect(unknown).to.include("aws:kms/key:Key outputs.arn (computed when the resource is created)");
    expect(report.unknowns.find((entry) => entry.type === "aws:dynamodb/table:Table")?.consequence).to.equal(
      "the table is not in the matrix",
    );
    expect(report.blindSpots.join("\n")).to.match(/unknown until deployment; none is guessed/);
  });
});
