/**
 * Condition operators, each checked against the page that defines it: IAM User Guide, "IAM JSON policy
 * elements: Condition operators"; "Creating a condition with multiple keys or values"; "Single-valued vs.
 * multivalued condition keys"; KMS Developer Guide, "AWS KMS condition keys".
 *
 * Each case puts one Condition block on an Allow statement and reads the decision: Allowed is true,
 * ImplicitlyDenied false, Conditional unknown.
 */
import { expect } from "chai";
import { UNKNOWN } from "../../../../sandbox/iam/evaluation";
import type { ContextOptions, ContextRecord } from "../../../../sandbox/iam/evaluation";
import { ALICE, TABLE, allow, ask, identity } from "./helpers";

type Verdict = "true" | "false" | "unknown";

function check(
  condition: Record<string, Record<string, unknown>>,
  context: ContextRecord = {},
  options: ContextOptions = {},
): Verdict {
  const result = ask(
    ALICE,
    "dynamodb:GetItem",
    TABLE,
    { identity: [identity(allow("dynamodb:GetItem", "*", { Condition: condition }))] },
    context,
    options,
  );
  return result.outcome === "Allowed" ? "true" : result.outcome === "Conditional" ? "unknown" : "false";
}

describe("Condition operators: String (IAM User Guide, Condition operators, String condition operators)", () => {
  it("StringEquals matches exactly and case-sensitively; StringNotEquals negates", () => {
    expect(
      check({ StringEquals: { "aws:PrincipalTag/team": "blue" } }, { "aws:PrincipalTag/team": "blue" }),
    ).to.equal("true");
    expect(
      check({ StringEquals: { "aws:PrincipalTag/team": "blue" } }, { "aws:PrincipalTag/team": "Blue" }),
    ).to.equal("false");
    expect(
      check({ StringNotEquals: { "aws:PrincipalTag/team": "blue" } }, { "aws:PrincipalTag/team": "Blue" }),
    ).to.equal("true");
    expect(
      check({ StringNotEquals: { "aws:PrincipalTag/team": "blue" } }, { "aws:PrincipalTag/team": "blue" }),
    ).to.equal("false");
  });

  it("StringEqualsIgnoreCase and StringNotEqualsIgnoreCase ignore case", () => {
    expect(
      check(
        { StringEqualsIgnoreCase: { "aws:PrincipalTag/team": "BLUE" } },
        { "aws:PrincipalTag/team": "blue" },
      ),
    ).to.equal("true");
    expect(
      check(
        { StringNotEqualsIgnoreCase: { "aws:PrincipalTag/team": "BLUE" } },
        { "aws:PrincipalTag/team": "blue" },
      ),
    ).to.equal("false");
  });

  it("StringLike takes * and ? anywhere, case-sensitively; StringNotLike negates", () => {
    expect(
      check({ StringLike: { "s3:prefix": "home/*/docs" } }, { "s3:prefix": "home/alice/docs" }),
    ).to.equal("true");
    expect(check({ StringLike: { "s3:prefix": "home/?" } }, { "s3:prefix": "home/a" })).to.equal("true");
    expect(check({ StringLike: { "s3:prefix": "home/?" } }, { "s3:prefix": "home/ab" })).to.equal("false");
    expect(check({ StringLike: { "s3:prefix": "Home/*" } }, { "s3:prefix": "home/a" })).to.equal("false");
    expect(check({ StringNotLike: { "s3:prefix": "home/*" } }, { "s3:prefix": "tmp/a" })).to.equal("true");
  });

  it("StringEquals does not read * as a wildcard", () => {
    expect(check({ StringEquals: { "s3:prefix": "home/*" } }, { "s3:prefix": "home/a" })).to.equal("false");
    expect(check({ StringEquals: { "s3:prefix": "home/*" } }, { "s3:prefix": "home/*" })).to.equal("true");
  });
});

