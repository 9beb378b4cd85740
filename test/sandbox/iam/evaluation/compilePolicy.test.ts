/**
 * compilePolicy: the checks IAM, KMS and Organizations make before they store a policy, with AWS's
 * wording (IAM User Guide, "IAM Access Analyzer policy check reference", whose findings name each error),
 * and the compiled matching of Action and Resource.
 */
import { expect } from "chai";
import {
  compilePolicy,
  MalformedPolicyDocumentError,
  type PolicyKind,
} from "../../../../sandbox/iam/evaluation";
import { A, ALICE, KEY, ROOT_A, TABLE, allow, ask, identity, outcome, policy } from "./helpers";

function refusal(document: unknown, kind: PolicyKind = "identity"): MalformedPolicyDocumentError {
  try {
    compilePolicy(document, "p", kind);
  } catch (error) {
    expect(error).to.be.instanceOf(MalformedPolicyDocumentError);
    return error as MalformedPolicyDocumentError;
  }
  throw new Error("the policy was accepted");
}

const ok = { Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" };
const okResource = { Effect: "Allow", Principal: { AWS: ROOT_A }, Action: "kms:*", Resource: "*" };

describe("compilePolicy: document structure (IAM User Guide, IAM JSON policy elements reference)", () => {
  it("takes Statement as one object or as a list, and JSON text or a parsed document", () => {
    expect(
      compilePolicy({ Version: "2012-10-17", Statement: ok }, "p", "identity").core.statements,
    ).to.have.length(1);
    expect(
      compilePolicy(JSON.stringify({ Statement: [ok, ok] }), "p", "identity").core.statements,
    ).to.have.length(2);
  });

  it("refuses text that is not JSON (Access Analyzer: Json syntax error)", () => {
    const error = refusal("{ not json");
    expect(error.message).to.equal("Fix the JSON syntax error.");
    expect(error.code).to.equal("MalformedPolicyDocument");
  });

  it("refuses a policy without statements (Access Analyzer: Missing statement)", () => {
    expect(refusal({ Version: "2012-10-17" }).message).to.equal("Add a statement to the policy");
    expect(refusal({ Version: "2012-10-17", Statement: [] }).message).to.equal(
      "Add a statement to the policy",
    );
  });

  it("knows Versions 2008-10-17 and 2012-10-17 only (IAM JSON policy elements: Version; Access Analyzer: Invalid version)", () => {
    expect(refusal({ Version: "2020-01-01", Statement: ok }).message).to.equal(
      "The version 2020-01-01 is not valid. Use one of the following versions: 2008-10-17, 2012-10-17",
    );
    expect(() => compilePolicy({ Version: "2008-10-17", Statement: ok }, "p", "identity")).not.to.throw();
  });

  it("refuses an unknown element (Access Analyzer: Invalid policy element)", () => {
    expect(refusal({ Statement: ok, Foo: 1 }).message).to.equal("The policy element Foo is not valid.");
    const error = refusal({ Statement: [ok, { ...ok, Actions: "s3:*" }] });
    expect(error.message).to.equal("The policy element Actions is not valid.");
    expect(error.location).to.equal("Statement[2].Actions");
  });
});

describe("compilePolicy: statements (Access Analyzer policy check reference)", () => {
  it("requires Effect Allow or Deny (Missing effect, Invalid effect)", () => {
    expect(refusal({ Statement: { Action: "s3:*", Resource: "*" } }).message).to.equal(
      "Add an Effect element to the policy statement with a value of Allow or Deny.",
    );
    const error = refusal({ Statement: { ...ok, Effect: "allow" } });
    expect(error.message).to.equal("The effect allow is not valid. Use Allow or Deny.");
    expect(error.location).to.equal("Statement[1].Effect");
  });

  it("requires Action or NotAction, not both (Missing action, Unsupported element combination)", () => {
    expect(refusal({ Statement: { Effect: "Allow", Resource: "*" } }).message).to.equal(
      "Add an Action or NotAction element to the policy statement.",
    );
    expect(refusal({ Statement: { ...ok, NotAction: "s3:*" } }).message).to.equal(
      "The policy elements Action and NotAction can not be used in the same statement. Remove one of these elements.",
    );
  });

  it("requires a service prefix in actions", () => {
    expect(refusal({ Statement: { ...ok, Action: "GetItem" } }).message).to.equal(
      "The action GetItem does not exist.",
    );
  });

  it("requires Resource or NotResource in identity-based policies (Missing resource)", () => {
    expect(refusal({ Statement: { Effect: "Allow", Action: "s3:*" } }).message).to.equal(
      "Add a Resource or NotResource element to the policy statement.",
    );
    expect(refusal({ Statement: { ...ok, NotResource: TABLE } }).message).to.equal(
      "The policy elements Resource and NotResource can not be used in the same statement. Remove one of these elements.",
    );
  });

  it("takes SCP statements without Resource (Organizations User Guide, SCP syntax: Resource for Deny only)", () => {
    expect(() =>
      compilePolicy({ Statement: { Effect: "Allow", Action: "*" } }, "FullAWSAccess", "scp"),
    ).not.to.throw();
  });

  it("checks resource ARNs (Invalid ARN prefix, Missing ARN field)", () => {
    expect(refusal({ Statement: { ...ok, Resource: "table/orders" } }).message).to.equal(
      "Add the required prefix (arn) to the resource ARN.",
    );
    expect(refusal({ Statement: { ...ok, Resource: "arn:aws:dynamodb:us-east-1" } }).message).to.equal(
      "Resource ARNs must include at least 6 fields in the following structure: arn:partition:service:region:account:resource",
    );
  });

  it("takes only letters and digits in the Sid of an identity-based policy (Unsupported Sid), any text in a key policy", () => {
    expect(refusal({ Statement: { ...ok, Sid: "Allow reads" } }).message).to.equal(
      "Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9]",
    );
    expect(() =>
      compilePolicy(
        { Statement: { ...okResource, Sid: "Enable IAM User Permissions" } },
        "key policy",
        "kms-key",
      ),
    ).not.to.throw();
  });

  it("refuses duplicate Sids in an identity-based policy (Unique Sids required)", () => {
    expect(
      refusal({
        Statement: [
          { ...ok, Sid: "A" },
          { ...ok, Sid: "A" },
        ],
      }).message,
    ).to.equal("Duplicate statement IDs are not supported for this policy type. Update the Sid value.");
  });
});

describe("compilePolicy: Principal and NotPrincipal (IAM User Guide, AWS JSON policy elements: Principal, NotPrincipal)", () => {
  it("refuses Principal in identity-based policies (Unsupported principal)", () => {
    expect(refusal({ Statement: { ...ok, Principal: "*" } }).message).to.equal(
      "The policy type IDENTITY_POLICY does not support the Principal element. Remove the Principal element.",
    );
  });

  it("refuses principals in SCPs (SCP syntax error principal)", () => {
    expect(refusal({ Statement: { ...ok, Principal: "*" } }, "scp").message).to.equal(
      "SCPs do not support specifying principals. Remove the Principal or NotPrincipal element.",
    );
  });

  it("requires a principal in resource-based policies (Missing principal)", () => {
    expect(refusal({ Statement: ok }, "resource").message).to.equal(
      "Add a Principal element to the policy statement.",
    );
  });

  it("refuses NotPrincipal and Resource in a role trust policy", () => {
    expect(
      refusal(
        { Statement: { Effect: "Deny", NotPrincipal: { AWS: ALICE }, Action: "sts:AssumeRole" } },
        "role-trust",
      ).message,
    ).to.equal(
      "Role trust policies do not support NotPrincipal. Update the policy to use a Principal element instead.",
    );
    expect(
      refusal(
        {
          Statement: { Effect: "Allow", Principal: { AWS: ALICE }, Action: "sts:AssumeRole", Resource: "*" },
        },
        "role-trust",
      ).message,
    ).to.equal(
      "Role trust policies apply to the role that they are attached to. You cannot specify a resource. Remove the Resource or NotResource element.",
    );
  });

  it("refuses an unknown principal key and partial wildcards (Invalid principal key; Unsupported wildcard in principal)", () => {
    expect(
      refusal({ Statement: { ...okResource, Principal: { User: ALICE } } }, "resource").message,
    ).to.equal("The principal key User is not valid.");
    // "You cannot use a wildcard to match part of a principal name or ARN" (Principal).
    expect(
      refusal({ Statement: { ...okResource, Principal: { AWS: `arn:aws:iam::${A}:user/*` } } }, "resource")
        .message,
    ).to.equal(
      "Wildcards (*, ?) are not supported with the principal key AWS. Replace the wildcard with a valid principal value.",
    );
  });

  it("answers KMS's MalformedPolicyDocumentException for an invalid principal in a key policy (KMS API reference, PutKeyPolicy)", () => {
    const error = refusal({ Statement: { ...okResource, Principal: { AWS: "not-a-principal" } } }, "kms-key");
    expect(error.code).to.equal("MalformedPolicyDocumentException");
    expect(error.message).to.equal("Policy contains a statement with one or more invalid principals.");
  });

  it('takes RCP statements with Principal "*" only (Organizations User Guide, RCP syntax)', () => {
    expect(() =>
      policy("rcp", "rcp", { Effect: "Deny", Principal: "*", Action: "kms:*", Resource: "*" }),
    ).not.to.throw();
    expect(() =>
      compilePolicy(
        { Statement: { Effect: "Deny", Principal: { AWS: ROOT_A }, Action: "kms:*", Resource: "*" } },
        "r",
        "rcp",
      ),
    ).to.throw(MalformedPolicyDocumentError);
  });
});

describe("compilePolicy: Condition element (IAM User Guide, Condition operators; Access Analyzer checks)", () => {
  it("refuses an unknown operator (Invalid condition operator) and Null with IfExists (Null with if exists)", () => {
    expect(
      refusal({ Statement: { ...ok, Condition: { StringEqualz: { "aws:username": "a" } } } }).message,
    ).to.equal("The condition operator StringEqualz is not valid. Use a valid condition operator.");
    expect(
      refusal({ Statement: { ...ok, Condition: { NullIfExists: { "aws:username": "true" } } } }).message,
    ).to.equal(
      "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix.",
    );
  });

  it("refuses a key without a service prefix (Invalid condition key format)", () => {
    expect(
      refusal({ Statement: { ...ok, Condition: { StringEquals: { username: "a" } } } }).message,
    ).to.equal("The condition key format is not valid. Use the format service:keyname.");
  });

  it("refuses one key twice with different capitalization (Duplicate keys with different case)", () => {
    expect(
      refusal({
        Statement: { ...ok, Condition: { StringEquals: { "aws:username": "a", "AWS:UserName": "b" } } },
      }).message,
    ).to.equal(
      "The condition key AWS:UserName appears more than once with different capitalization in the same condition block. Remove the duplicate condition keys.",
    );
  });

  it("refuses values of mixed JSON types (Invalid condition data type)", () => {
    expect(
      refusal({ Statement: { ...ok, Condition: { StringEquals: { "aws:username": ["a", 1] } } } }).message,
    ).to.equal(
      "The condition value data types do not match. Use condition values of the same JSON data type.",
    );
  });
});

describe("compilePolicy: compiled once, shared by content", () => {
  it("gives two copies of the same text one core, each keeping its own name", () => {
    const first = compilePolicy({ Statement: ok }, "inline:one", "identity");
    const second = compilePolicy(JSON.stringify({ Statement: ok }), "inline:two", "identity");
    expect(first.core).to.equal(second.core);
    expect(ask(ALICE, "dynamodb:GetItem", TABLE, { identity: [second] }).statements[0].policy).to.equal(
      "inline:two",
    );
  });
});

describe("Action matching (IAM User Guide, IAM JSON policy elements: Action, NotAction)", () => {
  it("matches the prefix and the action name case-insensitively, with * and ?", () => {
    expect(
      outcome(ALICE, "DynamoDB:getitem", TABLE, { identity: [identity(allow("dynamodb:GetItem"))] }),
    ).to.equal("Allowed");
    expect(
      outcome(ALICE, "dynamodb:GetItem", TABLE, { identity: [identity(allow("dynamodb:Get*"))] }),
    ).to.equal("Allowed");
    expect(
      outcome(ALICE, "dynamodb:GetItem", TABLE, { identity: [identity(allow("dynamodb:?etItem"))] }),
    ).to.equal("Allowed");
    expect(
      outcome(ALICE, "dynamodb:BatchGetItem", TABLE, { identity: [identity(allow("dynamodb:?etItem"))] }),
    ).to.equal("ImplicitlyDenied");
    expect(outcome(ALICE, "kms:Decrypt", TABLE, { identity: [identity(allow("dynamodb:*"))] })).to.equal(
      "ImplicitlyDenied",
    );
    expect(outcome(ALICE, "kms:Decrypt", TABLE, { identity: [identity(allow("*"))] })).to.equal("Allowed");
  });

  it("NotAction matches every action but those listed, of every service", () => {
    const notDelete = identity({ Effect: "Allow", NotAction: "dynamodb:Delete*", Resource: "*" });
    expect(outcome(ALICE, "dynamodb:DeleteItem", TABLE, { identity: [notDelete] })).to.equal(
      "ImplicitlyDenied",
    );
    expect(outcome(ALICE, "dynamodb:PutItem", TABLE, { identity: [notDelete] })).to.equal("Allowed");
    expect(outcome(ALICE, "kms:Decrypt", KEY, { identity: [notDelete] })).to.equal("Allowed");
  });
});

describe("Resource matching (IAM User Guide, IAM JSON policy elements: Resource, NotResource)", () => {
  const tableIn = (resource: string, arn: string) =>
    outcome(ALICE, "dynamodb:GetItem", arn, { identity: [identity(allow("dynamodb:GetItem", resource))] });

  it("matches each ARN part on its own: a wildcard within a part does not cross a colon", () => {
    expect(tableIn(`arn:aws:dynamodb:*:${A}:table/orders`, TABLE)).to.equal("Allowed");
    expect(tableIn(`arn:aws:dynamodb:us-*:${A}:table/*`, TABLE)).to.equal("Allowed");
    // As a string pattern this would match (the * taking "dynamodb:us-east-1"); as an ARN its parts are
    // partition aws, service *, region 111122223333, account table/*, and the missing resource part *.
    expect(tableIn(`arn:aws:*:${A}:table/*`, TABLE)).to.equal("ImplicitlyDenied");
    expect(tableIn(`arn:aws:*:*:${A}:table/*`, TABLE)).to.equal("Allowed");
  });

  it("lets * in the resource part match anything, slashes and colons included", () => {
    expect(tableIn(`arn:aws:dynamodb:us-east-1:${A}:*`, `${TABLE}/index/byDate`)).to.equal("Allowed");
    expect(
      tableIn(`arn:aws:dynamodb:us-east-1:${A}:table/orders*`, `${TABLE}/stream/2024-01-01T00:00:00.000`),
    ).to.equal("Allowed");
    expect(tableIn(`arn:aws:dynamodb:us-east-1:${A}:table/ord?rs`, TABLE)).to.equal("Allowed");
  });

  it("compares the resource part case-sensitively", () => {
    expect(tableIn(`arn:aws:dynamodb:us-east-1:${A}:table/Orders`, TABLE)).to.equal("ImplicitlyDenied");
  });

  it("NotResource matches every resource but those listed", () => {
    const allButOrders = identity({ Effect: "Allow", Action: "dynamodb:*", NotResource: TABLE });
    expect(outcome(ALICE, "dynamodb:GetItem", TABLE, { identity: [allButOrders] })).to.equal(
      "ImplicitlyDenied",
    );
    expect(
      outcome(ALICE, "dynamodb:GetItem", TABLE.replace("orders", "audit"), { identity: [allButOrders] }),
    ).to.equal("Allowed");
  });

  it('"*" is the only pattern that covers an action without a resource', () => {
    expect(
      outcome(ALICE, "dynamodb:ListTables", "*", {
        identity: [identity(allow("dynamodb:ListTables", TABLE))],
      }),
    ).to.equal("ImplicitlyDenied");
    expect(
      outcome(ALICE, "dynamodb:ListTables", "*", { identity: [identity(allow("dynamodb:ListTables"))] }),
    ).to.equal("Allowed");
  });
});
