/**
 * Policy variables (IAM User Guide, "IAM policy elements: Variables and tags"; "IAM JSON policy elements:
 * Resource", Using policy variables in resource ARNs; "Condition operators", per operator).
 */
import { expect } from "chai";
import { UNKNOWN, compilePolicy } from "../../../../sandbox/iam/evaluation";
import { A, ALICE, REGION, TABLE, allow, ask, identity, outcome } from "./helpers";

const tableOf = (name: string) => `arn:aws:dynamodb:${REGION}:${A}:table/${name}`;
const own = identity(allow("dynamodb:*", `arn:aws:dynamodb:${REGION}:${A}:table/\${aws:username}`));

describe("Policy variables in the Resource element (Variables and tags, Resource element)", () => {
  it("replaces ${aws:username} with the caller's user name (the page's table example)", () => {
    expect(
      outcome(ALICE, "dynamodb:GetItem", tableOf("alice"), { identity: [own] }, { "aws:username": "alice" }),
    ).to.equal("Allowed");
    expect(
      outcome(ALICE, "dynamodb:GetItem", tableOf("bob"), { identity: [own] }, { "aws:username": "alice" }),
    ).to.equal("ImplicitlyDenied");
  });

  it("reads a principal tag, and a default value when the tag is absent (Specifying default values)", () => {
    const team = identity(
      allow(
        "dynamodb:GetItem",
        `arn:aws:dynamodb:${REGION}:${A}:table/team-\${aws:PrincipalTag/team, 'company-wide'}`,
      ),
    );
    expect(
      outcome(
        ALICE,
        "dynamodb:GetItem",
        tableOf("team-yellow"),
        { identity: [team] },
        { "aws:PrincipalTag/team": "yellow" },
      ),
    ).to.equal("Allowed");
    expect(outcome(ALICE, "dynamodb:GetItem", tableOf("team-company-wide"), { identity: [team] })).to.equal(
      "Allowed",
    );
    expect(outcome(ALICE, "dynamodb:GetItem", tableOf("team-yellow"), { identity: [team] })).to.equal(
      "ImplicitlyDenied",
    );
  });

  it("makes a Resource with a variable of no value match no resource, and a NotResource one exclude none (Policy variables with no value)", () => {
    expect(outcome(ALICE, "dynamodb:GetItem", tableOf("alice"), { identity: [own] })).to.equal(
      "ImplicitlyDenied",
    );
    const allButOwn = identity({
      Effect: "Allow",
      Action: "dynamodb:*",
      NotResource: `arn:aws:dynamodb:${REGION}:${A}:table/\${aws:username}`,
    });
    expect(outcome(ALICE, "dynamodb:GetItem", tableOf("alice"), { identity: [allButOwn] })).to.equal(
      "Allowed",
    );
    expect(
      outcome(
        ALICE,
        "dynamodb:GetItem",
        tableOf("alice"),
        { identity: [allButOwn] },
        { "aws:username": "alice" },
      ),
    ).to.equal("ImplicitlyDenied");
  });

  it('treats a multivalued key as a variable with no value ("You can\'t use a multivalued condition key as a variable")', () => {
    const tags = identity(allow("dynamodb:GetItem", `arn:aws:dynamodb:${REGION}:${A}:table/\${aws:TagKeys}`));
    expect(
      outcome(ALICE, "dynamodb:GetItem", tableOf("env"), { identity: [tags] }, { "aws:TagKeys": ["env"] }),
    ).to.equal("ImplicitlyDenied");
  });

  it("reads variables only in the resource part, after the fifth colon", () => {
    const region = identity(
      allow("dynamodb:GetItem", `arn:aws:dynamodb:\${aws:RequestedRegion}:${A}:table/orders`),
    );
    expect(
      outcome(ALICE, "dynamodb:GetItem", TABLE, { identity: [region] }, { "aws:RequestedRegion": REGION }),
    ).to.equal("ImplicitlyDenied");
  });

  it("keeps a substituted value literal: a * in a user name is no wildcard", () => {
    expect(
      outcome(ALICE, "dynamodb:GetItem", tableOf("alice"), { identity: [own] }, { "aws:username": "*" }),
    ).to.equal("ImplicitlyDenied");
  });

  it("reads variables only under Version 2012-10-17 (Using variables in policies)", () => {
    const old = compilePolicy(
      {
        Version: "2008-10-17",
        Statement: allow("dynamodb:*", `arn:aws:dynamodb:${REGION}:${A}:table/\${aws:username}`),
      },
      "old",
      "identity",
    );
    expect(
      outcome(ALICE, "dynamodb:GetItem", tableOf("alice"), { identity: [old] }, { "aws:username": "alice" }),
    ).to.equal("ImplicitlyDenied");
    expect(
      outcome(
        ALICE,
        "dynamodb:GetItem",
        tableOf("${aws:username}"),
        { identity: [old] },
        { "aws:username": "alice" },
      ),
    ).to.equal("Allowed");
  });

  it("leaves the decision Conditional when the variable's key is UNKNOWN, naming the pattern", () => {
    const result = ask(
      ALICE,
      "dynamodb:GetItem",
      tableOf("alice"),
      { identity: [own] },
      {},
      { unknown: ["aws:username"] },
    );
    expect(result.outcome).to.equal("Conditional");
    expect(result.conditions).to.deep.equal([
      {
        policy: "inline:test",
        policyKind: "identity",
        index: 1,
        effect: "Allow",
        key: "aws:username",
        operator: "Resource",
        values: [`arn:aws:dynamodb:${REGION}:${A}:table/\${aws:username}`],
      },
    ]);
  });
});

