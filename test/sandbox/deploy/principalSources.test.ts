/**
 * The one mapping of the cloud model's policy sources onto the engine's principal spec
 * (sandbox/deploy/policySources/, principalSourcesOf), which the sandbox and the static proof share.
 */
import { expect } from "chai";
import { Authorizer } from "../../../sandbox/iam";
import { principalSourcesOf, type CloudGroup } from "../../../sandbox/deploy/policySources";
import { ACCOUNT_ID } from "../../support/accounts";

const ALICE = `arn:aws:iam::${ACCOUNT_ID}:user/alice`;
const BOB = `arn:aws:iam::${ACCOUNT_ID}:user/bob`;
const BOUNDARY = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess";
const READ_ONLY = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess";

function group(name: string, members: string[], extra: Partial<CloudGroup> = {}): CloudGroup {
  return {
    arn: `arn:aws:iam::${ACCOUNT_ID}:group/${name}`,
    name,
    path: "/",
    inlinePolicies: [],
    managedPolicyArns: [],
    unknownPolicies: [],
    members,
    ...extra,
  };
}

describe("cloud model: the policy sources' part of a principal's engine spec", () => {
  it("gives a member its groups, the sources' managed policies and unknown ones, and sets no field it lacks", () => {
    const sourcesOf = principalSourcesOf({
      groups: [
        group("readers", [ALICE], { managedPolicyArns: [READ_ONLY] }),
        // A member listed twice is in the group once.
        group("opaque", [ALICE, ALICE], { unknownPolicies: ["arn:aws:iam::aws:policy/NotHeld"] }),
      ],
    });
    const alice = sourcesOf({ arn: ALICE, permissionsBoundary: BOUNDARY });
    // Named as decisions name them: "group:GROUP/POLICY_ARN", "boundary:POLICY_ARN".
    expect(alice.fields).to.deep.equal({
      sourcePolicies: {
        identity: [
          {
            name: `group:readers/${READ_ONLY}`,
            managedPolicyArn: READ_ONLY,
            holderArn: `arn:aws:iam::${ACCOUNT_ID}:group/readers`,
          },
        ],
        boundary: { name: `boundary:${BOUNDARY}`, managedPolicyArn: BOUNDARY },
      },
    });
    expect(alice.managedPolicyArns).to.deep.equal([READ_ONLY, BOUNDARY]);
    expect(alice.unknownPolicies).to.deep.equal(["arn:aws:iam::aws:policy/NotHeld"]);
    const bob = sourcesOf({ arn: BOB });
    expect(bob).to.deep.equal({ fields: {}, managedPolicyArns: [], unknownPolicies: [] });
  });

  it("maps onto a spec the engine compiles: a group's policy allows its member", async () => {
    // A group's policies are identity-based policies of each member (IAM User Guide, "IAM user groups",
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html).
    const sourcesOf = principalSourcesOf({
      groups: [group("readers", [ALICE], { managedPolicyArns: [READ_ONLY] })],
    });
    const authorizer = new Authorizer();
    authorizer.putPrincipal({ arn: ALICE, ...sourcesOf({ arn: ALICE }).fields });
    authorizer.putPrincipal({ arn: BOB, ...sourcesOf({ arn: BOB }).fields });
    const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT_ID}:table/orders`;
    const decisions = await Promise.all(
      [ALICE, BOB].map((arn) => authorizer.authorizeDynamoDb(arn, "dynamodb:GetItem", table)),
    );
    expect(decisions.map((decision) => decision.allowed)).to.deep.equal([true, false]);
  });
});
