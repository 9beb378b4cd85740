/**
 * NotAction and NotResource, and explicit deny over allow, as the IAM User Guide states them ("AWS JSON
 * policy elements: NotAction", "NotResource"; "Policy evaluation logic": an explicit deny in any policy
 * overrides any allow). Real evaluation by the Authorizer (the project's evaluator), no mocks.
 */
import { expect } from "chai";
import { Authorizer, type PolicyDocument } from "../../../sandbox/iam";
import { KeyRegistry } from "../../../sandbox/kms/keyRegistry";
import { ACCOUNT_ID, KEY_ARN, NOBODY, REGION, TABLE_ARN } from "../../support/seedAuthorizer";

const OTHER_TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/other`;
const ROOT = `arn:aws:iam::${ACCOUNT_ID}:root`;

/** The key registry each authorizer reads its keys from (their one owner). */
const keysOf = new WeakMap<Authorizer, KeyRegistry>();

function keysFor(authorizer: Authorizer): KeyRegistry {
  const keys = keysOf.get(authorizer);
  if (keys === undefined) {
    throw new Error("an authorizer made by withIdentityPolicy was expected");
  }
  return keys;
}

function withIdentityPolicy(policy: PolicyDocument): Authorizer {
  const keys = new KeyRegistry();
  const authorizer = new Authorizer({ keys });
  keysOf.set(authorizer, keys);
  authorizer.putPrincipal({ arn: NOBODY, inlinePolicies: [{ name: "p", document: policy }] });
  return authorizer;
}

describe("sandbox/iam Authorizer: NotAction, NotResource and explicit deny", () => {
  it("Allow with NotAction allows every other action and not the one listed", async () => {
    // "NotAction ... matches everything except the specified list of actions".
    const authorizer = withIdentityPolicy({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", NotAction: "dynamodb:DeleteItem", Resource: TABLE_ARN }],
    });
    expect((await authorizer.authorizeDynamoDb(NOBODY, "dynamodb:GetItem", TABLE_ARN)).allowed).to.equal(
      true,
    );
    const deleted = await authorizer.authorizeDynamoDb(NOBODY, "dynamodb:DeleteItem", TABLE_ARN);
    expect(deleted.outcome).to.equal("ImplicitlyDenied");
  });

  it("Allow with NotResource allows every other resource and not the one listed", async () => {
    const authorizer = withIdentityPolicy({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", NotResource: OTHER_TABLE }],
    });
    expect((await authorizer.authorizeDynamoDb(NOBODY, "dynamodb:GetItem", TABLE_ARN)).allowed).to.equal(
      true,
    );
    expect((await authorizer.authorizeDynamoDb(NOBODY, "dynamodb:GetItem", OTHER_TABLE)).outcome).to.equal(
      "ImplicitlyDenied",
    );
  });

  it("Deny with NotAction in a key policy denies every action but the one listed, over an Allow", async () => {
    const authorizer = withIdentityPolicy({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }],
    });
    keysFor(authorizer).put({
      arn: KEY_ARN,
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" },
          { Effect: "Deny", Principal: { AWS: NOBODY }, NotAction: "kms:Decrypt", Resource: "*" },
        ],
      },
    });
    expect((await authorizer.authorizeKms(NOBODY, "kms:Decrypt", KEY_ARN)).allowed).to.equal(true);
    const encrypt = await authorizer.authorizeKms(NOBODY, "kms:Encrypt", KEY_ARN);
    expect(encrypt.outcome).to.equal("ExplicitlyDenied");
    expect(encrypt.message).to.match(/with an explicit deny in a resource-based policy$/);
  });
});