describe("Condition operators: several values, keys and operators (Creating a condition with multiple keys or values)", () => {
  it("ORs the values of one key", () => {
    expect(
      check(
        { StringEquals: { "aws:PrincipalTag/team": ["red", "blue"] } },
        { "aws:PrincipalTag/team": "blue" },
      ),
    ).to.equal("true");
  });

  it("ANDs the values of a negated operator: the request must match none", () => {
    // "if there are multiple aws:PrincipalAccount values in a StringNotEquals condition operator, the
    // string cannot match any of the aws:PrincipalAccount values listed to resolve the condition to true".
    const condition = { StringNotEquals: { "aws:PrincipalAccount": ["111111111111", "222222222222"] } };
    expect(check(condition, { "aws:PrincipalAccount": "222222222222" })).to.equal("false");
    expect(check(condition, { "aws:PrincipalAccount": "333333333333" })).to.equal("true");
  });

  it("ANDs keys and operators", () => {
    const condition = {
      StringEqualsIgnoreCase: {
        "aws:PrincipalTag/department": ["finance", "hr"],
        "aws:PrincipalTag/role": "audit",
      },
      StringEquals: { "aws:PrincipalAccount": "123456789012" },
    };
    const context = {
      "aws:PrincipalTag/department": "HR",
      "aws:PrincipalTag/role": "audit",
      "aws:PrincipalAccount": "123456789012",
    };
    expect(check(condition, context)).to.equal("true");
    expect(check(condition, { ...context, "aws:PrincipalAccount": "999999999999" })).to.equal("false");
    expect(check(condition, { ...context, "aws:PrincipalTag/role": "admin" })).to.equal("false");
  });

  it('reads condition key names case-insensitively (Variables and tags: "Key names are case-insensitive")', () => {
    expect(check({ StringEquals: { "AWS:UserName": "alice" } }, { "aws:username": "alice" })).to.equal(
      "true",
    );
  });
});

describe("Condition operators: a key absent from the request context (Condition operators, Important)", () => {
  it("is false for a positive operator and true for a negated one", () => {
    expect(check({ StringEquals: { "aws:PrincipalTag/team": "blue" } })).to.equal("false");
    expect(check({ StringNotLike: { "aws:PrincipalTag/team": "blue" } })).to.equal("true");
    expect(check({ ArnNotLike: { "aws:SourceArn": "arn:aws:sns:*:*:topic" } })).to.equal("true");
    expect(check({ NumericLessThan: { "s3:max-keys": "10" } })).to.equal("false");
  });

  it("...IfExists is true when the key is absent, and tests the value when present", () => {
    // "If the key is not present, evaluate the condition element as true."
    expect(check({ StringLikeIfExists: { "ec2:InstanceType": "t2.*" } })).to.equal("true");
    expect(
      check({ StringLikeIfExists: { "ec2:InstanceType": "t2.*" } }, { "ec2:InstanceType": "m5.large" }),
    ).to.equal("false");
    expect(
      check({ StringLikeIfExists: { "ec2:InstanceType": "t2.*" } }, { "ec2:InstanceType": "t2.micro" }),
    ).to.equal("true");
  });

  it("Null tests presence: true means absent, false present (Condition operator to check existence of condition keys)", () => {
    expect(check({ Null: { "aws:TokenIssueTime": "true" } })).to.equal("true");
    expect(
      check({ Null: { "aws:TokenIssueTime": "true" } }, { "aws:TokenIssueTime": "2024-01-01T00:00:00Z" }),
    ).to.equal("false");
    expect(
      check({ Null: { "aws:TokenIssueTime": "false" } }, { "aws:TokenIssueTime": "2024-01-01T00:00:00Z" }),
    ).to.equal("true");
    expect(check({ Null: { "aws:TokenIssueTime": false } })).to.equal("false");
  });
});

