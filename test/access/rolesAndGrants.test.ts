/**
 * Roles and grants in the static proof (docs/access.md, "Principals", "Grants"): a role is a principal of the matrix asked as a session
 * of it; a grant allows its grantee beside the policies; a user trusted by a role that can decrypt can
 * obtain access; --expect-key-users judges roles too. Expectations come from AWS's documented rules,
 * cited at each test, never from the engine's answers.
 */
import { expect } from "chai";
import { analyzePlan } from "../../access/analyze";
import { declaredHolders } from "../../access/declared";
import { expectKeyUsers } from "../../access/expect";
import { formatMatrix } from "../../access/format";
import { loadAccessModel } from "../../access/analyze";
import type { AccessReport } from "../../access/types";
import { buildStackPlan, type StackSpec, type UserSpec } from "../support/accessStacks";
import { ACCOUNT_ID } from "../support/accounts";
import { cellOf } from "../support/reportCells";

const PLAIN: UserSpec = { access: "readwrite", extras: [], withAccessKey: true };

const cell = (report: AccessReport, name: string, operation: string, table = 0) =>
  cellOf(report, { name, operation, table: `-t${table}` });

/** u0: key user; u1: no key access; r0: trusted by u1, a key user; r1: trusted by u0, not a key user. */
const SPEC: StackSpec = {
  id: "rg",
  users: [PLAIN, PLAIN, { access: "none", extras: [], withAccessKey: true }],
  keys: [
    {
      rootStatement: false,
      keyUsers: [0],
      viaDynamoDbOnly: true,
      deniedUsers: [],
      enabled: true,
      keyRoles: [0],
    },
  ],
  tables: [0, 0],
  roles: [
    { access: "readonly", trustedUsers: [1] },
    { access: "readwrite", trustedUsers: [0] },
  ],
  grants: [],
};

