/**
 * The cloud model reads groups, permissions boundaries, SCPs and RCPs from a plan (sandbox/deploy/
 * policySources/), and the static proof sees them through the one engine.
 */
import { expect } from "chai";
import { analyzePlan } from "../../../access/analyze";
import { EMPTY_CHECKPOINT } from "../../../plan/checkpoint";
import { applySteps } from "../../../sandbox/deploy/deployment";
import { deriveCloudModel } from "../../../sandbox/deploy/model";
import { appliesToAccount } from "../../../sandbox/deploy/policySources";
import { ACCOUNT_ID, buildStackPlan, type StackSpec } from "../../support/accessStacks";
import { decisionOf } from "../../support/reportCells";

const NO_EXTRAS = { extras: [], withAccessKey: true } as const;

function modelOf(spec: StackSpec) {
  return deriveCloudModel(applySteps(undefined, EMPTY_CHECKPOINT, buildStackPlan(spec)).deployment);
}

describe("cloud model: policies outside the stack's principals", () => {
  it("reads groups with inline and attached policies and both kinds of membership; none is left as not deployed", () => {
    const model = modelOf({
      id: "grp",
      users: [
        { access: "none", ...NO_EXTRAS },
        { access: "none", ...NO_EXTRAS },
      ],
      keys: [],
      tables: [undefined],
      groups: [
        { access: "readonly", extras: [], members: [0], policyAs: "inline", membership: "group-membership" },
        {
          access: "full",
          extras: ["deny-get-item"],
          members: [0, 1],
          policyAs: "attached",
          membership: "user-group-membership",
        },
      ],
    });
    expect(model.notDeployed).to.deep.equal([]);
    const [readers, full] = model.groups ?? [];
    expect(readers.inlinePolicies).to.have.length(1);
    expect(readers.members).to.deep.equal([`arn:aws:iam::${ACCOUNT_ID}:user/grp-u0`]);
    expect(full.managedPolicyArns).to.include("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess");
    expect(full.managedPolicyArns).to.include(`arn:aws:iam::${ACCOUNT_ID}:policy/grp-grp1-policy`);
    expect(full.members).to.have.length(2);
  });

  it("lists a membership naming a user the plan does not create as not deployed, naming the field", () => {
    const plan = buildStackPlan({
      id: "grpx",
      users: [{ access: "none", ...NO_EXTRAS }],
      keys: [],
      tables: [undefined],
      groups: [
        { access: "readonly", extras: [], members: [0], policyAs: "inline", membership: "group-membership" },
      ],
    });
    const membership = plan.steps.find(
      (step) => step.newState?.type === "aws:iam/groupMembership:GroupMembership",
    );
    (membership?.newState?.inputs.users as string[]).push("outsider");
    const model = deriveCloudModel(applySteps(undefined, EMPTY_CHECKPOINT, plan).deployment);
    expect(model.notDeployed.map((entry) => entry.reason)).to.deep.equal([
      'inputs.users[1] "outsider" is not an IAM user the deployment creates',
    ]);
    // The users before it joined (AddUserToGroup is one call per user).
    expect(model.groups?.[0]?.members).to.deep.equal([`arn:aws:iam::${ACCOUNT_ID}:user/grpx-u0`]);
  });

  it("reads a permissions boundary of a user and of a role", () => {
    const model = modelOf({
      id: "bnd",
      users: [{ access: "readwrite", ...NO_EXTRAS, boundary: "reads-only" }],
      keys: [],
      tables: [undefined],
      roles: [{ access: "readwrite", trustedUsers: [0], boundary: "tables-only" }],
    });
    const [user, role] = model.principals;
    expect(user.permissionsBoundary).to.equal(`arn:aws:iam::${ACCOUNT_ID}:policy/bnd-boundary-reads-only`);
    expect(role.permissionsBoundary).to.equal(`arn:aws:iam::${ACCOUNT_ID}:policy/bnd-boundary-tables-only`);
    expect(user.unknownPolicies).to.deep.equal([]);
  });

  it("reads SCPs and RCPs, the stack account's path, and which attachments apply", () => {
    const atRoot = modelOf({
      id: "org",
      users: [{ access: "readonly", ...NO_EXTRAS }],
      keys: [],
      tables: [undefined],
      organization: {
        scps: ["deny-delete-item"],
        rcps: ["deny-direct-decrypt"],
        attachedTo: "root",
        account: "management",
      },
    });
    const organization = atRoot.organization;
    expect(organization?.managementAccountId).to.equal(ACCOUNT_ID);
    expect(organization?.path.map((target) => target.type)).to.deep.equal(["ROOT", "ACCOUNT"]);
    expect(organization?.policies.map((policy) => [policy.name, policy.type])).to.deep.equal([
      ["FullAWSAccess", "SERVICE_CONTROL_POLICY"],
      ["org-deny-delete-item", "SERVICE_CONTROL_POLICY"],
      ["org-deny-direct-decrypt", "RESOURCE_CONTROL_POLICY"],
    ]);
    expect(organization?.policies.every((policy) => appliesToAccount(organization, policy))).to.equal(true);

    const elsewhere = modelOf({
      id: "orgx",
      users: [{ access: "readonly", ...NO_EXTRAS }],
      keys: [],
      tables: [undefined],
      organization: {
        scps: ["deny-delete-item"],
        rcps: [],
        attachedTo: "other-account",
        account: "member",
      },
    });
    const scp = elsewhere.organization?.policies.find((policy) => policy.name === "orgx-deny-delete-item");
    expect(
      scp !== undefined &&
        elsewhere.organization !== undefined &&
        appliesToAccount(elsewhere.organization, scp),
    ).to.equal(false);
    expect(elsewhere.notDeployed.map((entry) => entry.reason).join("\n")).to.contain(
      "not to the stack's account",
    );
  });

  it("takes the management account from a getOrganization invoke, and an account the plan does not place as the management account (at worst)", async () => {
    const spec = (account: "member" | "unsaid"): StackSpec => ({
      id: `acct-${account}`,
      users: [{ access: "full", ...NO_EXTRAS }],
      keys: [],
      tables: [undefined],
      organization: { scps: ["deny-delete-item"], rcps: [], attachedTo: "account", account },
    });
    expect(modelOf(spec("member")).organization?.managementAccountId).to.equal("999988887777");
    expect(modelOf(spec("unsaid")).organization?.managementAccountId).to.equal(undefined);
    // Organizations User Guide, "Service control policies (SCPs)": "SCPs don't affect users or roles in the
    // management account"; taking an unplaced account as the management account leaves the SCP out.
    const deleteItem = async (account: "member" | "unsaid") => {
      const report = await analyzePlan(buildStackPlan(spec(account)));
      return {
        decision: report.cells.find(
          (cell) => cell.operation === "DeleteItem" && cell.principal.endsWith("-u0"),
        )?.decision,
        blindSpots: report.blindSpots.join("\n"),
      };
    };
    expect((await deleteItem("member")).decision).to.equal("denied-by-iam");
    const unsaid = await deleteItem("unsaid");
    expect(unsaid.decision).to.equal("allowed");
    expect(unsaid.blindSpots).to.contain("taken to be the management account");
  });

  it("lets the proof see a group's grant, a boundary's cut and an SCP's deny", async () => {
    // IAM User Guide, "How AWS enforcement code logic evaluates requests to allow or deny access"
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html).
    const report = await analyzePlan(
      buildStackPlan({
        id: "prf",
        users: [
          { access: "none", ...NO_EXTRAS },
          { access: "readwrite", ...NO_EXTRAS, boundary: "reads-only" },
        ],
        keys: [],
        tables: [undefined],
        groups: [
          {
            access: "readwrite",
            extras: [],
            members: [0],
            policyAs: "inline",
            membership: "group-membership",
          },
        ],
        organization: {
          scps: ["deny-delete-item"],
          rcps: [],
          attachedTo: "account",
          account: "member",
        },
      }),
    );
    const cell = (user: string, operation: string) =>
      decisionOf(report, { principal: `arn:aws:iam::${ACCOUNT_ID}:user/${user}`, operation });
    // The group gives u0 its table access (IAM User Guide, "IAM user groups").
    expect(cell("prf-u0", "GetItem")).to.equal("allowed");
    expect(cell("prf-u0", "PutItem")).to.equal("allowed");
    // The SCP denies DeleteItem to every principal of the account (Organizations User Guide, "Service control policies (SCPs)").
    expect(cell("prf-u0", "DeleteItem")).to.equal("denied-by-iam");
    // u1's boundary allows reads only (IAM User Guide, "Permissions boundaries for IAM entities").
    expect(cell("prf-u1", "GetItem")).to.equal("allowed");
    expect(cell("prf-u1", "PutItem")).to.equal("denied-by-iam");
    expect(report.notDeployed).to.deep.equal([]);
  });

  it("lists a member that may edit its group's policies as able to obtain the key, where the key policy delegates", async () => {
    // A group's policies are its members' (IAM User Guide, "IAM user groups"); the key policy's account
    // statement lets any IAM policy of the account allow the key (KMS Developer Guide, "Default key policy").
    const plan = (rootStatement: boolean) =>
      buildStackPlan({
        id: `edit${rootStatement ? "r" : "n"}`,
        users: [{ access: "none", extras: ["allow-edit-groups"], withAccessKey: true }],
        keys: [{ rootStatement, keyUsers: [], viaDynamoDbOnly: true, deniedUsers: [], enabled: true }],
        tables: [0],
        groups: [
          {
            access: "readonly",
            extras: [],
            members: [0],
            policyAs: "inline",
            membership: "group-membership",
          },
        ],
      });
    const paths = async (rootStatement: boolean) =>
      (await analyzePlan(plan(rootStatement))).obtainers
        .filter((obtainer) => obtainer.principal.endsWith(`:user/edit${rootStatement ? "r" : "n"}-u0`))
        .flatMap((obtainer) => obtainer.paths);
    const delegating = await paths(true);
    expect(delegating.some((path) => path.startsWith("iam:PutGroupPolicy on its group editr-grp0"))).to.equal(
      true,
    );
    expect((await paths(false)).some((path) => path.includes("PutGroupPolicy"))).to.equal(false);
  });

  it("lists a principal that may remove the boundary that denies it a cell as able to obtain access", async () => {
    // IAM User Guide, "Permissions boundaries for IAM entities": the boundary limits the identity-based
    // policies, its own removal included. u0's boundary allows every action but KMS's, so it may drop the
    // boundary that keeps its kms:Decrypt grant from counting; u1's allows reads only, not the removal.
    const report = await analyzePlan(
      buildStackPlan({
        id: "drop",
        users: [
          {
            access: "readonly",
            extras: ["allow-drop-boundary", "allow-kms-decrypt"],
            withAccessKey: true,
            boundary: "all-but-kms",
          },
          {
            access: "readwrite",
            extras: ["allow-drop-boundary"],
            withAccessKey: true,
            boundary: "reads-only",
          },
        ],
        keys: [{ rootStatement: true, keyUsers: [], viaDynamoDbOnly: true, deniedUsers: [], enabled: true }],
        tables: [0],
      }),
    );
    const pathsOf = (user: string) =>
      report.obtainers.find((obtainer) => obtainer.principal.endsWith(`:user/${user}`))?.paths ?? [];
    expect(
      pathsOf("drop-u0").some((path) => path.startsWith("iam:DeleteUserPermissionsBoundary on itself")),
    ).to.equal(true);
    expect(pathsOf("drop-u1").some((path) => path.includes("PermissionsBoundary"))).to.equal(false);
  });

  it("takes a member's identity-based policies at worst when its group's attached policy cannot be read", async () => {
    // A group policy is an identity-based policy of its members (IAM User Guide, "IAM user groups"); one the
    // model holds no document for may allow anything, so the member's cells it could allow are conditional.
    const plan = buildStackPlan({
      id: "unk",
      users: [
        { access: "none", ...NO_EXTRAS },
        { access: "none", ...NO_EXTRAS },
      ],
      keys: [],
      tables: [undefined],
      groups: [
        { access: "full", extras: [], members: [0], policyAs: "inline", membership: "group-membership" },
      ],
    });
    const attachment = plan.steps.find(
      (step) => step.newState?.type === "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    );
    (attachment?.newState?.inputs as Record<string, unknown>).policyArn =
      "arn:aws:iam::aws:policy/NotHeldBySandbox";
    const report = await analyzePlan(plan);
    const member = report.principals.find((principal) => principal.name === "unk-u0");
    expect(member?.unknownPolicies).to.deep.equal(["arn:aws:iam::aws:policy/NotHeldBySandbox"]);
    const decision = (user: string) =>
      report.cells.find((cell) => cell.principal.endsWith(`:user/${user}`) && cell.operation === "GetItem")
        ?.decision;
    expect(decision("unk-u0")).to.equal("conditional");
    expect(decision("unk-u1")).to.equal("denied-by-iam");
  });
});