describe("Condition operators: Numeric (Numeric condition operators)", () => {
  const n = (operator: string, policy: string, request: string) =>
    check({ [operator]: { "s3:max-keys": policy } }, { "s3:max-keys": request });

  it("compares integers and decimals", () => {
    expect(n("NumericEquals", "10", "10.0")).to.equal("true");
    expect(n("NumericNotEquals", "10", "11")).to.equal("true");
    expect(n("NumericLessThan", "10", "9.5")).to.equal("true");
    expect(n("NumericLessThan", "10", "10")).to.equal("false");
    expect(n("NumericLessThanEquals", "10", "10")).to.equal("true");
    expect(n("NumericGreaterThan", "10", "11")).to.equal("true");
    expect(n("NumericGreaterThanEquals", "10", "9")).to.equal("false");
  });

  it("does not match a value that is not a number", () => {
    expect(n("NumericEquals", "10", "ten")).to.equal("false");
  });
});

describe("Condition operators: Date (Date condition operators)", () => {
  const d = (operator: string, policy: string, request: string, key = "aws:CurrentTime") =>
    check({ [operator]: { [key]: policy } }, { [key]: request });

  it("compares ISO 8601 dates and times", () => {
    expect(d("DateGreaterThan", "2020-01-01T00:00:01Z", "2020-06-01T00:00:00Z")).to.equal("true");
    expect(d("DateLessThan", "2020-01-01T00:00:01Z", "2020-06-01T00:00:00Z")).to.equal("false");
    expect(d("DateEquals", "2020-01-01", "2020-01-01T00:00:00Z")).to.equal("true");
    expect(d("DateNotEquals", "2020-01-01", "2020-01-02")).to.equal("true");
    expect(d("DateLessThanEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z")).to.equal("true");
    expect(d("DateGreaterThanEquals", "2020-01-01T00:00:00+01:00", "2020-01-01T00:00:00Z")).to.equal("true");
  });

  it("reads epoch time in seconds, as aws:EpochTime carries it (AWS global condition context keys)", () => {
    expect(d("DateGreaterThan", "1577836800", "2020-01-01T00:00:01Z")).to.equal("true");
    expect(d("DateLessThan", "2020-01-02T00:00:00Z", "1577836800", "aws:EpochTime")).to.equal("true");
  });
});

describe("Condition operators: Bool and BinaryEquals (Boolean and Binary condition operators)", () => {
  it("Bool compares true and false, as text or JSON booleans", () => {
    expect(check({ Bool: { "aws:SecureTransport": "false" } }, { "aws:SecureTransport": "false" })).to.equal(
      "true",
    );
    expect(check({ Bool: { "aws:SecureTransport": false } }, { "aws:SecureTransport": "false" })).to.equal(
      "true",
    );
    expect(check({ Bool: { "aws:SecureTransport": "true" } }, { "aws:SecureTransport": "false" })).to.equal(
      "false",
    );
    expect(check({ Bool: { "aws:SecureTransport": "true" } }, { "aws:SecureTransport": "yes" })).to.equal(
      "false",
    );
  });

  it("BinaryEquals compares the bytes a base-64 value encodes", () => {
    expect(
      check(
        { BinaryEquals: { "my:key": "QmluYXJ5VmFsdWVJbkJhc2U2NA==" } },
        { "my:key": "QmluYXJ5VmFsdWVJbkJhc2U2NA==" },
      ),
    ).to.equal("true");
    expect(
      check({ BinaryEquals: { "my:key": "QmluYXJ5VmFsdWVJbkJhc2U2NA==" } }, { "my:key": "QmluYXJ5" }),
    ).to.equal("false");
  });
});

