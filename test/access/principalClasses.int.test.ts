/**
 * Every principal class the proof reports, checked by a member drawn at random from it: a principal the
 * class stands for, never the representative the proof asked about, must get the representative's
 * decision on every cell. The stack's key policy names a wildcard pattern (an aws:PrincipalArn ArnLike
 * condition) and another account, so the classes matched only by a pattern or a condition are there.
 * - Members of the stack's account (any other principal with its IAM policies at worst, one matching the
 *   pattern, one without policies) and the deployer are created in the sandbox with an access key and
 *   probed over real HTTP with SDK v3 clients; an anonymous caller sends unsigned requests, which DynamoDB
 *   and KMS refuse (AWS General Reference, "Signing AWS API requests": requests must be signed).
 * - Members of other accounts, AWS services and the root user cannot sign against a one-account sandbox:
 *   their draws are asked of the sandbox's engine itself (the Authorizer, without the proof's decision
 *   classes), as the sandbox composes a request.
 * AWS rules behind the expectations: a key policy statement with Principal "*" and an aws:PrincipalArn
 * condition lets in exactly the principals whose ARN matches (IAM User Guide, "AWS global condition context
 * keys", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn);
 * an account principal delegates to that account's IAM policies (IAM User Guide, "Cross-account policy
 * evaluation logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html);
 * DynamoDB's grant for the table lets its service principal use the key with the table's encryption context
 * (KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS", https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html).
 */
import { randomBytes, randomInt } from "node:crypto";
import { expect } from "chai";
import { analyzeModel, loadAccessModel } from "../../access/analyze";
import { DIRECT_DECRYPT } from "../../access/operations";
import type { AccessPrincipal, AccessReport } from "../../access/types";
import { KEY_ADMIN_ACTIONS } from "../../infra/policies/actions";
import { synthesize } from "../../plan/synth";
import type { Plan } from "../../plan/types";
import { reveal } from "../../plan/values";
import { Sandbox } from "../../sandbox";
import { ADMINISTRATOR_ACCESS_ARN } from "../../sandbox/engine";
import { OTHER_ACCOUNT_ID as PARTNER_ACCOUNT } from "../support/accounts";
import { engineDecision } from "../support/engineDecision";
import { addResource, devConfig } from "../support/plan";
import { probe, type Signer } from "../support/prober";
import { rawRequest } from "../support/sandbox";

const hex = (bytes = 4): string => randomBytes(bytes).toString("hex");

/**
 * The dev stack whose key policy keeps the account to administration, lets in through DynamoDB any
 * principal of the account whose ARN matches `user/analyst-*`, and lets the partner account decrypt.
 */
async function basePlan(): Promise<Plan> {
  const plan = reveal(await synthesize({ stack: "dev", config: devConfig() })) as Plan;
  const accountId = (plan.outputs as { accountId: string }).accountId;
  for (const step of plan.steps) {
    const state = step.newState;
    if (state?.type !== "aws:kms/key:Key") {
      continue;
    }
    const inputs = state.inputs as { policy: string };
    const policy = JSON.parse(inputs.policy) as { Statement: Record<string, unknown>[] };
    policy.Statement[0].Action = KEY_ADMIN_ACTIONS;
    policy.Statement.push(
      {
        Sid: "AnalystsThroughDynamoDB",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: "*",
        Condition: {
          ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${accountId}:user/analyst-*` },
          StringEquals: {
            "kms:CallerAccount": accountId,
            "kms:ViaService": "dynamodb.us-east-1.amazonaws.com",
          },
        },
      },
      {
        Sid: "PartnerDecrypts",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:root` },
        Action: "kms:Decrypt",
        Resource: "*",
      },
    );
    inputs.policy = JSON.stringify(policy);
    (state.outputs as { policy?: string }).policy = inputs.policy;
  }
  return plan;
}

/** A user of the stack's account drawn from a class: created in the plan with an access key. */
interface DrawnUser {
  readonly name: string;
  readonly administrator: boolean;
}

