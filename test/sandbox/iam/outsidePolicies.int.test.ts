/**
 * Groups, permissions boundaries, SCPs and RCPs enforced by the running sandbox, seen by unmodified AWS
 * SDK v3 clients over HTTP: a plan with all four is applied, and each user's requests get AWS's answer
 * and AWS's AccessDenied message naming the policy type (IAM User Guide, "Troubleshoot access denied
 * error messages", https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
 */
import { DeleteItemCommand, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DecryptCommand } from "@aws-sdk/client-kms";
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Sandbox } from "../../../sandbox";
import { sealBlob } from "../../../sandbox/kms/ciphertext";
import { ACCOUNT_ID, REGION } from "../../support/accessStacks";
import { outsidePolicyPlan } from "../../support/outsidePolicyStack";
import { ClientPool, failureOf, programUser, sandboxWithPlan, type Clients } from "../../support/sandbox";
import { useTempDir } from "../../support/tempDir";

const PLAN = outsidePolicyPlan("out");

const TABLE = "out-t0";
/** The generated key's id, from the plan's key resource. */
const PLAN_KEY_ID = PLAN.steps.find((step) => step.newState?.type === "aws:kms/key:Key")?.newState?.id;
const ITEM = { pk: { S: "a" } };

describe("sandbox: groups, boundaries, SCPs and RCPs over HTTP (SDK v3)", function () {
  this.timeout(60_000);
  const deployed = sandboxWithPlan(PLAN, { port: 0 });
  const clients: Clients[] = [];

  before(() => {
    for (const name of ["out-u0", "out-u1", "out-u2"]) {
      clients.push(deployed.user(name));
    }
  });

  it('lets a group member write and read through its group\'s attached policy (IAM User Guide, "IAM user groups")', async () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html
    await clients[0].dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: ITEM }));
    const read = await clients[0].dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: ITEM }));
    expect(read.Item?.pk?.S).to.equal("a");
  });

  it("refuses a write outside the user's permissions boundary, naming the boundary", async () => {
    // IAM User Guide, "Permissions boundaries for IAM entities"
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
    const failure = await failureOf(
      clients[1].dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: ITEM })),
    );
    expect(failure.name).to.equal("AccessDeniedException");
    expect(failure.message).to.contain("permissions boundary");
    const read = await clients[1].dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: ITEM }));
    expect(read.Item?.pk?.S).to.equal("a");
  });

  it("lets a key user whose boundary allows no KMS action read through DynamoDB: the key policy names it", async () => {
    // Same page, "Resource-based policies": within an account, an implicit deny in a permissions boundary
    // does not limit what a resource-based policy (the key policy) grants the IAM user itself.
    const read = await clients[2].dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: ITEM }));
    expect(read.Item?.pk?.S).to.equal("a");
  });

  it("refuses DeleteItem to every principal of the member account under the SCP, naming it", async () => {
    // Organizations User Guide, "Service control policies (SCPs)"
    // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
    const failure = await failureOf(
      clients[0].dynamodb.send(new DeleteItemCommand({ TableName: TABLE, Key: ITEM })),
    );
    expect(failure.name).to.equal("AccessDeniedException");
    expect(failure.message).to.contain("service control policy");
  });

  it("refuses a direct kms:Decrypt of the account's key under the RCP, naming it", async () => {
    // Organizations User Guide, "Resource control policies (RCPs)"
    // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html): the RCP
    // denies kms:Decrypt unless kms:ViaService is DynamoDB; the group's identity policy would allow it.
    // A ciphertext that names the key, sealed with other material: KMS authorizes Decrypt before it
    // opens the blob (KMS API reference, Decrypt: errors), so an AccessDeniedException is the RCP's.
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/${String(PLAN_KEY_ID)}`;
    const blob = sealBlob(keyArn, randomBytes(32), Buffer.from("probe"), {});
    const failure = await failureOf(clients[0].kms.send(new DecryptCommand({ CiphertextBlob: blob })));
    expect(failure.name).to.equal("AccessDeniedException");
    expect(failure.message).to.contain("resource control policy");
  });

  describe("after a restart with --data-dir", () => {
    const dataDir = useTempDir("outside-policies");

    it("keeps the groups, the boundaries and the organization (the management account the plan named included)", async () => {
      const first = await Sandbox.start({ port: 0, dataDir: dataDir() });
      try {
        await first.apply(PLAN);
      } finally {
        await first.stop();
      }
      const second = await Sandbox.start({ port: 0, dataDir: dataDir() });
      const pool = new ClientPool();
      try {
        const as = (name: string) => pool.open(second.endpoint, programUser(second, name), REGION);
        await as("out-u0").dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: ITEM }));
        const scp = await failureOf(
          as("out-u0").dynamodb.send(new DeleteItemCommand({ TableName: TABLE, Key: ITEM })),
        );
        expect(scp.message).to.contain("service control policy");
        const boundary = await failureOf(
          as("out-u1").dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: ITEM })),
        );
        expect(boundary.message).to.contain("permissions boundary");
      } finally {
        pool.destroy();
        await second.stop();
      }
    });
  });
});
