/**
 * Ways to change who can decrypt through IAM groups: a member user that may change its group's policies
 * (iam:PutGroupPolicy, iam:AttachGroupPolicy on the group: IAM API reference) gives itself an
 * identity-based policy, since a group's policies are its members' ("IAM user groups",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html), as iam:PutUserPolicy on itself does.
 * That policy lets it decrypt where a key policy delegates to the account.
 */
import type { Decision } from "../sandbox/engine";
import type { AccessModel } from "./analyze";
import type { DecisionLedger } from "./decisions";

/** The IAM actions that change a group's identity-based policies. */
export const GROUP_EDIT_ACTIONS = ["iam:PutGroupPolicy", "iam:AttachGroupPolicy"] as const;

/** The paths of each member that may edit one of its groups, by principal ARN. */
export async function groupEditPaths(input: {
  readonly access: AccessModel;
  readonly ledger: DecisionLedger;
  /** The keys whose policy delegates to the account. */
  readonly delegating: readonly string[];
  readonly mayAllow: (decision: Decision) => boolean;
  readonly describe: (decision: Decision) => string;
}): Promise<Map<string, string[]>> {
  const { access, ledger, delegating } = input;
  const found = new Map<string, string[]>();
  for (const group of access.model.groups ?? []) {
    for (const principal of access.principals.filter((candidate) => group.members.includes(candidate.arn))) {
      for (const action of GROUP_EDIT_ACTIONS) {
        const decision = await ledger.ask(
          `i\n${ledger.principalClass(principal)}\n${action}\n${ledger.resourceClass(principal, group.arn)}`,
          principal,
          () => access.authorizer.authorizeIam(principal.callerArn, action, group.arn),
        );
        if (input.mayAllow(decision)) {
          const paths = found.get(principal.arn) ?? [];
          paths.push(
            `${action} on its group ${group.name} (${input.describe(decision)}), then kms:Decrypt through the ` +
              `key policy's delegation to the account on ${delegating.join(", ")}`,
          );
          found.set(principal.arn, paths);
        }
      }
    }
  }
  return found;
}
