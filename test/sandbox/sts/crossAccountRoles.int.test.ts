/**
 * Roles across accounts over real HTTP with AWS SDK v3 clients (test/support/partnerRoleStack.ts): a role
 * of a second account assumed by a user of that account, its session reading the stack's tables by ARN
 * through the table's policy and the key policy; and a role of the stack's account whose trust policy names
 * the second account, assumed by that account's user whose identity policy allows sts:AssumeRole.
 * Expectations from:
 * - IAM User Guide, "Cross account resource access in IAM"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies-cross-account-resource-access.html):
 *   a principal of another account reaches a resource when the resource's policy names it (or its
 *   account) and its own identity policy allows; to use a role in another account, the role's trust
 *   policy names the trusted account and the trusted account grants its user sts:AssumeRole on the role.
 * - DynamoDB Developer Guide, "Using resource-based policies for cross-account access"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-cross-account-access.html): the
 *   table is named by its ARN; on a customer managed key the key policy must allow the principal too.
 * - STS API reference, GetCallerIdentity: Account and Arn are the calling session's
 *   (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION).
 */
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { ACCOUNT_ID } from "../../support/accessStacks";
import { outcomeOf } from "../../support/errors";
import { CROSS_ROLE, PARTNER_2_KEY, PARTNER_ROLE, partnerRolePlan } from "../../support/partnerRoleStack";
import { EXT_KEY, OTHER_ACCOUNT, T0, T1 } from "../../support/resourcePolicyStack";
import { sandboxWithPlan, type Clients, type Credentials } from "../../support/sandbox";

const KEY = { pk: { S: "cross-account-role" } };

describe("sandbox: roles across accounts", function () {
  this.timeout(60_000);
  const sandbox = sandboxWithPlan(partnerRolePlan);
  const as = sandbox.as;
  const session = (user: Credentials, roleArn: string): Promise<Clients> =>
    sandbox.session(user, { RoleArn: roleArn, RoleSessionName: "cross-account" });

  const getItem = (clients: Clients, table: string) =>
    outcomeOf(clients.dynamodb.send(new GetItemCommand({ TableName: table, Key: KEY })));

  it("issues a session of the second account's role to its user; GetCallerIdentity reports that account", async () => {
    const reader = await session(EXT_KEY, PARTNER_ROLE);
    const identity = await reader.sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).to.equal(OTHER_ACCOUNT);
    expect(identity.Arn).to.equal(`arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/partner-reader/cross-account`);
  });

  it("lets the session read the stack's tables by ARN through the table's policy and the key policy", async () => {
    const reader = await session(EXT_KEY, PARTNER_ROLE);
    // rp-t0 (AWS owned key): its policy names the role; rp-t1 (rp-k0): its policy names the role's
    // account, rp-k0's key policy the role.
    expect(await getItem(reader, T0)).to.equal("allowed");
    expect(await getItem(reader, T1)).to.equal("allowed");
    // A bare name is a table of the session's own account; PutItem no policy allows.
    expect(await getItem(reader, "rp-t0")).to.match(/^ResourceNotFoundException: /);
    const put = await outcomeOf(reader.dynamodb.send(new PutItemCommand({ TableName: T0, Item: KEY })));
    expect(put).to.match(/^AccessDeniedException: .*assumed-role\/partner-reader\/cross-account/);
  });

  it("lets the second account's user assume a role of the stack's account that trusts its account, when its identity policy allows", async () => {
    const cross = await session(EXT_KEY, CROSS_ROLE);
    const identity = await cross.sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).to.equal(ACCOUNT_ID);
    expect(await getItem(cross, "rp-t1")).to.equal("allowed");
    expect(await getItem(cross, "rp-t0")).to.match(/^AccessDeniedException: /);
  });

  it("refuses AssumeRole to a user of the trusted account whose identity policy does not allow it", async () => {
    const refused = await outcomeOf(
      as(PARTNER_2_KEY).sts.send(
        new AssumeRoleCommand({ RoleArn: CROSS_ROLE, RoleSessionName: "cross-account" }),
      ),
    );
    expect(refused).to.match(/^AccessDenied: /);
  });
});
