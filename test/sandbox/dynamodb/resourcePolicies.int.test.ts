/**
 * Table resource-based policies over real HTTP with AWS SDK v3 clients: from the plan (aws.dynamodb.Table
 * `resourcePolicy`, aws.dynamodb.ResourcePolicy), and Put/Get/DeleteResourcePolicy at run time; same-account
 * access by the table's policy alone, its explicit Deny, and a principal of a second account (its ARN
 * names the account) that needs its own identity policy, the table's policy and, for items, the key policy.
 * Expectations from:
 * - DynamoDB Developer Guide, "Using resource-based policies for DynamoDB"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html)
 *   and its "Cross-account access with resource-based policies in DynamoDB" page: within an account either
 *   policy may allow, an explicit deny in either refuses; another account's principal needs both, and names
 *   the table by its ARN; a table on a customer managed key also needs the key policy to allow that principal.
 * - IAM User Guide, "Cross-account policy evaluation logic"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
 * - DynamoDB API reference, PutResourcePolicy (ExpectedRevisionId, NO_POLICY, PolicyNotFoundException,
 *   ConfirmRemoveSelfResourceAccess, the same policy keeping its RevisionId), GetResourcePolicy
 *   (PolicyNotFoundException without a policy), DeleteResourcePolicy.
 * - STS API reference, GetCallerIdentity: Account is the caller's own account.
 */
import {
  DeleteResourcePolicyCommand,
  GetItemCommand,
  GetResourcePolicyCommand,
  PutItemCommand,
  PutResourcePolicyCommand,
} from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { outcomeOf, rejectionOf } from "../../support/errors";
import {
  EXT,
  EXT_KEY,
  OTHER_ACCOUNT,
  policy,
  resourcePolicyPlan,
  T0,
  T1,
  U0,
  U1,
} from "../../support/resourcePolicyStack";
import { sandboxWithPlan, type Clients, type Credentials } from "../../support/sandbox";

const PLAN = resourcePolicyPlan();
const USERS = PLAN.outputs.users as Record<string, Credentials>;
const KEY = { pk: { S: "resource-policy" } };

