/**
 * The organization condition keys in the static proof (`npm run access`), on the stack of the sandbox's
 * test (test/sandbox/iam/organizationKeys.int.test.ts), deciding the same: a member account's principal is
 * allowed by a table policy and a key policy on aws:PrincipalOrgID and aws:PrincipalOrgPaths; a principal
 * of an account outside a whole member list is denied (the key is absent); an account whose membership
 * the plan cannot tell is `conditional`, the condition naming the key, as the sandbox refuses it.
 * Expectations from the IAM User Guide, "AWS global condition context keys"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html): aws:PrincipalOrgID
 * and aws:PrincipalOrgPaths are included "only if the principal is a member of an organization".
 */
import { expect } from "chai";
import { analyzePlan } from "../../access/analyze";
import type { AccessReport } from "../../access/types";
import { ACCOUNT_ID } from "../support/accessStacks";
import { MEMBER, organizationPlan, OUTSIDER, QUIET_MEMBER_ACCOUNT } from "../support/organizationStack";
import { cellOf } from "../support/reportCells";

const cell = (report: AccessReport, principal: string, table: string) =>
  cellOf(report, { principal, operation: "GetItem", table });

describe("access: organization condition keys", function () {
  this.timeout(60_000);

  it("allows a member account's principal and denies one outside a whole member list", async () => {
    const report = await analyzePlan(organizationPlan("organization"));
    for (const table of ["rp-t0", "rp-t1"]) {
      expect(cell(report, MEMBER, table).decision, table).to.equal("allowed");
      expect(cell(report, OUTSIDER, table).decision, table).to.equal("denied-by-iam");
    }
    // The stack's own account is a member (the management account): its organization id is known.
    expect(cell(report, `arn:aws:iam::${ACCOUNT_ID}:user/rp-u1`, "rp-t0").decision).to.equal("allowed");
    // Another account, not named anywhere, is outside the whole member list.
    const other = report.principals.find((principal) => principal.kind === "other-account");
    expect(other, "the other-account class").to.not.equal(undefined);
    expect(cell(report, other!.arn, "rp-t0").decision).to.equal("denied-by-iam");
    // A member account no policy names is a class of its own: its principals are let in.
    const quiet = report.principals.find((principal) => principal.accountId === QUIET_MEMBER_ACCOUNT);
    expect(quiet?.kind).to.equal("named-account");
    expect(cell(report, quiet!.arn, "rp-t0").decision).to.equal("allowed");
  });

  it("shows a decision on an account whose membership the plan cannot tell as conditional, naming the key", async () => {
    const report = await analyzePlan(organizationPlan("accounts"));
    expect(cell(report, MEMBER, "rp-t0").decision).to.equal("allowed");
    const outsider = cell(report, OUTSIDER, "rp-t0");
    expect(outsider.decision).to.equal("conditional");
    expect(outsider.conditions?.join("\n")).to.contain("aws:PrincipalOrgID");
    const viaKey = cell(report, OUTSIDER, "rp-t1");
    expect(viaKey.decision).to.equal("conditional");
    expect(viaKey.conditions?.join("\n")).to.contain("aws:PrincipalOrgPaths");
  });
});
