import { expect } from "chai";
import { PolicyReport, formatPolicyReport } from "../../guard/report";

const TABLE_URN = "urn:pulumi:dev::shop::shop:data:Store$aws:dynamodb/table:Table::orders";

describe("policy guard report", () => {
  it("groups violations by resource, mandatory and advisory alike, and counts them", () => {
    const report: PolicyReport = {
      violations: [
        {
          policyName: "dynamodb-table-customer-managed-key",
          packName: "kms-dynamodb",
          urn: TABLE_URN,
          message: "Rule.\nFirst line.",
          enforcementLevel: "mandatory",
        },
        {
          policyName: "dynamodb-table-deletion-protection",
          packName: "kms-dynamodb",
          urn: TABLE_URN,
          message: "Advice.",
          enforcementLevel: "advisory",
        },
        {
          policyName: "some-stack-rule",
          packName: "kms-dynamodb",
          urn: "",
          message: "Whole stack.",
          enforcementLevel: "advisory",
        },
      ],
      mandatory: 1,
      advisory: 2,
    };
    expect(formatPolicyReport(report).split("\n")).to.deep.equal([
      "Policy Violations:",
      '    aws:dynamodb/table:Table "orders"',
      `        ${TABLE_URN}`,
      "        - [mandatory]  kms-dynamodb  dynamodb-table-customer-managed-key",
      "          Rule.",
      "          First line.",
      "        - [advisory]  kms-dynamodb  dynamodb-table-deletion-protection",
      "          Advice.",
      "    (the stack as a whole)",
      "        - [advisory]  kms-dynamodb  some-stack-rule",
      "          Whole stack.",
      "❌ 1 mandatory, 2 advisory violation(s) on 2 resource(s).",
    ]);
  });

  it("says so when there is nothing to report", () => {
    expect(formatPolicyReport({ violations: [], mandatory: 0, advisory: 0 })).to.equal(
      "Policies: no violations.",
    );
  });
});