describe("access: roles and grants", function () {
  it("asks a role's cells as a session of the role, with the key policy naming the role", async function () {
    // IAM user guide, "Role terms and concepts": a role session acts with the role's permissions; KMS
    // developer guide, "Key policies": a key policy naming a role applies to its sessions.
    const report = await analyzePlan(buildStackPlan(SPEC));
    const role = report.principals.find((principal) => principal.name === "rg-r0");
    expect(role?.kind).to.equal("role");
    expect(role?.callerArn).to.equal(`arn:aws:sts::${ACCOUNT_ID}:assumed-role/rg-r0/access-analysis`);
    expect(role?.canSign).to.equal(true);
    expect(cell(report, "rg-r0", "GetItem").decision).to.equal("allowed");
    // The role's policy is read-only: PutItem is refused by IAM.
    expect(cell(report, "rg-r0", "PutItem").decision).to.equal("denied-by-iam");
    // rg-r1 reads and writes through IAM but the key policy does not name it.
    expect(cell(report, "rg-r1", "GetItem").decision).to.equal("denied-by-kms");
    expect(formatMatrix(report)).to.match(/^role rg-r0 +✓ +✗IAM/m);
  });

  it("lets a user trusted by a decrypting role obtain access, with the sts:AssumeRole path", async function () {
    // IAM user guide, "IAM roles: how to use a trust policy": a trust policy naming the user lets it assume
    // the role; the role's session can decrypt, so the user can obtain that access.
    const report = await analyzePlan(buildStackPlan(SPEC));
    const u1 = report.principals.find((principal) => principal.name === "rg-u1");
    const paths = report.obtainers.find((entry) => entry.principal === u1?.arn)?.paths ?? [];
    expect(paths.join("\n")).to.match(/^sts:AssumeRole on rg-r0, who can decrypt/m);
    // rg-r1 cannot decrypt nor change access: trusting u0 with it gives u0 nothing new.
    const u0 = report.principals.find((principal) => principal.name === "rg-u0");
    const u0Paths = report.obtainers.find((entry) => entry.principal === u0?.arn)?.paths ?? [];
    expect(u0Paths.join("\n")).not.to.match(/rg-r1/);
  });

  it("counts a Decrypt grant for DynamoDB and for direct calls, within its encryption-context constraint", async function () {
    // KMS developer guide, "Grants in AWS KMS": grants are considered along with key policies and IAM
    // policies; KMS API reference, GrantConstraints: EncryptionContextSubset requires those pairs in the
    // request's context. DynamoDB's requests carry aws:dynamodb:tableName (DynamoDB developer guide, "How
    // Amazon DynamoDB uses AWS KMS"); a direct Decrypt with no context carries none.
    const spec: StackSpec = {
      ...SPEC,
      grants: [
        { key: 0, grantee: { kind: "user", index: 1 }, operations: ["Decrypt"], constraint: "first-table" },
        { key: 0, grantee: { kind: "role", index: 1 }, operations: ["Decrypt"], constraint: "none" },
      ],
    };
    const report = await analyzePlan(buildStackPlan(spec));
    const granted = cell(report, "rg-u1", "GetItem", 0);
    expect(granted.decision).to.equal("allowed");
    expect(granted.statements.some((statement) => statement.policy.startsWith("grant "))).to.equal(true);
    expect(cell(report, "rg-u1", "GetItem", 1).decision).to.equal("denied-by-kms");
    expect(cell(report, "rg-u1", "kms:Decrypt", 0).decision).to.equal("denied-by-kms");
    // A grant to the role covers its sessions (KMS developer guide, "Grant concepts": grantee principal).
    expect(cell(report, "rg-r1", "GetItem", 1).decision).to.equal("allowed");
    expect(cell(report, "rg-r1", "kms:Decrypt", 0).decision).to.equal("allowed");
    // u1 and u2 share no grant: the one with the grant is not answered from the other's decision class.
    expect(report.principals.find((principal) => principal.name === "rg-u1")?.grants).to.have.length(1);
  });

  it("does not answer a grantee from the decision of a user with the same policies and no grant", async function () {
    // Two users with the same identity policy decide alike by policy; a grant to one of them allows it
    // beside the policies (KMS developer guide, "Grants in AWS KMS"), so their decisions differ.
    const spec: StackSpec = {
      ...SPEC,
      users: [PLAIN, PLAIN, PLAIN],
      grants: [{ key: 0, grantee: { kind: "user", index: 2 }, operations: ["Decrypt"], constraint: "none" }],
    };
    const report = await analyzePlan(buildStackPlan(spec));
    expect(cell(report, "rg-u1", "GetItem").decision).to.equal("denied-by-kms");
    expect(cell(report, "rg-u2", "GetItem").decision).to.equal("allowed");
    expect(cell(report, "rg-u2", "kms:Decrypt").decision).to.equal("allowed");
  });

  it("judges roles in --expect-key-users and names a grant's path", async function () {
    const spec: StackSpec = {
      ...SPEC,
      grants: [{ key: 0, grantee: { kind: "role", index: 1 }, operations: ["Decrypt"], constraint: "none" }],
    };
    const plan = buildStackPlan(spec);
    const report = await analyzePlan(plan);
    const access = await loadAccessModel(plan);
    const verdict = expectKeyUsers(report, declaredHolders(access));
    expect(verdict.ok).to.equal(false);
    // rg-r1 is no declared key user, but its grant lets it decrypt; u0 (trusted by rg-r1) may obtain
    // access and is a key user already; u1 (trusted by rg-r0, a key user) is neither.
    expect(verdict.violations.join("\n")).to.match(
      /^rg-r1 can decrypt but is not a declared key user: .*grant /m,
    );
    expect(verdict.violations.join("\n")).to.match(/^rg-u1 can obtain access .*sts:AssumeRole on rg-r0/m);
    expect(verdict.violations.join("\n")).not.to.match(/^rg-r0 /m);
    expect(verdict.grants).to.have.length(1);
    expect(verdict.grants[0]).to.match(
      /^rg-r1 \(role\) holds grant \w+ on arn:aws:kms:[^:]+:111122223333:key\/\S+: allows GetItem on rg-t0, /,
    );
  });
});