describe("Policy variables in the Condition element (Variables and tags, Condition element)", () => {
  const check = (
    condition: Record<string, Record<string, string>>,
    context: Record<string, string | string[]> = {},
  ) =>
    outcome(
      ALICE,
      "dynamodb:GetItem",
      TABLE,
      { identity: [identity(allow("dynamodb:GetItem", "*", { Condition: condition }))] },
      context,
    );

  it("resolves variables in String and ARN operators", () => {
    expect(
      check(
        { StringEquals: { "dynamodb:LeadingKeys": "${aws:userid}" } },
        { "dynamodb:LeadingKeys": "AIDA1", "aws:userid": "AIDA1" },
      ),
    ).to.equal("Allowed");
    expect(
      check(
        { StringLike: { "s3:prefix": "home/${aws:username}/*" } },
        { "s3:prefix": "home/alice/x", "aws:username": "alice" },
      ),
    ).to.equal("Allowed");
    expect(
      check(
        { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:user/alice" } },
        { "aws:PrincipalArn": ALICE, "aws:PrincipalAccount": A },
      ),
    ).to.equal("Allowed");
  });

  it("makes a positive operator fail and a negated one match when the variable has no value (Policy variables with no value)", () => {
    // "Inverted condition operators like StringNotEquals or StringNotLike do match against a null value".
    expect(
      check(
        { StringEquals: { "aws:PrincipalTag/team": "${aws:ResourceTag/team}" } },
        { "aws:PrincipalTag/team": "red" },
      ),
    ).to.equal("ImplicitlyDenied");
    expect(
      check(
        { StringNotEquals: { "aws:PrincipalTag/team": "${aws:ResourceTag/team}" } },
        { "aws:PrincipalTag/team": "red" },
      ),
    ).to.equal("Allowed");
  });

  it("keeps ${*}, ${?} and ${$} as the literal characters (Special characters)", () => {
    expect(check({ StringLike: { "s3:prefix": "a${*}b" } }, { "s3:prefix": "a*b" })).to.equal("Allowed");
    expect(check({ StringLike: { "s3:prefix": "a${*}b" } }, { "s3:prefix": "axb" })).to.equal(
      "ImplicitlyDenied",
    );
    expect(check({ StringLike: { "s3:prefix": "${?}${$}" } }, { "s3:prefix": "?$" })).to.equal("Allowed");
  });

  it("takes no variables with Numeric operators: the text stays literal", () => {
    expect(
      check(
        { NumericEquals: { "s3:max-keys": "${aws:username}" } },
        { "s3:max-keys": "10", "aws:username": "10" },
      ),
    ).to.equal("ImplicitlyDenied");
  });

  it("leaves a condition unknown when its variable's key is UNKNOWN", () => {
    const result = ask(
      ALICE,
      "dynamodb:GetItem",
      TABLE,
      {
        identity: [
          identity(
            allow("dynamodb:GetItem", "*", {
              Condition: { StringEquals: { "dynamodb:LeadingKeys": "${aws:userid}" } },
            }),
          ),
        ],
      },
      { "dynamodb:LeadingKeys": "AIDA1", "aws:userid": UNKNOWN },
    );
    expect(result.outcome).to.equal("Conditional");
    expect(result.conditions?.[0]).to.include({ key: "dynamodb:LeadingKeys", operator: "StringEquals" });
  });
});