describe("Condition operators: IpAddress and NotIpAddress (IP address condition operators)", () => {
  const ip = (operator: string, policy: string | string[], request: string) =>
    check({ [operator]: { "aws:SourceIp": policy } }, { "aws:SourceIp": request });

  it("matches IPv4 CIDR ranges, a bare address meaning /32", () => {
    expect(ip("IpAddress", "203.0.113.0/24", "203.0.113.77")).to.equal("true");
    expect(ip("IpAddress", "203.0.113.0/24", "203.0.114.1")).to.equal("false");
    expect(ip("IpAddress", "203.0.113.5", "203.0.113.5")).to.equal("true");
    expect(ip("IpAddress", "203.0.113.5", "203.0.113.6")).to.equal("false");
    expect(ip("IpAddress", "0.0.0.0/0", "8.8.8.8")).to.equal("true");
  });

  it("matches IPv6 ranges with :: and a list mixing both families", () => {
    const ranges = ["203.0.113.0/24", "2001:DB8:1234:5678::/64"];
    expect(ip("IpAddress", ranges, "2001:db8:1234:5678:abcd::1")).to.equal("true");
    expect(ip("IpAddress", ranges, "2001:db8:1234:5679::1")).to.equal("false");
    expect(ip("IpAddress", ranges, "203.0.113.9")).to.equal("true");
  });

  it("NotIpAddress matches addresses outside every range", () => {
    expect(ip("NotIpAddress", ["10.0.0.0/8", "192.168.0.0/16"], "203.0.113.9")).to.equal("true");
    expect(ip("NotIpAddress", ["10.0.0.0/8", "192.168.0.0/16"], "10.1.2.3")).to.equal("false");
  });
});

describe("Condition operators: ARN (Amazon Resource Name condition operators)", () => {
  const value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";

  it("matches each of the six parts separately: the page's own example, where StringLike matches and ArnLike does not", () => {
    const pattern = "arn:aws:someservice:*:111122223333:finance/*";
    expect(check({ StringLike: { "aws:SourceArn": pattern } }, { "aws:SourceArn": value })).to.equal("true");
    expect(check({ ArnLike: { "aws:SourceArn": pattern } }, { "aws:SourceArn": value })).to.equal("false");
  });

  it("ArnEquals and ArnLike behave identically, wildcards included; ArnNotEquals and ArnNotLike negate", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:alerts";
    for (const operator of ["ArnEquals", "ArnLike"]) {
      expect(
        check(
          { [operator]: { "aws:SourceArn": "arn:aws:sns:*:123456789012:*" } },
          { "aws:SourceArn": topic },
        ),
      ).to.equal("true");
      expect(
        check(
          { [operator]: { "aws:SourceArn": "arn:aws:sns:*:123456789012:Alerts" } },
          { "aws:SourceArn": topic },
        ),
      ).to.equal("false");
    }
    for (const operator of ["ArnNotEquals", "ArnNotLike"]) {
      expect(
        check({ [operator]: { "aws:SourceArn": "arn:aws:sns:*:*:other" } }, { "aws:SourceArn": topic }),
      ).to.equal("true");
      expect(check({ [operator]: { "aws:SourceArn": topic } }, { "aws:SourceArn": topic })).to.equal("false");
    }
  });
});