function withUsers(
  plan: Plan,
  accountId: string,
  users: readonly DrawnUser[],
): { plan: Plan; signers: Signer[] } {
  // A copy: the caller's plan is left as it was.
  const drawn: Plan = { ...plan, steps: [...plan.steps] };
  const signers: Signer[] = [];
  const add = (type: string, name: string, id: string, inputs: Record<string, unknown>, outputs = {}) =>
    addResource(drawn, {
      type,
      urn: `urn:pulumi:dev::kms-dynamodb::${type}::${name}`,
      id,
      inputs,
      outputs: { ...inputs, ...outputs },
    });
  for (const user of users) {
    const arn = `arn:aws:iam::${accountId}:user/${user.name}`;
    add(
      "aws:iam/user:User",
      user.name,
      user.name,
      { name: user.name },
      { arn, uniqueId: `AIDA${hex(8).toUpperCase()}` },
    );
    if (user.administrator) {
      add("aws:iam/userPolicyAttachment:UserPolicyAttachment", user.name, `${user.name}-admin`, {
        user: user.name,
        policyArn: ADMINISTRATOR_ACCESS_ARN,
      });
    }
    const accessKeyId = `AKIA${hex(8).toUpperCase()}`;
    const secretAccessKey = hex(20);
    add(
      "aws:iam/accessKey:AccessKey",
      user.name,
      accessKeyId,
      { user: user.name },
      { secret: secretAccessKey, status: "Active" },
    );
    signers.push({ arn, accessKeyId, secretAccessKey });
  }
  return {
    plan: drawn,
    signers,
  };
}

function cellsOf(report: AccessReport, arn: string): Map<string, string> {
  return new Map(
    report.cells
      .filter((cell) => cell.principal === arn)
      .map((cell) => [`${cell.table}\n${cell.operation}`, cell.decision]),
  );
}

