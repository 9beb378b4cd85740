import { expect } from "chai";
import { formatCheckTable, summaryLine } from "../../checks/format";
import type { CheckReport } from "../../checks/types";

const KMS_ERROR =
  "AccessDeniedException: KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: …";

describe("checks: the table", () => {
  const report: CheckReport = {
    ok: false,
    results: [
      {
        user: "app-user",
        principalKind: "user",
        operation: "PutItem",
        expected: "allowed",
        actual: "allowed",
        detail: "id=kms-dynamodb-check/1/0",
      },
      {
        user: "kms-test-user",
        principalKind: "user",
        operation: "DescribeTable",
        expected: "allowed",
        actual: "allowed",
        detail: "ACTIVE, SSE ENABLED KMS",
      },
      {
        user: "kms-test-user",
        principalKind: "user",
        operation: "GetItem",
        expected: "allowed",
        actual: "denied-by-kms",
        stoppedBy: "kms",
        error: KMS_ERROR,
      },
    ],
  };

  it("marks every row, and only the wrong cells with ✗", () => {
    const rows = formatCheckTable(report).split("\n").slice(2, 5);
    expect(rows.map((row) => row.slice(0, 1))).to.deep.equal(["✓", "✓", "✗"]);
    expect(rows[2]).to.match(
      /^✗\s+kms-test-user\s+GetItem\s+allowed\s+denied-by-kms\s+AccessDeniedException: KMS key access denied/,
    );
  });

  it("explains each wrong cell: the intent behind the expectation and what AWS answered", () => {
    const text = formatCheckTable(report);
    expect(text).to.include("Did not match:");
    expect(text).to.include(
      "✗ kms-test-user GetItem: expected allowed (its dynamodbAccess and keyUser allow it), got denied-by-kms",
    );
    expect(text).to.include(`    ${KMS_ERROR}`);
  });

  it("ends with a summary line naming the wrong cells", () => {
    expect(formatCheckTable(report).split("\n").pop()).to.equal(
      "✗ 1 of 3 checks did not match the stack's intent: kms-test-user GetItem",
    );
    expect(summaryLine({ ok: true, results: report.results.slice(0, 2) })).to.equal(
      "✓ all 2 checks matched the stack's intent (2 users)",
    );
  });
});
