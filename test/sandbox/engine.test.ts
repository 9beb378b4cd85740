/**
 * The static proof's questions from the engine's public API (sandbox/engine.ts cellChecks): each cell's
 * IAM checks with the request-dependent condition keys UNKNOWN, so a decision that depends on them is
 * Conditional, and a transaction asked part by part.
 * - DynamoDB Developer Guide, "Using IAM policy conditions for fine-grained access control"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html):
 *   a LeadingKeys condition depends on the key each request names.
 * - "Using IAM with DynamoDB transactions"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html): each part
 *   needs its own action; ConditionCheck needs dynamodb:ConditionCheckItem.
 */
import { expect } from "chai";
import { cellChecks } from "../../sandbox/engine";
import { Authorizer } from "../../sandbox/iam";
import type { PolicyStatement } from "../../sandbox/iam/types";
import { ACCOUNT_ID } from "../support/accounts";

const ACCOUNT = ACCOUNT_ID;
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;
const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;

function authorizerWith(statements: PolicyStatement[]): Authorizer {
  // A clock, as the sandbox has: the proof's checks must still leave the time UNKNOWN.
  const authorizer = new Authorizer({ keys: { keyForDecision: () => undefined, now: () => Date.now() } });
  authorizer.putPrincipal({
    arn: USER,
    uniqueId: "AIDAEXAMPLEALICE0001",
    inlinePolicies: [{ name: "p", document: { Version: "2012-10-17", Statement: statements } }],
  });
  return authorizer;
}

async function outcomes(authorizer: Authorizer, operation: Parameters<typeof cellChecks>[0]) {
  return Promise.all(
    cellChecks(operation).map(async (check) => ({
      action: check.action,
      decision: await authorizer.authorizeDynamoDb(USER, check.action, TABLE, check.requestKeys),
    })),
  );
}

describe("sandbox/engine cellChecks: the static proof's request context", () => {
  it("makes a LeadingKeys-conditioned GetItem Conditional, naming the condition", async () => {
    const authorizer = authorizerWith([
      {
        Effect: "Allow",
        Action: "dynamodb:GetItem",
        Resource: TABLE,
        Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["${aws:username}"] } },
      },
    ]);
    const [get] = await outcomes(authorizer, "GetItem");
    expect(get.decision.outcome).to.equal("Conditional");
    expect(get.decision.conditions?.map((condition) => condition.key)).to.deep.equal([
      "dynamodb:LeadingKeys",
    ]);
  });

  it("makes a time-bound policy Conditional, whatever the engine's clock", async () => {
    const authorizer = authorizerWith([
      {
        Effect: "Allow",
        Action: "dynamodb:GetItem",
        Resource: TABLE,
        Condition: { DateLessThan: { "aws:CurrentTime": "2999-01-01T00:00:00Z" } },
      },
    ]);
    const [get] = await outcomes(authorizer, "GetItem");
    expect(get.decision.outcome).to.equal("Conditional");
  });

  it("asks TransactWriteItems part by part: a Deny of DeleteItem and a missing ConditionCheckItem refuse those parts", async () => {
    const authorizer = authorizerWith([
      {
        Effect: "Allow",
        Action: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
        Resource: TABLE,
      },
      { Effect: "Deny", Action: "dynamodb:DeleteItem", Resource: TABLE },
    ]);
    const parts = await outcomes(authorizer, "TransactWriteItems");
    expect(parts.map((part) => [part.action, part.decision.outcome])).to.deep.equal([
      ["dynamodb:PutItem", "Allowed"],
      ["dynamodb:UpdateItem", "Allowed"],
      ["dynamodb:DeleteItem", "ExplicitlyDenied"],
      ["dynamodb:ConditionCheckItem", "ImplicitlyDenied"],
    ]);
    expect(cellChecks("TransactWriteItems")[0].requestKeys["dynamodb:EnclosingOperation"]).to.equal(
      "TransactWriteItems",
    );
  });

  it("decides a policy without request conditions as before: allowed, not Conditional", async () => {
    const authorizer = authorizerWith([{ Effect: "Allow", Action: "dynamodb:*", Resource: TABLE }]);
    for (const { decision } of await outcomes(authorizer, "Query")) {
      expect(decision.outcome).to.equal("Allowed");
    }
  });
});