describe("access: a random member of every principal class gets its class's decision", function () {
  this.timeout(120_000);
  let base: Plan;
  let access: Awaited<ReturnType<typeof loadAccessModel>>;
  let report: AccessReport;
  let sandbox: Sandbox | undefined;
  let accountId: string;
  const classOf = (kind: string, name?: string): AccessPrincipal => {
    const found = report.principals.find(
      (principal) => principal.kind === kind && (name === undefined || principal.name === name),
    );
    if (found === undefined) {
      throw new Error(`the proof reports no ${kind} class${name === undefined ? "" : ` ${name}`}`);
    }
    return found;
  };
  /** Classes checked so far (by the representative's ARN): every class must be. */
  const checked = new Set<string>();

  before(async () => {
    base = await basePlan();
    accountId = (base.outputs as { accountId: string }).accountId;
    access = await loadAccessModel(base);
    report = await analyzeModel(access);
  });

  after(async () => {
    await sandbox?.stop();
  });

  it("reports the classes a pattern, a condition and another account tell apart", () => {
    const kinds = new Set(report.principals.map((principal) => principal.kind));
    expect([...kinds]).to.include.members(["policy-pattern", "named-account", "aws-service", "anonymous"]);
    expect(classOf("policy-pattern").name).to.equal(`matching arn:aws:iam::${accountId}:user/analyst-*`);
    expect(classOf("named-account").name).to.equal(`account ${PARTNER_ACCOUNT}`);
    for (const principal of report.principals.filter((candidate) => !candidate.fromPlan)) {
      expect(principal.why, principal.name).to.be.a("string").and.not.equal("");
    }
  });

  it("over HTTP: members of the stack's account drawn at random, and the deployer", async () => {
    const draws: { user: DrawnUser; of: AccessPrincipal }[] = [
      { user: { name: `drawn-${hex()}`, administrator: true }, of: classOf("same-account-any") },
      { user: { name: `analyst-${hex()}`, administrator: true }, of: classOf("policy-pattern") },
      {
        user: { name: `nopolicies-${hex()}`, administrator: false },
        of: classOf("same-account-no-policies"),
      },
    ];
    const { plan, signers } = withUsers(
      base,
      accountId,
      draws.map((draw) => draw.user),
    );
    sandbox = await Sandbox.start({ port: 0 });
    await sandbox.apply(plan);
    const deployer = classOf("deployer");
    const observations = await probe({
      endpoint: sandbox.endpoint,
      region: access.model.region,
      model: access.model,
      report,
      signers: [...signers, { ...sandbox.deployerCredentials(), arn: deployer.arn }],
    });
    const pairs = [
      ...draws.map((draw, index) => ({ arn: signers[index].arn, of: draw.of })),
      { arn: deployer.arn, of: deployer },
    ];
    for (const { arn, of } of pairs) {
      const expected = cellsOf(report, of.arn);
      const seen = observations.filter((observation) => observation.principal === arn);
      expect(seen.length, arn).to.equal(expected.size);
      for (const observation of seen) {
        const decision = expected.get(`${observation.table}\n${observation.operation}`);
        expect(observation.observed, `${arn} (class ${of.name}) ${observation.operation}`).to.equal(decision);
      }
      checked.add(of.arn);
    }
    // The pattern is what tells the classes apart: a matching member reads, any other is stopped by the key.
    expect(cellsOf(report, classOf("policy-pattern").arn).get(`${report.tables[0].name}\nGetItem`)).to.equal(
      "allowed",
    );
    expect(
      cellsOf(report, classOf("same-account-any").arn).get(`${report.tables[0].name}\nGetItem`),
    ).to.equal("denied-by-kms");
  });

  it("over HTTP: an anonymous caller is refused every operation, as the class says", async () => {
    const anonymous = classOf("anonymous");
    for (const decision of cellsOf(report, anonymous.arn).values()) {
      expect(decision).to.not.equal("allowed");
    }
    const endpoint = (sandbox as Sandbox).endpoint;
    const table = report.tables[0].name;
    // DynamoDB's JSON 1.0 and KMS's JSON 1.1 protocols: an unsigned request is refused before any policy
    // is read (the sandbox answers as AWS: MissingAuthenticationTokenException).
    for (const [target, contentType, body] of [
      [
        "DynamoDB_20120810.GetItem",
        "application/x-amz-json-1.0",
        { TableName: table, Key: { pk: { S: "x" } } },
      ],
      [
        "TrentService.Decrypt",
        "application/x-amz-json-1.1",
        { CiphertextBlob: Buffer.from("x").toString("base64") },
      ],
    ] as const) {
      const response = await rawRequest(endpoint, {
        headers: { "X-Amz-Target": target, "Content-Type": contentType },
        body: JSON.stringify(body),
      });
      expect(response.status, target).to.equal(400);
      expect(response.headers["x-amzn-errortype"], target).to.equal("MissingAuthenticationTokenException");
    }
    checked.add(anonymous.arn);
  });

  it("through the engine: members of other accounts, services and the root drawn at random", async () => {
    const named = new Set([
      accountId,
      PARTNER_ACCOUNT,
      ...report.principals.map((principal) => principal.accountId),
    ]);
    let otherAccount = "";
    while (otherAccount === "" || named.has(otherAccount)) {
      otherAccount = String(randomInt(100_000_000_000, 999_999_999_999));
    }
    const draws = [
      {
        arn: `arn:aws:iam::${PARTNER_ACCOUNT}:user/${hex()}`,
        of: classOf("named-account"),
        administrator: true,
      },
      {
        arn: `arn:aws:iam::${otherAccount}:user/${hex()}`,
        of: classOf("other-account"),
        administrator: true,
      },
      {
        arn: `svc${hex()}.amazonaws.com`,
        of: classOf("aws-service", "any other AWS service"),
        administrator: false,
      },
      ...report.principals
        .filter((principal) => principal.kind === "aws-service" && principal.name !== "any other AWS service")
        .map((principal) => ({ arn: principal.arn, of: principal, administrator: false })),
      { arn: classOf("account-root").arn, of: classOf("account-root"), administrator: false },
    ];
    for (const draw of draws) {
      if (!access.authorizer.hasPrincipal(draw.arn)) {
        access.authorizer.putPrincipal({
          arn: draw.arn,
          inlinePolicies: [],
          managedPolicyArns: draw.administrator ? [ADMINISTRATOR_ACCESS_ARN] : [],
        });
      }
      for (const [key, decision] of cellsOf(report, draw.of.arn)) {
        const [table, operation] = key.split("\n");
        const decided = await engineDecision(access, { table, principal: draw.arn, operation } as never, {
          callerArn: draw.arn,
          kind: draw.of.kind,
        });
        expect(decided, `${draw.arn} (class ${draw.of.name}) ${operation}`).to.equal(decision);
      }
      checked.add(draw.of.arn);
    }
    // The partner account decrypts directly (its account principal delegates to its IAM policies), not
    // through DynamoDB (the table has no resource policy for another account).
    const partner = cellsOf(report, classOf("named-account").arn);
    expect(partner.get(`${report.tables[0].name}\n${DIRECT_DECRYPT}`)).to.equal("allowed");
    expect(partner.get(`${report.tables[0].name}\nGetItem`)).to.equal("denied-by-iam");
  });

  it("has checked a member of every class the proof reports", () => {
    const classes = report.principals
      .filter((principal) => !principal.fromPlan)
      .map((principal) => principal.name);
    const unchecked = report.principals
      .filter((principal) => !principal.fromPlan && !checked.has(principal.arn))
      .map((principal) => principal.name);
    expect(classes.length).to.be.greaterThan(8);
    expect(unchecked).to.deep.equal([]);
  });
});
