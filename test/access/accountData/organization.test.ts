/**
 * The organization's structure in account data (access/accountData/read.ts, merge.ts): the outputs of
 * `aws organizations describe-organization`, `list-roots`, `list-accounts`, `list-parents` (saved as
 * parents/<child id>.json) and `list-organizational-units-for-parent` (saved as
 * organizational-units/<parent id>.json) are recognized by their shape and merged into the plan's
 * organization, which decides the organization condition keys.
 *
 * Shapes from the AWS CLI Command Reference, each command's Output section:
 * https://docs.aws.amazon.com/cli/latest/reference/organizations/describe-organization.html,
 * .../list-roots.html, .../list-accounts.html, .../list-parents.html,
 * .../list-organizational-units-for-parent.html. Decisions from the IAM User Guide, "AWS global condition
 * context keys" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 * aws:PrincipalOrgID and aws:PrincipalOrgPaths are present only when the principal's account is a member.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { readAccountData } from "../../../access/accountData/read";
import { analyzePlan } from "../../../access/analyze";
import type { AccessReport } from "../../../access/types";
import { isUserError } from "../../../common/userError";
import { ACCOUNT_ID } from "../../support/accessStacks";
import {
  MEMBER,
  MEMBER_ACCOUNT,
  organizationPlan,
  ORG_ID,
  OU_ID,
  OUTSIDER,
  ROOT_ID,
} from "../../support/organizationStack";
import { useTempDir } from "../../support/tempDir";
import { decisionOf } from "../../support/reportCells";

const MANAGEMENT = ACCOUNT_ID;
const arn = (type: string, rest: string) => `arn:aws:organizations::${MANAGEMENT}:${type}/${ORG_ID}/${rest}`;

/** What the CLI prints for each command, for the organization of test/support/organizationStack.ts. */
const OUTPUTS: Record<string, unknown> = {
  "iam.json": {
    UserDetailList: [
      {
        Path: "/",
        UserName: "auditor",
        UserId: "AIDAAUDITOREXAMPLE01",
        Arn: `arn:aws:iam::${ACCOUNT_ID}:user/auditor`,
        CreateDate: "2026-01-02T03:04:05+00:00",
        UserPolicyList: [],
        GroupList: [],
        AttachedManagedPolicies: [],
        Tags: [],
      },
    ],
    GroupDetailList: [],
    RoleDetailList: [],
    Policies: [],
  },
  "organization.json": {
    Organization: {
      Id: ORG_ID,
      Arn: `arn:aws:organizations::${MANAGEMENT}:organization/${ORG_ID}`,
      FeatureSet: "ALL",
      MasterAccountArn: `arn:aws:organizations::${MANAGEMENT}:account/${ORG_ID}/${MANAGEMENT}`,
      MasterAccountId: MANAGEMENT,
      MasterAccountEmail: "management@example.com",
      AvailablePolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }],
    },
  },
  "roots.json": {
    Roots: [{ Id: ROOT_ID, Arn: arn("root", ROOT_ID), Name: "Root", PolicyTypes: [] }],
  },
  "accounts.json": {
    Accounts: [MANAGEMENT, MEMBER_ACCOUNT].map((id) => ({
      Id: id,
      Arn: arn("account", id),
      Email: `${id}@example.com`,
      Name: id,
      Status: "ACTIVE",
      JoinedMethod: id === MANAGEMENT ? "INVITED" : "CREATED",
      JoinedTimestamp: "2026-01-02T03:04:05+00:00",
    })),
  },
  [`organizational-units/${ROOT_ID}.json`]: {
    OrganizationalUnits: [{ Id: OU_ID, Arn: arn("ou", OU_ID), Name: "workloads" }],
  },
  [`parents/${MEMBER_ACCOUNT}.json`]: { Parents: [{ Id: OU_ID, Type: "ORGANIZATIONAL_UNIT" }] },
  [`parents/${MANAGEMENT}.json`]: { Parents: [{ Id: ROOT_ID, Type: "ROOT" }] },
};

