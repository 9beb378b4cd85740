/**
 * aws:UserAgent and aws:referer in the static proof: they come from the request's headers (IAM User Guide,
 * "AWS global condition context keys",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html: each "is
 * included in the request context only if the value was provided by the caller in an HTTP header"), which
 * a plan cannot show, so a cell whose decision reads one is conditional, naming the key, as the sandbox
 * decides it per request (test/sandbox/iam/requestHeaders.int.test.ts).
 */
import { expect } from "chai";
import { analyzePlan } from "../../access/analyze";
import { ACCOUNT_ID, buildStackPlan, REGION } from "../support/accessStacks";
import { setInput } from "../support/plan";
import { cellOf } from "../support/reportCells";

describe("access: request headers (aws:UserAgent, aws:referer)", function () {
  this.timeout(60_000);

  it("shows cells that read aws:UserAgent or aws:referer as conditional, naming the key", async () => {
    const plan = buildStackPlan({
      id: "uh",
      users: [{ access: "none", extras: ["allow-create-access-key"], withAccessKey: true }],
      keys: [],
      tables: [undefined],
    });
    const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/uh-t0`;
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "dynamodb:GetItem",
          Resource: table,
          Condition: { StringLike: { "aws:UserAgent": "*app/1.0*" } },
        },
        {
          Effect: "Allow",
          Action: "dynamodb:PutItem",
          Resource: table,
          Condition: { StringEquals: { "aws:referer": "https://app.example.com/" } },
        },
      ],
    });
    setInput(plan, "aws:iam/userPolicy:UserPolicy", "uh-u0", "policy", policy);
    const report = await analyzePlan(plan);
    const cell = (operation: string) =>
      cellOf(report, { principal: `arn:aws:iam::${ACCOUNT_ID}:user/uh-u0`, operation });
    expect(cell("GetItem")?.decision).to.equal("conditional");
    expect(cell("GetItem")?.conditions?.join(" ")).to.match(/aws:UserAgent/i);
    expect(cell("PutItem")?.decision).to.equal("conditional");
    expect(cell("PutItem")?.conditions?.join(" ")).to.match(/aws:referer/i);
    // No statement allows DeleteItem, whatever the headers.
    expect(cell("DeleteItem")?.decision).to.equal("denied-by-iam");
  });
});
