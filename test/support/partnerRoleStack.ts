/**
 * Roles across accounts, for the sandbox's and the static proof's tests: resourcePolicyStack's plan
 * (rp-t0 on an AWS owned key, rp-t1 on key rp-k0, the user `partner` of OTHER_ACCOUNT) with
 * - `partner-reader`, a role of OTHER_ACCOUNT whose trust policy lets `partner` assume it, allowed
 *   GetItem on both tables and kms:Decrypt on rp-k0 by its own policy; rp-t0's policy and rp-k0's key policy
 *   name the role, rp-t1's lets OTHER_ACCOUNT's principals in;
 * - `rp-cross`, a role of the stack's account whose trust policy names OTHER_ACCOUNT (its root), allowed
 *   GetItem on rp-t1 (and kms:Decrypt on rp-k0, whose key policy lets the account's IAM policies allow it);
 * - `partner` allowed sts:AssumeRole on both roles by its identity policy; `partner-2`, a second user of
 *   OTHER_ACCOUNT with a key, allowed nothing.
 */
import type { Plan } from "../../plan/types";
import { ACCOUNT_ID } from "./accessStacks";
import { addResource, appendStatements, generatedUrn as urn, resourceNamed, type AddedState } from "./plan";
import {
  addOutsideUser,
  keyThroughDynamoDb,
  EXT,
  K0,
  OTHER_ACCOUNT,
  policy,
  resourcePolicyPlan,
  T0,
  T1,
} from "./resourcePolicyStack";

export const PARTNER_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/partner-reader`;
export const CROSS_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/rp-cross`;
export const PARTNER_2 = `arn:aws:iam::${OTHER_ACCOUNT}:user/partner-2`;
export const PARTNER_2_KEY = {
  accessKeyId: "AKIAPARTNERTWOEXAMPL",
  secretAccessKey: "partner-two-secret-access-key-00000000000",
};

export function partnerRolePlan(): Plan {
  const plan = resourcePolicyPlan();
  const add = (state: AddedState) => addResource(plan, state);
  const role = (
    name: string,
    arn: string,
    uniqueId: string,
    trusted: string,
    ...statements: Record<string, unknown>[]
  ) => {
    add({
      type: "aws:iam/role:Role",
      urn: urn("aws:iam/role:Role", name),
      id: name,
      inputs: {
        name,
        assumeRolePolicy: policy({ Effect: "Allow", Principal: { AWS: trusted }, Action: "sts:AssumeRole" }),
      },
      outputs: { name, arn, uniqueId },
    });
    add({
      type: "aws:iam/rolePolicy:RolePolicy",
      urn: urn("aws:iam/rolePolicy:RolePolicy", name),
      id: `${name}:${name}-policy`,
      inputs: { name: `${name}-policy`, role: name, policy: policy(...statements) },
      outputs: {},
    });
  };
  role(
    "partner-reader",
    PARTNER_ROLE,
    "AROAPARTNERREADER001",
    EXT,
    { Effect: "Allow", Action: "dynamodb:GetItem", Resource: [T0, T1] },
    { Effect: "Allow", Action: "kms:Decrypt", Resource: K0 },
  );
  role(
    "rp-cross",
    CROSS_ROLE,
    "AROARPCROSSROLE00001",
    `arn:aws:iam::${OTHER_ACCOUNT}:root`,
    { Effect: "Allow", Action: "dynamodb:GetItem", Resource: T1 },
    { Effect: "Allow", Action: "kms:Decrypt", Resource: K0 },
  );
  // partner may assume both roles; partner-2 is a user of the same account with no policy.
  appendStatements(resourceNamed(plan, "aws:iam/userPolicy:UserPolicy", "partner"), "policy", {
    Effect: "Allow",
    Action: "sts:AssumeRole",
    Resource: [PARTNER_ROLE, CROSS_ROLE],
  });
  addOutsideUser(plan, {
    name: "partner-2",
    arn: PARTNER_2,
    uniqueId: "AIDAPARTNERTWO000001",
    key: PARTNER_2_KEY,
  });
  // rp-t0's policy names the partner role; rp-t1's already lets OTHER_ACCOUNT in (its root).
  const t0Policy = resourceNamed(plan, "aws:dynamodb/resourcePolicy:ResourcePolicy", "rp-t0-policy");
  appendStatements(t0Policy, "policy", {
    Sid: "PartnerRoleReads",
    Effect: "Allow",
    Principal: { AWS: PARTNER_ROLE },
    Action: "dynamodb:GetItem",
    Resource: T0,
  });
  // rp-k0's key policy lets the partner role use the key through DynamoDB.
  const k0 = resourceNamed(plan, "aws:kms/key:Key", "rp-k0");
  appendStatements(k0, "policy", keyThroughDynamoDb("PartnerRoleThroughDynamoDB", PARTNER_ROLE));
  return plan;
}
