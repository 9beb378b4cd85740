/**
 * The organization condition keys over real HTTP with AWS SDK v3 clients: a table resource policy and a
 * key policy that let in the principals of one organization (aws:PrincipalOrgID, aws:PrincipalOrgPaths),
 * a user of a member account and one of an account outside it (test/support/organizationStack.ts).
 * Expectations from:
 * - IAM User Guide, "AWS global condition context keys"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 *   aws:PrincipalOrgID is "the identifier of the organization in AWS Organizations to which the requesting
 *   principal belongs", included "only if the principal is a member of an organization"; aws:PrincipalOrgPaths
 *   is the path o-id/r-id/ou-id/…/ of the principal's account, under the same rule; aws:ResourceOrgID is
 *   the organization of the account that owns the resource, present only when it is a member; a
 *   condition on a key the request does not carry does not match.
 * - DynamoDB Developer Guide, "Using resource-based policies for cross-account access"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-cross-account-access.html), and
 *   the IAM User Guide, "Cross-account policy evaluation logic": another account's principal needs its own
 *   identity policy, the table's policy and, on a customer managed key, the key policy.
 * An account whose membership the model cannot tell is refused (NotModelledBySandboxException naming the
 * key), never decided as if it were outside (docs/authorization.md, condition keys).
 */
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { outcomeOf } from "../../support/errors";
import { MEMBER_KEY, organizationPlan, OUTSIDER_KEY } from "../../support/organizationStack";
import { T0, T1 } from "../../support/resourcePolicyStack";
import { sandboxWithPlan, testProgramOutputs, type Credentials } from "../../support/sandbox";

const KEY = { pk: { S: "organization" } };

for (const shape of ["organization", "accounts"] as const) {
  describe(`sandbox: organization condition keys (the plan's ${shape === "organization" ? "Organization, OU and Account" : "OU and Account only"})`, function () {
    this.timeout(60_000);
    const deployed = sandboxWithPlan(() => organizationPlan(shape));

    const getItem = (credentials: Credentials, table: string) =>
      outcomeOf(deployed.as(credentials).dynamodb.send(new GetItemCommand({ TableName: table, Key: KEY })));

    it("lets a member account's principal read by aws:PrincipalOrgID (table policy) and through the key policy", async () => {
      expect(await getItem(MEMBER_KEY, T0)).to.equal("allowed");
    });

    it("lets it read by aws:PrincipalOrgPaths under its OU, the key policy naming the organization", async () => {
      expect(await getItem(MEMBER_KEY, T1)).to.equal("allowed");
    });

    it(`${shape === "organization" ? "lets" : "refuses"} an identity policy on aws:ResourceOrgID ${shape === "organization" ? "allow a write to a table of a member account" : "decide where the plan does not tell the table's account's membership"}`, async () => {
      const clients = deployed.as(testProgramOutputs(deployed.sandbox).users["rp-u1"]);
      const answer = await outcomeOf(
        clients.dynamodb.send(new PutItemCommand({ TableName: "rp-t0", Item: KEY })),
      );
      if (shape === "organization") {
        expect(answer).to.equal("allowed");
      } else {
        expect(answer).to.match(/^NotModelledBySandboxException: .*aws:ResourceOrgID/);
      }
    });

    if (shape === "organization") {
      it("denies a principal of an account outside the organization: the key is absent, the condition does not match", async () => {
        expect(await getItem(OUTSIDER_KEY, T0)).to.match(
          /^AccessDeniedException: .*no resource-based policy allows/,
        );
        expect(await getItem(OUTSIDER_KEY, T1)).to.match(/^AccessDeniedException: /);
      });
    } else {
      it("refuses a principal of an account whose membership the plan does not tell, naming the key", async () => {
        const answer = await getItem(OUTSIDER_KEY, T0);
        expect(answer).to.match(/^NotModelledBySandboxException: /);
        expect(answer).to.contain("aws:PrincipalOrgID");
      });
    }
  });
}
