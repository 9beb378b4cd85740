/**
 * A stack whose table and key let in the principals of one AWS organization by aws:PrincipalOrgID, for the
 * sandbox's and the static proof's tests of the organization condition keys. It is resourcePolicyStack's
 * plan (rp-t0 on an AWS owned key, rp-t1 on key rp-k0) with:
 * - rp-t0's policy allowing GetItem to any principal whose aws:PrincipalOrgID is ORG_ID, and rp-t1's
 *   allowing it to any principal whose aws:PrincipalOrgPaths is under the OU `ou-ab12-11111111`;
 * - rp-k0's key policy allowing kms:Decrypt through DynamoDB to any principal of ORG_ID;
 * - rp-u1 allowed PutItem on any table whose account's aws:ResourceOrgID is ORG_ID;
 * - two users of other accounts, each allowed GetItem on both tables and kms:Decrypt on rp-k0 by its own
 *   identity policy: `member` of MEMBER_ACCOUNT, in the organization under that OU, and `outsider` of
 *   OUTSIDER_ACCOUNT, in none;
 * - the organization, as `shape` says: "organization" (an aws.organizations.Organization listing its
 *   accounts, whole, QUIET_MEMBER_ACCOUNT among them; an OU; an aws.organizations.Account placing MEMBER_ACCOUNT in it), or "accounts"
 *   (the OU and Account only: the member list is not whole, so OUTSIDER_ACCOUNT's membership is unknown).
 */
import type { Plan } from "../../plan/types";
import { ACCOUNT_ID } from "./accessStacks";
import { OTHER_ACCOUNT_ID } from "./accounts";
import { addResource, appendStatements, generatedUrn as urn, resourceNamed, type AddedState } from "./plan";
import {
  addOutsideUser,
  K0,
  keyThroughDynamoDb,
  policy,
  resourcePolicyPlan,
  T0,
  T1,
} from "./resourcePolicyStack";

export const ORG_ID = "o-a1b2c3d4e5";
export const ROOT_ID = "r-ab12";
export const OU_ID = "ou-ab12-11111111";
export const MEMBER_ACCOUNT = OTHER_ACCOUNT_ID;
export const OUTSIDER_ACCOUNT = "777788889999";
/** A member account no policy names and no plan principal is of. */
export const QUIET_MEMBER_ACCOUNT = "222233334444";
export const MEMBER = `arn:aws:iam::${MEMBER_ACCOUNT}:user/member`;
export const OUTSIDER = `arn:aws:iam::${OUTSIDER_ACCOUNT}:user/outsider`;
export const MEMBER_KEY = {
  accessKeyId: "AKIAORGMEMBEREXAMPLE",
  secretAccessKey: "org-member-secret-access-key-000000000000",
};
export const OUTSIDER_KEY = {
  accessKeyId: "AKIAORGOUTSIDEREXAMP",
  secretAccessKey: "org-outsider-secret-access-key-00000000000",
};

export function organizationPlan(shape: "organization" | "accounts"): Plan {
  const plan = resourcePolicyPlan();
  const add = (state: AddedState) => addResource(plan, state);
  const t0Policy = resourceNamed(plan, "aws:dynamodb/resourcePolicy:ResourcePolicy", "rp-t0-policy");
  t0Policy.inputs.policy = policy({
    Sid: "OrganizationReads",
    Effect: "Allow",
    Principal: "*",
    Action: "dynamodb:GetItem",
    Resource: T0,
    Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } },
  });
  const t1 = resourceNamed(plan, "aws:dynamodb/table:Table", "rp-t1");
  t1.inputs.resourcePolicy = policy({
    Sid: "OuReads",
    Effect: "Allow",
    Principal: "*",
    Action: "dynamodb:GetItem",
    Resource: T1,
    Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": `${ORG_ID}/*/${OU_ID}/*` } },
  });
  const k0 = resourceNamed(plan, "aws:kms/key:Key", "rp-k0");
  appendStatements(
    k0,
    "policy",
    keyThroughDynamoDb("OrganizationThroughDynamoDB", "*", { "aws:PrincipalOrgID": ORG_ID }),
  );
  for (const [name, arn, key] of [
    ["member", MEMBER, MEMBER_KEY],
    ["outsider", OUTSIDER, OUTSIDER_KEY],
  ] as const) {
    addOutsideUser(
      plan,
      { name, arn, uniqueId: `AIDA${name.toUpperCase()}EXAMPLE0001`, key },
      { Effect: "Allow", Action: "dynamodb:GetItem", Resource: [T0, T1] },
      { Effect: "Allow", Action: "kms:Decrypt", Resource: K0 },
    );
  }
  // rp-u1 may write any table of an account of the organization (aws:ResourceOrgID).
  add({
    type: "aws:iam/userPolicy:UserPolicy",
    urn: urn("aws:iam/userPolicy:UserPolicy", "rp-u1-organization-writes"),
    id: "rp-u1:organization-writes",
    inputs: {
      name: "organization-writes",
      user: "rp-u1",
      policy: policy({
        Effect: "Allow",
        Action: "dynamodb:PutItem",
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceOrgID": ORG_ID } },
      }),
    },
    outputs: {},
  });
  if (shape === "organization") {
    add({
      type: "aws:organizations/organization:Organization",
      urn: urn("aws:organizations/organization:Organization", "org"),
      id: ORG_ID,
      inputs: { featureSet: "ALL" },
      outputs: {
        id: ORG_ID,
        masterAccountId: ACCOUNT_ID,
        roots: [{ id: ROOT_ID, name: "Root" }],
        accounts: [{ id: ACCOUNT_ID }, { id: MEMBER_ACCOUNT }, { id: QUIET_MEMBER_ACCOUNT }],
      },
    });
  }
  add({
    type: "aws:organizations/organizationalUnit:OrganizationalUnit",
    urn: urn("aws:organizations/organizationalUnit:OrganizationalUnit", "workloads"),
    id: OU_ID,
    inputs: { name: "workloads", parentId: ROOT_ID },
    outputs: { arn: `arn:aws:organizations::${ACCOUNT_ID}:ou/${ORG_ID}/${OU_ID}`, accounts: [] },
  });
  add({
    type: "aws:organizations/account:Account",
    urn: urn("aws:organizations/account:Account", "member"),
    id: MEMBER_ACCOUNT,
    inputs: { name: "member", email: "member@example.com", parentId: OU_ID },
    outputs: { arn: `arn:aws:organizations::${ACCOUNT_ID}:account/${ORG_ID}/${MEMBER_ACCOUNT}` },
  });
  return plan;
}
