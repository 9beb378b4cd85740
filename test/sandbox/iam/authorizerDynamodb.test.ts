import { expect } from "chai";
import { Authorizer } from "../../../sandbox/iam";
import {
  APP_USER,
  KMS_TEST_USER,
  NOBODY,
  READER,
  seedAuthorizer,
  TABLE_ARN,
  ACCOUNT_ID,
  REGION,
} from "../../support/seedAuthorizer";

describe("sandbox/iam Authorizer: dynamodb actions against identity policies", () => {
  const authorizer = seedAuthorizer();

  it("allows a readwrite user item reads and writes on the table and Query on an index", async () => {
    for (const action of ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"]) {
      expect((await authorizer.authorizeDynamoDb(APP_USER, action, TABLE_ARN)).allowed, action).to.equal(
        true,
      );
    }
    const index = await authorizer.authorizeDynamoDb(
      APP_USER,
      "dynamodb:Query",
      `${TABLE_ARN}/index/byOwner`,
    );
    expect(index.allowed).to.equal(true);
  });

  it("refuses a readwrite user a table its policy does not name, with AWS's message", async () => {
    const other = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/other`;
    const decision = await authorizer.authorizeDynamoDb(APP_USER, "dynamodb:GetItem", other);
    expect(decision).to.deep.equal({
      allowed: false,
      outcome: "ImplicitlyDenied",
      policyType: "identity-based",
      // No statement matched: an implicit denial names none.
      statements: [],
      message: `User: ${APP_USER} is not authorized to perform: dynamodb:GetItem on resource: ${other} because no identity-based policy allows the dynamodb:GetItem action`,
    });
  });

  it("refuses a readonly user writes and allows its reads", async () => {
    expect((await authorizer.authorizeDynamoDb(READER, "dynamodb:GetItem", TABLE_ARN)).allowed).to.equal(
      true,
    );
    const put = await authorizer.authorizeDynamoDb(READER, "dynamodb:PutItem", TABLE_ARN);
    expect(put.outcome).to.equal("ImplicitlyDenied");
    expect(put.message).to.contain("dynamodb:PutItem");
  });

  it("allows everything on any table to a user with AmazonDynamoDBFullAccess", async () => {
    for (const action of ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteTable"]) {
      expect((await authorizer.authorizeDynamoDb(KMS_TEST_USER, action, TABLE_ARN)).allowed, action).to.equal(
        true,
      );
    }
  });

  it('authorizes ListTables on "*", in the caller\'s account', async () => {
    expect((await authorizer.authorizeDynamoDb(APP_USER, "dynamodb:ListTables", "*")).allowed).to.equal(true);
    expect((await authorizer.authorizeDynamoDb(KMS_TEST_USER, "dynamodb:ListTables", "*")).allowed).to.equal(
      true,
    );
    const refused = await authorizer.authorizeDynamoDb(NOBODY, "dynamodb:ListTables", "*");
    expect(refused.message).to.equal(
      `User: ${NOBODY} is not authorized to perform: dynamodb:ListTables on resource: * because no identity-based policy allows the dynamodb:ListTables action`,
    );
  });

  it("refuses a user without policies", async () => {
    const decision = await authorizer.authorizeDynamoDb(NOBODY, "dynamodb:DescribeTable", TABLE_ARN);
    expect(decision.allowed).to.equal(false);
    expect(decision.outcome).to.equal("ImplicitlyDenied");
  });

  it("names an explicit deny in an identity-based policy", async () => {
    const denied = new Authorizer();
    denied.putPrincipal({
      arn: NOBODY,
      managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"],
      inlinePolicies: [
        {
          name: "no-deletes",
          document: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Deny", Action: "dynamodb:DeleteItem", Resource: TABLE_ARN }],
          }),
        },
      ],
    });
    const decision = await denied.authorizeDynamoDb(NOBODY, "dynamodb:DeleteItem", TABLE_ARN);
    expect(decision.outcome).to.equal("ExplicitlyDenied");
    expect(decision.message).to.equal(
      `User: ${NOBODY} is not authorized to perform: dynamodb:DeleteItem on resource: ${TABLE_ARN} with an explicit deny in an identity-based policy`,
    );
    expect((await denied.authorizeDynamoDb(NOBODY, "dynamodb:GetItem", TABLE_ARN)).allowed).to.equal(true);
  });

  it("rejects a caller that is not in the model and an action of another service", () => {
    expect(() =>
      authorizer.authorizeDynamoDb(`arn:aws:iam::${ACCOUNT_ID}:user/ghost`, "dynamodb:GetItem", TABLE_ARN),
    ).to.throw(/caller arn: "arn:aws:iam::111122223333:user\/ghost" is not a principal/);
    expect(() => authorizer.authorizeDynamoDb(APP_USER, "s3:GetObject", TABLE_ARN)).to.throw(
      /"s3:GetObject" is not a dynamodb: action/,
    );
  });

  it("refuses a malformed inline policy with MalformedPolicyDocument naming it", () => {
    const fresh = new Authorizer();
    expect(() =>
      fresh.putPrincipal({
        arn: NOBODY,
        inlinePolicies: [{ name: "broken", document: '{"Statement": [{"Effect": "Allw", "Action": "*"}]}' }],
      }),
    )
      .to.throw()
      .that.satisfies(
        (error: { code: string; message: string }) =>
          error.code === "MalformedPolicyDocument" && /broken.*Effect.*"Allw"/.test(error.message),
      );
  });
});
