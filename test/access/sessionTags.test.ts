/**
 * Session tags in the static proof: a role whose trust policy allows sts:TagSession may be assumed with
 * any session tags, which override its own tags ("New session tags override existing assumed role ...
 * tags with the same tag key, regardless of case": IAM User Guide, "Passing session tags in AWS STS",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html), so a cell that reads
 * aws:PrincipalTag is conditional for it; a role that allows no sts:TagSession has its own tags alone
 * ("IAM tags – The tags attached to your IAM assumed role"), so its cells are decided by them.
 */
import { expect } from "chai";
import { analyzePlan } from "../../access/analyze";
import { mayTagSessions } from "../../access/sessionTags";
import { ACCOUNT_ID, buildStackPlan, REGION } from "../support/accessStacks";
import { resourceNamed } from "../support/plan";
import { cellOf, decisionOf } from "../support/reportCells";

describe("access: session tags of roles", function () {
  this.timeout(60_000);

  it("reads which trust policies allow sts:TagSession, wildcards and NotAction included", () => {
    const trust = (statement: Record<string, unknown>) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: "*", ...statement }],
      });
    expect(mayTagSessions(trust({ Action: ["sts:AssumeRole", "sts:TagSession"] }))).to.equal(true);
    expect(mayTagSessions(trust({ Action: "sts:*" }))).to.equal(true);
    expect(mayTagSessions(trust({ NotAction: "sts:SetSourceIdentity" }))).to.equal(true);
    expect(mayTagSessions(trust({ Action: "sts:AssumeRole" }))).to.equal(false);
    expect(mayTagSessions(trust({ NotAction: "sts:Tag*" }))).to.equal(false);
  });

  it("shows a cell that reads aws:PrincipalTag as conditional for a role whose sessions may be tagged", async () => {
    const plan = buildStackPlan({
      id: "tg",
      users: [{ access: "none", extras: [], withAccessKey: true }],
      keys: [],
      tables: [undefined],
      roles: [
        // tg-r0 is tagged red; tg-r1 too, and its trust policy allows sts:TagSession.
        { access: "none", trustedUsers: [0], team: "red", abac: true },
        { access: "none", trustedUsers: [0], team: "red", abac: true },
      ],
    });
    const role1 = resourceNamed(plan, "aws:iam/role:Role", "tg-r1");
    const user = `arn:aws:iam::${ACCOUNT_ID}:user/tg-u0`;
    role1.inputs.assumeRolePolicy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: user }, Action: ["sts:AssumeRole", "sts:TagSession"] },
      ],
    });
    const report = await analyzePlan(plan);
    const cell = (role: string) =>
      cellOf(report, { principal: `arn:aws:iam::${ACCOUNT_ID}:role/${role}`, operation: "GetItem" });
    // tg-r0's sessions carry its tag team red: the team-blue statement does not apply.
    expect(cell("tg-r0")?.decision).to.equal("denied-by-iam");
    // tg-r1's sessions may be tagged team blue.
    expect(cell("tg-r1")?.decision).to.equal("conditional");
    expect(cell("tg-r1")?.conditions?.join(" ")).to.match(/aws:PrincipalTag\/team/i);
  });

  it("shows a cell that reads aws:SourceIdentity as conditional for a role that allows sts:SetSourceIdentity", async () => {
    // IAM User Guide, "Monitor and control actions taken with assumed roles": aws:SourceIdentity is in
    // the session's requests when AssumeRole set one, which sts:SetSourceIdentity allows.
    const plan = buildStackPlan({
      id: "si",
      users: [{ access: "none", extras: [], withAccessKey: true }],
      keys: [],
      tables: [undefined],
      roles: [
        { access: "readonly", trustedUsers: [0] },
        { access: "readonly", trustedUsers: [0] },
      ],
    });
    const user = `arn:aws:iam::${ACCOUNT_ID}:user/si-u0`;
    const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/si-t0`;
    for (const [role, actions] of [
      ["si-r0", ["sts:AssumeRole"]],
      ["si-r1", ["sts:AssumeRole", "sts:SetSourceIdentity"]],
    ] as const) {
      resourceNamed(plan, "aws:iam/role:Role", role).inputs.assumeRolePolicy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: user }, Action: actions }],
      });
      resourceNamed(plan, "aws:iam/rolePolicy:RolePolicy", role).inputs.policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "dynamodb:GetItem",
            Resource: table,
            Condition: { StringEquals: { "aws:SourceIdentity": "alice" } },
          },
        ],
      });
    }
    const report = await analyzePlan(plan);
    const decision = (role: string) =>
      decisionOf(report, { principal: `arn:aws:iam::${ACCOUNT_ID}:role/${role}`, operation: "GetItem" });
    expect(decision("si-r0")).to.equal("denied-by-iam");
    expect(decision("si-r1")).to.equal("conditional");
  });
});