describe("sandbox: DynamoDB table resource-based policies", function () {
  this.timeout(60_000);
  const { as, admin } = sandboxWithPlan(PLAN);

  const getItem = (clients: Clients, table: string) =>
    outcomeOf(clients.dynamodb.send(new GetItemCommand({ TableName: table, Key: KEY })));

  it("allows a same-account principal by the table's policy alone", async () => {
    expect(await getItem(as(USERS["rp-u1"]), "rp-t0")).to.equal("allowed");
    // Not GetItem on rp-t1, whose policy does not name it.
    expect(await getItem(as(USERS["rp-u1"]), "rp-t1")).to.match(/^AccessDeniedException: /);
  });

  it("refuses what the table's policy explicitly denies, whatever the identity policy allows", async () => {
    const error = await rejectionOf(
      as(USERS["rp-u0"]).dynamodb.send(new PutItemCommand({ TableName: "rp-t0", Item: KEY })),
    );
    expect(error.name).to.equal("AccessDeniedException");
    expect(error.message).to.contain(`with an explicit deny in a resource-based policy`);
    expect(await getItem(as(USERS["rp-u0"]), "rp-t0")).to.equal("allowed");
  });

  it("reports a principal of another account in its own account (GetCallerIdentity)", async () => {
    const identity = await as(EXT_KEY).sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).to.equal(OTHER_ACCOUNT);
    expect(identity.Arn).to.equal(EXT);
  });

  it("lets another account's principal read by ARN with its identity policy, the table's policy and the key policy", async () => {
    const partner = as(EXT_KEY);
    // rp-t0: AWS owned key; rp-t1: k0, whose key policy names the partner.
    expect(await getItem(partner, T0)).to.equal("allowed");
    expect(await getItem(partner, T1)).to.equal("allowed");
    // A bare name names a table of the partner's own account.
    expect(await getItem(partner, "rp-t0")).to.match(/^ResourceNotFoundException: /);
    // PutItem: its identity policy allows nothing but GetItem.
    const put = await outcomeOf(partner.dynamodb.send(new PutItemCommand({ TableName: T0, Item: KEY })));
    expect(put).to.match(/^AccessDeniedException: /);
  });

  it("needs the table's policy for another account even when its identity policy allows", async () => {
    const partner = as(EXT_KEY);
    const deployer = admin();
    await deployer.dynamodb.send(new DeleteResourcePolicyCommand({ ResourceArn: T1 }));
    expect(await getItem(partner, T1)).to.match(/^AccessDeniedException: .*no resource-based policy allows/);
  });

  it("manages a policy with Put/Get/DeleteResourcePolicy, revision by revision", async () => {
    const deployer = admin();
    const document = policy({
      Effect: "Allow",
      Principal: { AWS: U1 },
      Action: "dynamodb:GetItem",
      Resource: T1,
    });
    const put = await deployer.dynamodb.send(
      new PutResourcePolicyCommand({ ResourceArn: T1, Policy: document, ExpectedRevisionId: "NO_POLICY" }),
    );
    expect(put.RevisionId).to.match(/^\d+$/);
    const got = await deployer.dynamodb.send(new GetResourcePolicyCommand({ ResourceArn: T1 }));
    expect(got).to.include({ Policy: document, RevisionId: put.RevisionId });
    // The same policy again keeps its revision; NO_POLICY and a wrong revision are refused.
    const again = await deployer.dynamodb.send(
      new PutResourcePolicyCommand({ ResourceArn: T1, Policy: document }),
    );
    expect(again.RevisionId).to.equal(put.RevisionId);
    for (const ExpectedRevisionId of ["NO_POLICY", "12345"]) {
      const error = await rejectionOf(
        deployer.dynamodb.send(
          new PutResourcePolicyCommand({ ResourceArn: T1, Policy: document, ExpectedRevisionId }),
        ),
      );
      expect(error.name, ExpectedRevisionId).to.equal("PolicyNotFoundException");
    }
    // rp-u1 reads rp-t1 by the new policy, as far as IAM goes: the key policy does not name it.
    expect(await getItem(as(USERS["rp-u1"]), "rp-t1")).to.match(
      /^AccessDeniedException: KMS key access denied/,
    );
    const deleted = await deployer.dynamodb.send(
      new DeleteResourcePolicyCommand({ ResourceArn: T1, ExpectedRevisionId: put.RevisionId }),
    );
    expect(deleted.RevisionId).to.equal(put.RevisionId);
    const none = await rejectionOf(deployer.dynamodb.send(new GetResourcePolicyCommand({ ResourceArn: T1 })));
    expect(none.name).to.equal("PolicyNotFoundException");
    expect(await getItem(as(USERS["rp-u1"]), "rp-t1")).to.match(/^AccessDeniedException: User: /);
  });

  it("refuses a policy that removes the caller's own PutResourcePolicy unless confirmed", async () => {
    const u0 = as(USERS["rp-u0"]);
    const lockout = policy({
      Effect: "Deny",
      Principal: { AWS: U0 },
      Action: "dynamodb:PutResourcePolicy",
      Resource: T1,
    });
    const refused = await rejectionOf(
      u0.dynamodb.send(new PutResourcePolicyCommand({ ResourceArn: T1, Policy: lockout })),
    );
    expect(refused.name).to.equal("ValidationException");
    expect(refused.message).to.contain("ConfirmRemoveSelfResourceAccess");
    await u0.dynamodb.send(
      new PutResourcePolicyCommand({
        ResourceArn: T1,
        Policy: lockout,
        ConfirmRemoveSelfResourceAccess: true,
      }),
    );
    const locked = await rejectionOf(
      u0.dynamodb.send(
        new PutResourcePolicyCommand({
          ResourceArn: T1,
          Policy: policy({
            Effect: "Allow",
            Principal: { AWS: U0 },
            Action: "dynamodb:GetItem",
            Resource: T1,
          }),
        }),
      ),
    );
    expect(locked.name).to.equal("AccessDeniedException");
  });

  it("refuses a policy DynamoDB cannot read, and a ResourceArn that is no table ARN", async () => {
    const deployer = admin();
    const malformed = await rejectionOf(
      deployer.dynamodb.send(new PutResourcePolicyCommand({ ResourceArn: T0, Policy: "{not json" })),
    );
    expect(malformed.name).to.equal("ValidationException");
    const notArn = await rejectionOf(
      deployer.dynamodb.send(new GetResourcePolicyCommand({ ResourceArn: "rp-t0" })),
    );
    expect(notArn.name).to.equal("ValidationException");
  });
});
