/**
 * Who the matrix asks about: the IAM users of the plan (and its roles, once the engine models them), the
 * identity that deploys the stack, and three principals the plan does not create but AWS has:
 * - the account root (the key policy's root statement names it; the root user has every permission of its
 *   account that a key policy does not withhold: IAM user guide, "AWS account root user");
 * - another principal of the same account with no policies (what anyone new in the account gets);
 * - a principal of another account, assumed to hold every permission its own account can give
 *   (AdministratorAccess): cross-account access then depends only on this account's resource policies
 *   (IAM user guide, "Cross-account policy evaluation logic").
 */
import { ADMINISTRATOR_ACCESS_ARN, type SandboxModel } from "../sandbox/model";
import type { PrincipalSpec } from "../sandbox/iam";
import type { AccessPrincipal } from "./types";

/** Synthetic principals live under this IAM path, which the plan's users and roles never use. */
const SYNTHETIC_PATH = "access-analysis";

export function principalsOf(model: SandboxModel): AccessPrincipal[] {
  const { partition, accountId } = model;
  const users = model.users.map((user): AccessPrincipal => ({
    arn: user.arn,
    name: user.name,
    kind: "user",
    fromPlan: true,
    canSign: user.accessKeys.length > 0,
    policies: {
      inline: user.inlinePolicies.map((policy) => ({ name: policy.name, document: policy.document })),
      managed: user.managedPolicyArns,
    },
  }));
  const administrator = { inline: [], managed: [ADMINISTRATOR_ACCESS_ARN] };
  const otherAccount = accountId === "999999999999" ? "888888888888" : "999999999999";
  return [
    ...users,
    {
      arn: model.deployer.arn,
      name: "deployer",
      kind: "deployer",
      fromPlan: false,
      canSign: false,
      policies: administrator,
    },
    {
      arn: `arn:${partition}:iam::${accountId}:root`,
      name: "account root",
      kind: "account-root",
      fromPlan: false,
      canSign: false,
      policies: administrator,
    },
    {
      arn: `arn:${partition}:iam::${accountId}:user/${SYNTHETIC_PATH}/no-policies`,
      name: "this account, no policies",
      kind: "same-account-no-policies",
      fromPlan: false,
      canSign: false,
      policies: { inline: [], managed: [] },
    },
    {
      arn: `arn:${partition}:iam::${otherAccount}:user/${SYNTHETIC_PATH}/administrator`,
      name: "another account",
      kind: "other-account",
      fromPlan: false,
      canSign: false,
      policies: administrator,
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
