/**
 * The dev stack's real documents, from the offline plan: the key policy and the user policies the
 * program produces, loaded into the Authorizer and judged as AWS would judge them.
 */
import { expect } from "chai";
import { loadStackConfig } from "../../../plan/stackConfig";
import { REPO_ROOT, synthesize } from "../../../plan/synth";
import { declaredStates, type Plan, type PlanResourceState } from "../../../plan/types";
import { Authorizer } from "../../../sandbox/iam";
import { KeyRegistry } from "../../../sandbox/kms/keyRegistry";

const ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess";

function resources(plan: Plan, type: string): PlanResourceState[] {
  return declaredStates(plan).filter((state) => state.custom && state.type === type);
}

function deployerArn(plan: Plan): string {
  const invoke = plan.invokes.find(
    (entry) => entry.token === "aws:index/getCallerIdentity:getCallerIdentity",
  );
  if (!invoke) {
    throw new Error("the plan has no getCallerIdentity invoke");
  }
  return invoke.result.arn as string;
}

/** Principals and keys of a plan, in the order AWS creates them: users and their policies, then keys. */
async function loadPlan(authorizer: Authorizer, keys: KeyRegistry, plan: Plan): Promise<void> {
  const deployer = deployerArn(plan);
  authorizer.putPrincipal({ arn: deployer, managedPolicyArns: [ADMINISTRATOR_ACCESS] });
  for (const user of resources(plan, "aws:iam/user:User")) {
    const name = user.outputs.name as string;
    authorizer.putPrincipal({
      arn: user.outputs.arn as string,
      inlinePolicies: resources(plan, "aws:iam/userPolicy:UserPolicy")
        .filter((policy) => policy.outputs.user === name)
        .map((policy) => ({
          name: policy.outputs.name as string,
          document: policy.outputs.policy as string,
        })),
      managedPolicyArns: resources(plan, "aws:iam/userPolicyAttachment:UserPolicyAttachment")
        .filter((attachment) => attachment.outputs.user === name)
        .map((attachment) => attachment.outputs.policyArn as string),
    });
  }
  for (const key of resources(plan, "aws:kms/key:Key")) {
    await authorizer.validateKeyPolicy({
      keyArn: key.outputs.arn as string,
      policy: key.outputs.policy,
      callerArn: deployer,
      bypassPolicyLockoutSafetyCheck: key.outputs.bypassPolicyLockoutSafetyCheck === true,
    });
    keys.put({ arn: key.outputs.arn as string, policy: key.outputs.policy as string });
  }
}

describe("sandbox/iam with the dev plan's real policies", function () {
  // The first synthesis imports @pulumi/aws and runs the program (docs/fieldNotes.md: about 0.5 s).
  this.timeout(60_000);

  let plan: Plan;
  let authorizer: Authorizer;
  let keys: KeyRegistry;
  let keyArn: string;
  let tableArn: string;
  let table: { name: string; region: string; accountId: string };
  const user = (name: string): string => `arn:aws:iam::${table.accountId}:user/${name}`;

  before(async () => {
    plan = await synthesize({ stack: "dev" });
    keys = new KeyRegistry();
    authorizer = new Authorizer({ keys });
    await loadPlan(authorizer, keys, plan);
    const [tableState] = resources(plan, "aws:dynamodb/table:Table");
    tableArn = tableState.outputs.arn as string;
    keyArn = resources(plan, "aws:kms/key:Key")[0].outputs.arn as string;
    const [, , , region, accountId] = tableArn.split(":");
    table = { name: tableState.outputs.name as string, region, accountId };
  });

  it("the key policy passes KMS's deploy-time checks for the deploying identity, and fails them for a key user", async () => {
    const [key] = resources(plan, "aws:kms/key:Key");
    const check = (callerArn: string) =>
      authorizer.validateKeyPolicy({ keyArn, policy: key.outputs.policy, callerArn }).then(
        () => "accepted",
        (error: { code: string }) => error.code,
      );
    expect(await check(deployerArn(plan))).to.equal("accepted");
    // app-user could not change the key policy afterwards: KMS's lockout check refuses it as the caller.
    expect(await check(user("app-user"))).to.equal("MalformedPolicyDocumentException");
  });

  it("app-user (readwrite, key user) may read and write items and decrypt through DynamoDB", async () => {
    expect(
      (await authorizer.authorizeDynamoDb(user("app-user"), "dynamodb:PutItem", tableArn)).allowed,
    ).to.equal(true);
    expect(
      (await authorizer.authorizeDynamoDb(user("app-user"), "dynamodb:GetItem", tableArn)).allowed,
    ).to.equal(true);
    const kms = await authorizer.authorizeKmsViaDynamoDb(user("app-user"), "kms:Decrypt", keyArn, table);
    expect(kms.allowed).to.equal(true);
  });

  it("app-user may not use the key directly", async () => {
    expect((await authorizer.authorizeKms(user("app-user"), "kms:Decrypt", keyArn)).allowed).to.equal(false);
  });

  it("kms-test-user (AmazonDynamoDBFullAccess, not a key user) passes IAM but is refused the key", async () => {
    expect(
      (await authorizer.authorizeDynamoDb(user("kms-test-user"), "dynamodb:GetItem", tableArn)).allowed,
    ).to.equal(true);
    const kms = await authorizer.authorizeKmsViaDynamoDb(user("kms-test-user"), "kms:Decrypt", keyArn, table);
    expect(kms.allowed).to.equal(false);
    expect(kms.message).to.equal(
      `User: ${user("kms-test-user")} is not authorized to perform: kms:Decrypt on resource: ${keyArn} because no identity-based policy allows the kms:Decrypt action`,
    );
  });

  it("making kms-test-user a key user changes the key policy in place and takes effect on the next decision", async () => {
    const config = loadStackConfig("dev", REPO_ROOT);
    const users = (config["kms-dynamodb:users"] as { name: string; keyUser: boolean }[]).map((entry) => ({
      ...entry,
      keyUser: true,
    }));
    const granted = await synthesize({ stack: "dev", config: { ...config, "kms-dynamodb:users": users } });
    const grantedKey = resources(granted, "aws:kms/key:Key")[0];
    expect(grantedKey.outputs.arn).to.equal(keyArn);
    await loadPlan(authorizer, keys, granted);
    const kms = await authorizer.authorizeKmsViaDynamoDb(user("kms-test-user"), "kms:Decrypt", keyArn, table);
    expect(kms.allowed).to.equal(true);
  });
});