function write(dir: string, outputs: Record<string, unknown>): void {
  for (const [relative, value] of Object.entries(outputs)) {
    const file = path.join(dir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(value, null, 2));
  }
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(isUserError(err), String(err)).to.equal(true);
    return (err as Error).message;
  }
  throw new Error("expected a UserError");
}

const decision = (report: AccessReport, principal: string, table: string) =>
  decisionOf(report, { principal, operation: "GetItem", table });

describe("account data: the organization's structure", function () {
  this.timeout(60_000);
  const dirOf = useTempDir("org-data-");

  it("recognizes describe-organization, list-roots, list-accounts, list-parents and list-organizational-units-for-parent", () => {
    write(dirOf(), OUTPUTS);
    const data = readAccountData(dirOf());
    expect(data.organization).to.deep.equal({
      id: ORG_ID,
      managementAccountId: MANAGEMENT,
      rootId: ROOT_ID,
      accounts: [MANAGEMENT, MEMBER_ACCOUNT],
      parents: { [OU_ID]: ROOT_ID, [MEMBER_ACCOUNT]: OU_ID, [MANAGEMENT]: ROOT_ID },
    });
  });

  it("refuses the outputs that do not name their subject outside their folder, and a wrong subject, in one line", () => {
    write(dirOf(), { "iam.json": OUTPUTS["iam.json"], "p.json": OUTPUTS[`parents/${MEMBER_ACCOUNT}.json`] });
    expect(messageOf(() => readAccountData(dirOf()))).to.match(
      /p\.json"? is the output of organizations list-parents, which does not name its child: save it as parents\/<child id>\.json$/,
    );
    fs.rmSync(path.join(dirOf(), "p.json"));
    write(dirOf(), { "units.json": OUTPUTS[`organizational-units/${ROOT_ID}.json`] });
    expect(messageOf(() => readAccountData(dirOf()))).to.contain(
      "save it as organizational-units/<parent id>.json",
    );
    fs.rmSync(path.join(dirOf(), "units.json"));
    write(dirOf(), { "parents/alice.json": { Parents: [] } });
    expect(messageOf(() => readAccountData(dirOf()))).to.contain(
      'is named "alice", which is no account id nor OU id',
    );
  });

  it("refuses outputs of two organizations, and outputs that name none", () => {
    write(dirOf(), {
      ...OUTPUTS,
      "other.json": {
        Roots: [{ Id: "r-zz99", Arn: `arn:aws:organizations::${MANAGEMENT}:root/o-zzzzzzzzzz/r-zz99` }],
      },
    });
    expect(messageOf(() => readAccountData(dirOf()))).to.contain("account data describes one organization");
    for (const entry of fs.readdirSync(dirOf())) {
      fs.rmSync(path.join(dirOf(), entry), { recursive: true });
    }
    write(dirOf(), {
      "iam.json": OUTPUTS["iam.json"],
      [`parents/${MEMBER_ACCOUNT}.json`]: OUTPUTS[`parents/${MEMBER_ACCOUNT}.json`],
    });
    expect(messageOf(() => readAccountData(dirOf()))).to.contain(
      "save the output of aws organizations describe-organization",
    );
  });

  it("merged with a plan that cannot tell: the member list makes an outsider denied, the parents place the stack's account", async () => {
    const plan = organizationPlan("accounts");
    const rpU1 = `arn:aws:iam::${ACCOUNT_ID}:user/rp-u1`;
    const without = await analyzePlan(plan);
    expect(decision(without, OUTSIDER, "rp-t0")).to.equal("conditional");
    expect(decision(without, rpU1, "rp-t0")).to.equal("conditional");
    write(dirOf(), OUTPUTS);
    const report = await analyzePlan(plan, { accountData: readAccountData(dirOf()) });
    expect(decision(report, MEMBER, "rp-t0")).to.equal("allowed");
    // list-accounts is every member: an account outside it carries no aws:PrincipalOrgID.
    expect(decision(report, OUTSIDER, "rp-t0")).to.equal("denied-by-iam");
    // The stack's account is the management account, under the root: a member, not under the OU.
    expect(decision(report, rpU1, "rp-t0")).to.equal("allowed");
    expect(decision(report, rpU1, "rp-t1")).to.equal("denied-by-iam");
    // An auditor of the data's account: no identity policy, let in by the table's policy as a member.
    expect(decision(report, `arn:aws:iam::${ACCOUNT_ID}:user/auditor`, "rp-t0")).to.equal("allowed");
  });

  it("applies an SCP attached to the OU the data's list-parents places the account under, not one on another OU", async () => {
    // Organizations User Guide, "Inheritance for authorization policies": an SCP attached to an OU applies
    // to the accounts under it. The stack's account is a member (the management account is another) under
    // OU_ID; FullAWSAccess is at every level, as AWS attaches it.
    const management = "999988887777";
    const scp = (id: string, name: string, content: unknown, targets: { id: string; type: string }[]) => ({
      [`scp-${id}.json`]: {
        Policy: {
          PolicySummary: {
            Id: id,
            Arn:
              id === "p-FullAWSAccess"
                ? "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
                : `arn:aws:organizations::${management}:policy/${ORG_ID}/service_control_policy/${id}`,
            Name: name,
            Description: "",
            Type: "SERVICE_CONTROL_POLICY",
            AwsManaged: id === "p-FullAWSAccess",
          },
          Content: JSON.stringify(content),
        },
      },
      [`policy-targets/${id}.json`]: {
        Targets: targets.map((target) => ({
          TargetId: target.id,
          Arn: `arn:aws:organizations::${management}:${target.type === "ROOT" ? "root" : target.type === "ACCOUNT" ? "account" : "ou"}/${ORG_ID}/${target.id}`,
          Name: target.id,
          Type: target.type,
        })),
      },
    });
    const deny = (action: string) => ({
      Version: "2012-10-17",
      Statement: [{ Effect: "Deny", Action: action, Resource: "*" }],
    });
    write(dirOf(), {
      ...OUTPUTS,
      "organization.json": {
        Organization: { Id: ORG_ID, MasterAccountId: management, FeatureSet: "ALL" },
      },
      [`parents/${ACCOUNT_ID}.json`]: { Parents: [{ Id: OU_ID, Type: "ORGANIZATIONAL_UNIT" }] },
      [`parents/${OU_ID}.json`]: { Parents: [{ Id: ROOT_ID, Type: "ROOT" }] },
      ...scp(
        "p-FullAWSAccess",
        "FullAWSAccess",
        { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
        [
          { id: ROOT_ID, type: "ROOT" },
          { id: OU_ID, type: "ORGANIZATIONAL_UNIT" },
          { id: "ou-ab12-22222222", type: "ORGANIZATIONAL_UNIT" },
          { id: ACCOUNT_ID, type: "ACCOUNT" },
        ],
      ),
      ...scp("p-noget0001", "no-get", deny("dynamodb:GetItem"), [{ id: OU_ID, type: "ORGANIZATIONAL_UNIT" }]),
      ...scp("p-noput0001", "no-put", deny("dynamodb:PutItem"), [
        { id: "ou-ab12-22222222", type: "ORGANIZATIONAL_UNIT" },
      ]),
    });
    const report = await analyzePlan(organizationPlan("accounts"), { accountData: readAccountData(dirOf()) });
    const rpU0 = `arn:aws:iam::${ACCOUNT_ID}:user/rp-u0`;
    const cell = (operation: string) =>
      report.cells.find(
        (candidate) =>
          candidate.principal === rpU0 &&
          candidate.operation === operation &&
          candidate.table.endsWith("rp-t0"),
      );
    expect(cell("GetItem")?.decision).to.equal("denied-by-iam");
    expect(cell("GetItem")?.statements.map((statement) => statement.policy)).to.include("scp:no-get");
    expect(cell("PutItem")?.decision).to.equal("allowed");
    expect(report.notDeployed.map((entry) => entry.reason).join("\n")).to.contain(
      "attached to organizational units the account is not under",
    );
  });
});
