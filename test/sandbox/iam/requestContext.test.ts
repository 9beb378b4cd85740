/**
 * The request context the Authorizer builds: global keys with their documented presence, the dynamodb:*
 * keys of fine-grained access, and refusal of a decision that depends on a key the sandbox does not model.
 *
 * AWS pages: IAM User Guide, "AWS global condition context keys"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html); DynamoDB
 * Developer Guide, "Using IAM policy conditions for fine-grained access control"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html) and "Using
 * IAM with DynamoDB transactions" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 */
import { expect } from "chai";
import { dynamoDbConditionKeys } from "../../../sandbox/dynamodb/conditionKeys";
import { Authorizer } from "../../../sandbox/iam";
import type { PolicyStatement } from "../../../sandbox/iam/types";
import { UNKNOWN } from "../../../sandbox/iam/evaluation";
import { ACCOUNT_ID } from "../../support/accounts";

const ACCOUNT = ACCOUNT_ID;
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;
const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;

function authorizerWith(statements: PolicyStatement[], now?: number): Authorizer {
  const authorizer = new Authorizer({
    keys: { keyForDecision: () => undefined, ...(now === undefined ? {} : { now: () => now }) },
  });
  authorizer.putPrincipal({
    arn: USER,
    uniqueId: "AIDAEXAMPLEALICE0001",
    inlinePolicies: [{ name: "p", document: { Version: "2012-10-17", Statement: statements } }],
  });
  return authorizer;
}

const allowGet = (condition: Record<string, Record<string, unknown>>): PolicyStatement => ({
  Effect: "Allow",
  Action: "dynamodb:GetItem",
  Resource: TABLE,
  Condition: condition,
});

describe("sandbox/iam request context", () => {
  it("puts the user's aws:userid, and aws:ViaAWSService false, aws:SecureTransport true on a direct call", async () => {
    const authorizer = authorizerWith([
      allowGet({
        StringEquals: { "aws:userid": "AIDAEXAMPLEALICE0001", "aws:RequestedRegion": "us-east-1" },
        Bool: {
          "aws:ViaAWSService": "false",
          "aws:SecureTransport": "true",
          "aws:PrincipalIsAWSService": "false",
        },
      }),
    ]);
    expect((await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE)).allowed).to.equal(true);
  });

  it("leaves aws:MultiFactorAuthPresent absent for a long-term key (a BoolIfExists false Deny does not match)", async () => {
    // "aws:MultiFactorAuthPresent ... is not present when an IAM user uses long-term access keys".
    const authorizer = authorizerWith([
      allowGet({}),
      {
        Effect: "Deny" as const,
        Action: "*",
        Resource: "*",
        Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
      },
    ]);
    expect((await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE)).allowed).to.equal(true);
  });

  it("decides aws:CurrentTime on the sandbox's clock, and refuses it without a clock", async () => {
    const condition = { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } };
    const before = authorizerWith([allowGet(condition)], Date.UTC(2029, 0, 1));
    expect((await before.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE)).allowed).to.equal(true);
    const after = authorizerWith([allowGet(condition)], Date.UTC(2031, 0, 1));
    expect((await after.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE)).outcome).to.equal(
      "ImplicitlyDenied",
    );
    const noClock = authorizerWith([allowGet(condition)]);
    const refused = await noClock.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE);
    expect(refused.notModelledKeys).to.deep.equal(["aws:CurrentTime"]);
  });

  it("refuses, naming it, a decision that depends on aws:SourceIp (no public address on loopback)", async () => {
    const authorizer = authorizerWith([
      allowGet({}),
      {
        Effect: "Deny" as const,
        Action: "*",
        Resource: "*",
        Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
      },
    ]);
    const decision = await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE);
    expect(decision.allowed).to.equal(false);
    expect(decision.notModelledKeys).to.deep.equal(["aws:SourceIp"]);
    expect(decision.message).to.contain("does not model");
  });

  it("ignores a refused key when the decision does not depend on it", async () => {
    // A Deny on another action reads aws:SourceIp, but the GetItem decision never reaches it.
    const authorizer = authorizerWith([
      allowGet({}),
      {
        Effect: "Deny" as const,
        Action: "dynamodb:DeleteItem",
        Resource: "*",
        Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
      },
    ]);
    expect((await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE)).allowed).to.equal(true);
  });

  it("applies the guide's LeadingKeys policy per request: the user's own partition only", async () => {
    const authorizer = authorizerWith([
      allowGet({ "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["${aws:userid}"] } }),
    ]);
    const table = { hashKey: "pk" };
    const own = dynamoDbConditionKeys(
      "GetItem",
      { Key: { pk: { S: "AIDAEXAMPLEALICE0001" } }, ProjectionExpression: "pk" },
      table,
    );
    const other = dynamoDbConditionKeys(
      "GetItem",
      { Key: { pk: { S: "someone-else" } }, ProjectionExpression: "pk" },
      table,
    );
    expect((await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE, own)).allowed).to.equal(true);
    // The cached decision for the first key must not answer for the second.
    expect((await authorizer.authorizeDynamoDb(USER, "dynamodb:GetItem", TABLE, other)).allowed).to.equal(
      false,
    );
    expect(authorizer.knownDynamoDbDecision(USER, "dynamodb:GetItem", TABLE, other)?.allowed).to.equal(false);
  });

  it("blocks transaction parts with the guide's EnclosingOperation Deny, and not the plain call", async () => {
    const authorizer = authorizerWith([
      { Effect: "Allow" as const, Action: "dynamodb:PutItem", Resource: TABLE },
      {
        Effect: "Deny" as const,
        Action: "dynamodb:PutItem",
        Resource: TABLE,
        Condition: {
          "ForAnyValue:StringEquals": {
            "dynamodb:EnclosingOperation": ["TransactWriteItems", "TransactGetItems"],
          },
        },
      },
    ]);
    const body = { Item: { pk: { S: "1" } } };
    const part = dynamoDbConditionKeys(
      "PutItem",
      body,
      { hashKey: "pk" },
      { enclosing: "TransactWriteItems" },
    );
    const plain = dynamoDbConditionKeys("PutItem", body, { hashKey: "pk" });
    expect((await authorizer.authorizeDynamoDb(USER, "dynamodb:PutItem", TABLE, part)).outcome).to.equal(
      "ExplicitlyDenied",
    );
    expect((await authorizer.authorizeDynamoDb(USER, "dynamodb:PutItem", TABLE, plain)).allowed).to.equal(
      true,
    );
  });
});

