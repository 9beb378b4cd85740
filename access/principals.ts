/**
 * Who the matrix asks about: the IAM users and roles of the plan (a role is asked as a session of it,
 * which acts with the role's policies: IAM user guide, "Role terms and concepts"), the
 * identity that deploys the stack, and three principals the plan does not create but AWS has:
 * - the account root (the key policy's root statement names it; the root user has every permission of its
 *   account that a key policy does not withhold: IAM user guide, "AWS account root user");
 * - another principal of the same account with no policies (what anyone new in the account gets);
 * - a principal of another account, assumed to hold every permission its own account can give
 *   (AdministratorAccess): cross-account access then depends only on this account's resource policies
 *   (IAM user guide, "Cross-account policy evaluation logic").
 */
import { ADMINISTRATOR_ACCESS_ARN, type CloudModel } from "../sandbox/engine";
import type { PrincipalSpec } from "../sandbox/engine";
import type { AccessPrincipal } from "./types";
import { assumedRoleArn } from "../infra/assumedRole";

/** Synthetic principals live under this IAM path, which the plan's users and roles never use. */
const SYNTHETIC_PATH = "access-analysis";

export function principalsOf(model: CloudModel): AccessPrincipal[] {
  const { partition, accountId } = model;
  const users = model.users.map((user): AccessPrincipal => ({
    arn: user.arn,
    callerArn: user.arn,
    name: user.name,
    kind: "user",
    fromPlan: true,
    canSign: user.accessKeys.length > 0,
    policies: {
      inline: user.inlinePolicies.map((policy) => ({ name: policy.name, document: policy.document })),
      managed: user.managedPolicyArns,
    },
    grants: grantsTo(model, [user.arn]),
  }));
  const roles = model.roles.map((role): AccessPrincipal => {
    const callerArn = sessionArnOf(partition, accountId, role.name);
    return {
      arn: role.arn,
      callerArn,
      name: role.name,
      kind: "role",
      fromPlan: true,
      // A prober signs as a role through STS AssumeRole with the key of a user the trust policy names.
      canSign: model.users.some(
        (user) => user.accessKeys.length > 0 && role.trustPolicy.includes(JSON.stringify(user.arn)),
      ),
      policies: {
        inline: role.inlinePolicies.map((policy) => ({ name: policy.name, document: policy.document })),
        managed: role.managedPolicyArns,
      },
      // A grant to a role covers its sessions; one to a session ARN, that session (KMS developer guide,
      // "Grant concepts": grantee principal).
      grants: grantsTo(model, [role.arn, callerArn]),
    };
  });
  const administrator = { inline: [], managed: [ADMINISTRATOR_ACCESS_ARN] };
  const otherAccount = accountId === "999999999999" ? "888888888888" : "999999999999";
  return [
    ...users,
    ...roles,
    {
      arn: model.deployer.arn,
      callerArn: model.deployer.arn,
      name: "deployer",
      kind: "deployer",
      fromPlan: false,
      canSign: false,
      policies: administrator,
      grants: grantsTo(model, [model.deployer.arn]),
    },
    {
      arn: `arn:${partition}:iam::${accountId}:root`,
      callerArn: `arn:${partition}:iam::${accountId}:root`,
      name: "account root",
      kind: "account-root",
      fromPlan: false,
      canSign: false,
      policies: administrator,
      grants: [],
    },
    {
      arn: `arn:${partition}:iam::${accountId}:user/${SYNTHETIC_PATH}/no-policies`,
      callerArn: `arn:${partition}:iam::${accountId}:user/${SYNTHETIC_PATH}/no-policies`,
      name: "this account, no policies",
      kind: "same-account-no-policies",
      fromPlan: false,
      canSign: false,
      policies: { inline: [], managed: [] },
      grants: [],
    },
    {
      arn: `arn:${partition}:iam::${otherAccount}:user/${SYNTHETIC_PATH}/administrator`,
      callerArn: `arn:${partition}:iam::${otherAccount}:user/${SYNTHETIC_PATH}/administrator`,
      name: "another account",
      kind: "other-account",
      fromPlan: false,
      canSign: false,
      policies: administrator,
      grants: [],
    },
  ];
}

/** The engine's spec of a principal the deployed model does not hold already. */
export function principalSpecOf(principal: AccessPrincipal): PrincipalSpec {
  return {
    arn: principal.arn,
    inlinePolicies: principal.policies.inline.map((policy) => ({
      name: policy.name,
      document: policy.document,
    })),
    managedPolicyArns: principal.policies.managed,
  };
}

/** The session the matrix asks a role's questions as (STS AssumeRole's ARN for session name "access-analysis"). */
export function sessionArnOf(partition: string, accountId: string, roleName: string): string {
  const roleArn = `arn:${partition}:iam::${accountId}:role/${roleName}`;
  const session = assumedRoleArn(roleArn, SYNTHETIC_PATH);
  if (session === undefined) {
    throw new Error(`role ${roleArn}: not a role ARN, so no session of it can be asked about`);
  }
  return session;
}

/** The plan's grants (aws:kms/grant:Grant) whose grantee is one of `arns`, as "GRANT_ID on KEY_ARN". */
function grantsTo(model: CloudModel, arns: readonly string[]): string[] {
  return model.grants
    .filter((grant) => arns.includes(grant.granteePrincipal))
    .map((grant) => `${grant.grantId} on ${grant.keyArn}`);
}
