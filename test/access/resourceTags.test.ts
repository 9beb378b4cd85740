/**
 * aws:ResourceTag in the static proof: a cell whose decision reads a table's or key's tag is decided with
 * the plan's tags, as the sandbox decides it (test/sandbox/iam/resourceTags.int.test.ts), and is
 * conditional, naming the key, where the tags are not known until deployment. Expectations from:
 * - DynamoDB Developer Guide, "Using attribute-based access control with DynamoDB"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/attribute-based-access-control.html):
 *   a tag-conditioned Allow applies to tables whose tags match; "If a table doesn't have the specified tag
 *   key-value pair, these actions are denied".
 * - KMS Developer Guide, "Use tags to control access to KMS keys"
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html): an IAM policy may allow
 *   a key's use only when the key has a tag.
 * - IAM User Guide, "Controlling access to AWS resources using tags"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html).
 */
import { expect } from "chai";
import { analyzePlan } from "../../access/analyze";
import { UNKNOWN_VALUE } from "../../plan/values";
import { ACCOUNT_ID, buildStackPlan, REGION } from "../support/accessStacks";
import { resourceNamed, setInput } from "../support/plan";

describe("access: resource tags (aws:ResourceTag)", function () {
  this.timeout(60_000);

  it("decides cells by the plan's table and key tags, and shows unknown tags as conditional", async () => {
    const plan = buildStackPlan({
      id: "rg",
      users: [{ access: "none", extras: ["allow-create-access-key"], withAccessKey: true }],
      keys: [0, 1].map(() => ({
        rootStatement: true,
        keyUsers: [],
        viaDynamoDbOnly: false,
        deniedUsers: [],
        enabled: true,
      })),
      // t0 on k0, t1 AWS-owned, t2 on k1, t3 AWS-owned.
      tables: [0, undefined, 1, undefined],
    });
    const set = (type: string, name: string, input: string, value: unknown) =>
      setInput(plan, type, name, input, value);
    set("aws:dynamodb/table:Table", "rg-t0", "tags", { env: "prod" });
    set("aws:dynamodb/table:Table", "rg-t1", "tags", { env: "dev" });
    set("aws:dynamodb/table:Table", "rg-t2", "tags", { env: "prod" });
    // A tag whose value is another resource's output, not known until deployment.
    set("aws:dynamodb/table:Table", "rg-t3", "tags", { env: UNKNOWN_VALUE });
    set("aws:kms/key:Key", "rg-k0", "tags", { team: "blue" });
    set("aws:kms/key:Key", "rg-k1", "tags", { team: "red" });
    set(
      "aws:iam/userPolicy:UserPolicy",
      "rg-u0",
      "policy",
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "dynamodb:GetItem",
            Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/*`,
            Condition: { StringEquals: { "aws:ResourceTag/env": "prod" } },
          },
          {
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/*`,
            Condition: { StringEquals: { "aws:ResourceTag/team": "blue" } },
          },
        ],
      }),
    );
    const report = await analyzePlan(plan);
    const cell = (table: string) =>
      report.cells.find(
        (candidate) =>
          candidate.principal === `arn:aws:iam::${ACCOUNT_ID}:user/rg-u0` &&
          candidate.table === table &&
          candidate.operation === "GetItem",
      );
    expect(cell("rg-t0")?.decision).to.equal("allowed");
    expect(cell("rg-t1")?.decision).to.equal("denied-by-iam");
    // Prod, but its key is tagged team red: KMS refuses DynamoDB's kms:Decrypt for the caller.
    expect(cell("rg-t2")?.decision).to.equal("denied-by-kms");
    expect(cell("rg-t3")?.decision).to.equal("conditional");
    expect(cell("rg-t3")?.conditions?.join(" ")).to.match(/aws:ResourceTag\/env/i);
  });
  it("decides sts:AssumeRole by the role's tags (iam:ResourceTag) in the paths to obtain access", async () => {
    // IAM User Guide, "Controlling access to AWS resources using tags": a Deny on roles that lack a tag
    // keeps the user from assuming them; both roles may decrypt (the key policy names them).
    const plan = buildStackPlan({
      id: "rh",
      users: [{ access: "none", extras: ["allow-create-access-key"], withAccessKey: true }],
      keys: [
        {
          rootStatement: true,
          keyUsers: [],
          viaDynamoDbOnly: false,
          deniedUsers: [],
          enabled: true,
          keyRoles: [0, 1],
        },
      ],
      tables: [0],
      roles: [
        { access: "readonly", trustedUsers: [0] },
        { access: "readonly", trustedUsers: [0] },
      ],
    });
    setInput(plan, "aws:iam/role:Role", "rh-r0", "tags", { access: "yes" });
    const policy = resourceNamed(plan, "aws:iam/userPolicy:UserPolicy", "rh-u0");
    policy.inputs.policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          Action: "sts:AssumeRole",
          Resource: "*",
          Condition: { StringNotEquals: { "iam:ResourceTag/access": "yes" } },
        },
      ],
    });
    policy.outputs.policy = policy.inputs.policy;
    const report = await analyzePlan(plan);
    const user = `arn:aws:iam::${ACCOUNT_ID}:user/rh-u0`;
    const paths = report.obtainers.find((entry) => entry.principal === user)?.paths ?? [];
    expect(paths.join("\n")).to.match(/^sts:AssumeRole on rh-r0, who can decrypt/m);
    expect(paths.join("\n")).not.to.match(/sts:AssumeRole on rh-r1/);
  });
});