describe("Condition set operators (Creating a condition with multiple keys or values)", () => {
  const attributes = {
    "ForAllValues:StringEquals": { "dynamodb:Attributes": ["PostDateTime", "Message", "Tags"] },
  };

  it("ForAllValues: every request value must match a policy value (the page's Thread table example)", () => {
    expect(check(attributes, { "dynamodb:Attributes": ["Message", "Tags"] })).to.equal("true");
    expect(check(attributes, { "dynamodb:Attributes": ["PostDateTime", "UserName"] })).to.equal("false");
  });

  it("ForAllValues is true for an absent key and for a null data set (an empty list, an empty string)", () => {
    expect(check(attributes)).to.equal("true");
    expect(check(attributes, { "dynamodb:Attributes": [] })).to.equal("true");
    expect(check(attributes, { "dynamodb:Attributes": [""] })).to.equal("true");
  });

  it("ForAnyValue: one request value matching one policy value is enough; false for an absent key or an empty list", () => {
    const forbidden = { "ForAnyValue:StringEquals": { "dynamodb:Attributes": ["ID", "PostDateTime"] } };
    expect(check(forbidden, { "dynamodb:Attributes": ["Message", "ID"] })).to.equal("true");
    expect(check(forbidden, { "dynamodb:Attributes": ["Message"] })).to.equal("false");
    expect(check(forbidden)).to.equal("false");
    expect(check(forbidden, { "dynamodb:Attributes": [] })).to.equal("false");
  });

  it("with a negated operator, ForAllValues needs every request value outside the set, ForAnyValue one", () => {
    const context = { "aws:TagKeys": ["env", "owner"] };
    expect(check({ "ForAllValues:StringNotEquals": { "aws:TagKeys": ["secret"] } }, context)).to.equal(
      "true",
    );
    expect(check({ "ForAllValues:StringNotEquals": { "aws:TagKeys": ["owner"] } }, context)).to.equal(
      "false",
    );
    expect(check({ "ForAnyValue:StringNotEquals": { "aws:TagKeys": ["owner"] } }, context)).to.equal("true");
    expect(check({ "ForAnyValue:StringNotEquals": { "aws:TagKeys": ["env", "owner"] } }, context)).to.equal(
      "false",
    );
  });

  it("ForAnyValue with IfExists is true for an absent key (Condition operators, ...IfExists)", () => {
    expect(check({ "ForAnyValue:StringEqualsIfExists": { "aws:TagKeys": ["env"] } })).to.equal("true");
  });

  it("a set operator reads a single-valued key as a set of one", () => {
    expect(
      check({ "ForAnyValue:StringLike": { "aws:username": "al*" } }, { "aws:username": "alice" }),
    ).to.equal("true");
  });

  it("a plain operator on a key holding several values is false: multivalued keys need a set operator (Single-valued vs. multivalued condition keys)", () => {
    expect(check({ StringEquals: { "aws:TagKeys": "env" } }, { "aws:TagKeys": ["env", "owner"] })).to.equal(
      "false",
    );
    expect(check({ StringNotEquals: { "aws:TagKeys": "x" } }, { "aws:TagKeys": ["env"] })).to.equal("false");
  });
});

describe("kms:EncryptionContext:context-key (KMS Developer Guide, AWS KMS condition keys)", () => {
  it("is a key like any other, its whole name case-insensitive, its value compared by the operator", () => {
    // "the condition key, which consists of the kms:EncryptionContext: prefix and the context-key
    // replacement, is not case sensitive".
    const condition = { StringEquals: { "kms:EncryptionContext:aws:dynamodb:tableName": "orders" } };
    expect(check(condition, { "kms:encryptioncontext:AWS:DynamoDB:TableName": "orders" })).to.equal("true");
    expect(check(condition, { "kms:EncryptionContext:aws:dynamodb:tableName": "Orders" })).to.equal("false");
    expect(
      check(
        { StringEqualsIgnoreCase: { "kms:EncryptionContext:AppName": "examplee" } },
        { "kms:EncryptionContext:appname": "ExampleE" },
      ),
    ).to.equal("true");
  });
});

describe("Three-valued conditions: a key the context leaves UNKNOWN", () => {
  it("makes every operator unknown, Null and IfExists included", () => {
    const unknown: ContextRecord = { "dynamodb:LeadingKeys": UNKNOWN };
    expect(check({ "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": "a" } }, unknown)).to.equal(
      "unknown",
    );
    expect(check({ StringNotEqualsIfExists: { "dynamodb:LeadingKeys": "a" } }, unknown)).to.equal("unknown");
    expect(check({ Null: { "dynamodb:LeadingKeys": "true" } }, unknown)).to.equal("unknown");
  });

  it("stays false when another condition of the statement is false (Kleene AND)", () => {
    const condition = {
      StringEquals: { "dynamodb:Select": "SPECIFIC_ATTRIBUTES", "aws:username": "bob" },
    };
    expect(check(condition, { "aws:username": "alice" }, { unknown: ["dynamodb:*"] })).to.equal("false");
    expect(check(condition, { "aws:username": "bob" }, { unknown: ["dynamodb:*"] })).to.equal("unknown");
  });
});
