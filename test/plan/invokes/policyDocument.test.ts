/**
 * aws.iam.getPolicyDocument as the provider computes it (Terraform AWS provider, data source
 * `aws_iam_policy_document`: its registry docs, "Example Usage", "Example Multiple Condition Keys and
 * Values", "Example Using A Source Document", "Example Using An Override Document"; its documented
 * argument defaults). The expected texts are the provider's output format: two-space indented JSON,
 * `Sid` always present, sets collapsed to a string when single and sorted in reverse otherwise.
 */
import { expect } from "chai";
import { getPolicyDocument, PolicyDocumentError } from "../../../plan/invokes/policyDocument";

const doc = (args: Record<string, unknown>) => JSON.parse(getPolicyDocument(args).json as string);

describe("getPolicyDocument", () => {
  it("writes a trust policy as the provider does: default version and effect, empty Sid, single values as strings", () => {
    const result = getPolicyDocument({
      statements: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["appsync.amazonaws.com"] }],
        },
      ],
    });
    expect(result.json).to.equal(
      [
        "{",
        '  "Version": "2012-10-17",',
        '  "Statement": [',
        "    {",
        '      "Sid": "",',
        '      "Effect": "Allow",',
        '      "Action": "sts:AssumeRole",',
        '      "Principal": {',
        '        "Service": "appsync.amazonaws.com"',
        "      }",
        "    }",
        "  ]",
        "}",
      ].join("\n"),
    );
    expect(result.minifiedJson).to.equal(
      '{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"appsync.amazonaws.com"}}]}',
    );
    expect(result.id).to.match(/^\d+$/);
  });

  it("deduplicates sets and sorts them in reverse; keeps condition values in order", () => {
    const [statement] = doc({
      statements: [
        {
          sid: "Items",
          effect: "Deny",
          actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:GetItem"],
          resources: ["arn:b", "arn:a"],
          principals: [
            { type: "AWS", identifiers: ["arn:aws:iam::1:root", "arn:aws:iam::2:root"] },
            { type: "Service", identifiers: ["lambda.amazonaws.com"] },
          ],
          conditions: [
            { test: "StringLike", variable: "s3:prefix", values: ["home/", "home/&{aws:username}/"] },
            { test: "Bool", variable: "aws:SecureTransport", values: ["false"] },
          ],
        },
      ],
    }).Statement;
    expect(statement).to.deep.equal({
      Sid: "Items",
      Effect: "Deny",
      Action: ["dynamodb:PutItem", "dynamodb:GetItem"],
      Resource: ["arn:b", "arn:a"],
      Principal: { AWS: ["arn:aws:iam::2:root", "arn:aws:iam::1:root"], Service: "lambda.amazonaws.com" },
      Condition: {
        Bool: { "aws:SecureTransport": "false" },
        StringLike: { "s3:prefix": ["home/", "home/${aws:username}/"] },
      },
    });
  });

  it('prints a principal of type "*" with identifier "*" as "*"', () => {
    const [statement] = doc({
      statements: [{ actions: ["s3:GetObject"], principals: [{ type: "*", identifiers: ["*"] }] }],
    }).Statement;
    expect(statement.Principal).to.equal("*");
  });

  it("merges source documents first and override documents last, by Sid", () => {
    const source = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "Keep", Effect: "Allow", Action: "s3:ListBucket", Resource: "*" },
        { Sid: "Replace", Effect: "Allow", Action: "s3:*", Resource: "*" },
      ],
    });
    const override = JSON.stringify({
      Statement: [
        { Sid: "Replace", Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" },
        { Effect: "Allow", Action: "sqs:*", Resource: "*" },
      ],
    });
    const merged = doc({
      sourcePolicyDocuments: [source],
      statements: [{ sid: "Own", actions: ["kms:Decrypt"], resources: ["*"] }],
      overridePolicyDocuments: [override],
    });
    expect(
      merged.Statement.map((s: { Sid: string; Effect: string }) => `${s.Sid}:${s.Effect}`),
    ).to.deep.equal(["Keep:Allow", "Replace:Deny", "Own:Allow", ":Allow"]);
    expect(() =>
      getPolicyDocument({
        sourcePolicyDocuments: [source, JSON.stringify({ Statement: [{ Sid: "Keep" }] })],
      }),
    ).to.throw(PolicyDocumentError, "duplicate Sid (Keep) in source_policy_documents");
    expect(() => getPolicyDocument({ statements: [{ sid: "A" }, { sid: "A" }] })).to.throw(
      PolicyDocumentError,
      "duplicate Sid (A)",
    );
  });

  it("escapes <, > and & as Go's JSON encoder does", () => {
    const result = getPolicyDocument({
      statements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::a&b"] }],
    });
    expect(result.minifiedJson).to.contain("arn:aws:s3:::a\\u0026b");
  });
});
