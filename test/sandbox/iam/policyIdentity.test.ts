/**
 * Authorizer.policyIdentity (sandbox/iam/policyIdentity.ts): what of a principal's compiled policy set
 * decides, as the static proof shares decisions by it. Every policy the engine compiles for the principal
 * counts, whatever its source, so a source added to the engine reaches the proof with no change there.
 */
import { expect } from "chai";
import { Authorizer, type PolicyDocument } from "../../../sandbox/iam";
import { ACCOUNT_ID, TABLE_ARN } from "../../support/seedAuthorizer";

const ALICE = `arn:aws:iam::${ACCOUNT_ID}:user/alice`;
const BOB = `arn:aws:iam::${ACCOUNT_ID}:user/bob`;
const ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/worker`;
const SESSION = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/worker/s1`;
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT_ID}:policy/tables-only`;

function policy(...statements: Record<string, unknown>[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements as unknown as PolicyDocument["Statement"] };
}

const ALLOW_GET = policy({ Effect: "Allow", Action: "dynamodb:GetItem", Resource: TABLE_ARN });
const OWN_PREFIX = policy({
  Effect: "Allow",
  Action: "dynamodb:Query",
  Resource: TABLE_ARN,
  Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["${aws:username}"] } },
});
const BY_CONTEXT = policy({
  Effect: "Allow",
  Action: "kms:Decrypt",
  Resource: "*",
  Condition: { StringEquals: { "kms:EncryptionContext:aws:dynamodb:tableName": "orders" } },
});

function authorizer(): Authorizer {
  return new Authorizer();
}

describe("sandbox/iam policy identity", () => {
  it("is the same for two users whose policies differ only by their inline policies' names", () => {
    const authz = authorizer();
    authz.putPrincipal({ arn: ALICE, inlinePolicies: [{ name: "reads", document: ALLOW_GET }] });
    authz.putPrincipal({ arn: BOB, inlinePolicies: [{ name: "table-get", document: ALLOW_GET }] });
    expect(authz.policyIdentity(ALICE).fingerprint).to.equal(authz.policyIdentity(BOB).fingerprint);
  });

  it("tells apart a user whose group, or boundary, adds a policy", () => {
    // A group's policies are identity-based policies of each member (IAM User Guide, "IAM user groups",
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html); a boundary limits them (IAM User
    // Guide, "Permissions boundaries for IAM entities",
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
    const authz = authorizer();
    authz.putPrincipal({ arn: ALICE, inlinePolicies: [{ name: "reads", document: ALLOW_GET }] });
    const alone = authz.policyIdentity(ALICE);
    authz.putPrincipal({
      arn: BOB,
      inlinePolicies: [{ name: "reads", document: ALLOW_GET }],
      sourcePolicies: {
        identity: [
          {
            name: "group:readers/inline:prefix",
            document: OWN_PREFIX,
            label: "group readers inline policy prefix",
          },
        ],
      },
    });
    const grouped = authz.policyIdentity(BOB);
    expect(grouped.fingerprint).to.not.equal(alone.fingerprint);
    // The group's policy reads aws:username, and allows dynamodb:Query where Alice's own policies do not.
    expect([alone.readsPrincipal, grouped.readsPrincipal]).to.deep.equal([false, true]);
    expect([alone.mayAllow("dynamodb:Query"), grouped.mayAllow("dynamodb:query")]).to.deep.equal([
      false,
      true,
    ]);

    authz.putPrincipal({
      arn: BOB,
      inlinePolicies: [{ name: "reads", document: ALLOW_GET }],
      sourcePolicies: {
        identity: [],
        boundary: { name: `boundary:${BOUNDARY_ARN}`, managedPolicyArn: BOUNDARY_ARN },
      },
      customerManagedPolicies: [{ arn: BOUNDARY_ARN, document: BY_CONTEXT }],
    });
    const bounded = authz.policyIdentity(BOB);
    expect(bounded.fingerprint).to.not.equal(alone.fingerprint);
    expect([alone.readsEncryptionContext, bounded.readsEncryptionContext]).to.deep.equal([false, true]);
    // A boundary allows nothing by itself: only identity-based policies say what may be allowed.
    expect(bounded.mayAllow("kms:Decrypt")).to.equal(false);
    expect(bounded.resourcePatterns).to.include.members([TABLE_ARN, "*"]);
  });

  it("counts a role session's session policies, a source the principal's own record does not hold", () => {
    // A session's permissions are the intersection of its role's and its session policies (IAM User
    // Guide, "Session policies",
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session).
    const sessions = new Map([[SESSION, { policy: JSON.stringify(BY_CONTEXT) }]]);
    const authz = new Authorizer({ sessions: { sessionPolicies: (arn) => sessions.get(arn) } });
    authz.putPrincipal({
      arn: ROLE,
      inlinePolicies: [{ name: "reads", document: ALLOW_GET }],
      trustPolicy: policy({ Effect: "Allow", Principal: { AWS: ALICE }, Action: "sts:AssumeRole" }),
    });
    const other = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/worker/s2`;
    expect(authz.policyIdentity(SESSION).fingerprint).to.not.equal(authz.policyIdentity(other).fingerprint);
    expect(authz.policyIdentity(SESSION).readsEncryptionContext).to.equal(true);
    expect(authz.policyIdentity(other).readsEncryptionContext).to.equal(false);
  });

  it("takes policies whose documents are unknown at worst: any action may be allowed", () => {
    const authz = authorizer();
    authz.putPrincipal({
      arn: ALICE,
      inlinePolicies: [{ name: "reads", document: ALLOW_GET }],
      unknownPolicies: ["arn:aws:iam::aws:policy/SomePolicyNotHeld"],
    });
    const identity = authz.policyIdentity(ALICE);
    expect([identity.unknown, identity.mayAllow("kms:Decrypt")]).to.deep.equal([true, true]);
  });

  it("reads the organization's SCPs and RCPs for every principal of the account", () => {
    const authz = authorizer();
    authz.putPrincipal({ arn: ALICE, inlinePolicies: [{ name: "reads", document: ALLOW_GET }] });
    expect(authz.policyIdentity(ALICE).readsPrincipal).to.equal(false);
    authz.putOrganization({
      accountId: ACCOUNT_ID,
      managementAccountId: "999999999999",
      scps: [
        [
          {
            name: "scp:own-prefix",
            document: policy({
              Effect: "Deny",
              Action: "dynamodb:*",
              Resource: "*",
              Condition: { StringNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:user/a*" } },
            }),
          },
        ],
      ],
      rcps: [],
    });
    expect(authz.policyIdentity(ALICE).readsPrincipal).to.equal(true);
  });
});