describe("sandbox/dynamodb condition keys of a request", () => {
  const table = { hashKey: "pk" };

  it("computes LeadingKeys, Attributes, ReturnValues and ReturnConsumedCapacity of a PutItem", () => {
    expect(
      dynamoDbConditionKeys(
        "PutItem",
        {
          Item: { pk: { S: "a" }, v: { N: "1" } },
          ConditionExpression: "attribute_not_exists(#p)",
          ExpressionAttributeNames: { "#p": "pk" },
        },
        table,
      ),
    ).to.deep.equal({
      "dynamodb:LeadingKeys": ["a"],
      "dynamodb:Attributes": ["pk", "v"],
      "dynamodb:ReturnValues": "NONE",
      "dynamodb:ReturnConsumedCapacity": "NONE",
    });
  });

  it("reads a Query's partition key from its key condition, and defaults Select", () => {
    const keys = dynamoDbConditionKeys(
      "Query",
      {
        KeyConditionExpression: "#k = :k AND sk > :s",
        ExpressionAttributeNames: { "#k": "pk" },
        ExpressionAttributeValues: { ":k": { S: "a" }, ":s": { S: "0" } },
        ProjectionExpression: "pk, info.price",
      },
      table,
    );
    expect(keys["dynamodb:LeadingKeys"]).to.deep.equal(["a"]);
    expect(keys["dynamodb:Attributes"]).to.deep.equal(["info", "pk", "sk"]);
    // "the Select parameter always has a value": SPECIFIC_ATTRIBUTES with a projection.
    expect(keys["dynamodb:Select"]).to.equal("SPECIFIC_ATTRIBUTES");
  });

  it("leaves what AWS does not document UNKNOWN: a read without projection, GetItem's Select, a binary key", () => {
    const keys = dynamoDbConditionKeys("GetItem", { Key: { pk: { B: "AQ==" } } }, table);
    expect(keys["dynamodb:Attributes"]).to.equal(UNKNOWN);
    expect(keys["dynamodb:Select"]).to.equal(UNKNOWN);
    expect(keys["dynamodb:LeadingKeys"]).to.equal(UNKNOWN);
  });

  it("puts no LeadingKeys on a Scan, as the Service Authorization Reference lists none for it", () => {
    expect(dynamoDbConditionKeys("Scan", { Select: "COUNT" }, table)).to.not.have.property(
      "dynamodb:LeadingKeys",
    );
  });
});

describe("sandbox/iam AssumeRole's context: sts:ExternalId", () => {
  it("allows a trust policy's StringEquals sts:ExternalId only with that external id", async () => {
    // IAM User Guide, "Access to AWS accounts owned by third parties"
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html): the
    // trust policy's "StringEquals": {"sts:ExternalId": ...} condition, met only when AssumeRole passes it.
    const authorizer = new Authorizer();
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/vendor`;
    authorizer.putPrincipal({ arn: USER, inlinePolicies: [] });
    authorizer.putPrincipal({
      arn: roleArn,
      roleId: "AROAEXAMPLEVENDOR001",
      trustPolicy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: USER },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": "unique-id-1234" } },
          },
        ],
      },
    });
    expect(
      (await authorizer.authorizeAssumeRole(USER, roleArn, { "sts:ExternalId": "unique-id-1234" })).allowed,
    ).to.equal(true);
    expect(
      (await authorizer.authorizeAssumeRole(USER, roleArn, { "sts:ExternalId": "other" })).allowed,
    ).to.equal(false);
    expect((await authorizer.authorizeAssumeRole(USER, roleArn, {})).allowed).to.equal(false);
  });
});
