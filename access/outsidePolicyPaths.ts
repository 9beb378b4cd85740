/**
 * Ways to change who can decrypt through the policies outside a principal's own:
 * - a member user that may change its group's policies (iam:PutGroupPolicy, iam:AttachGroupPolicy on the
 *   group: IAM API reference) gives itself an identity-based policy, since a group's policies are its
 *   members' ("IAM user groups", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html), as
 *   iam:PutUserPolicy on itself does; that policy lets it decrypt where a key policy delegates to the
 *   account;
 * - a principal that may remove or replace its own permissions boundary
 *   (iam:DeleteUserPermissionsBoundary, iam:PutUserPermissionsBoundary, and the Role ones) escapes it
 *   ("Permissions boundaries for IAM entities", https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html),
 *   which counts where the boundary is what denies it a cell, or where a key policy delegates.
 */
import type { Decision } from "../sandbox/engine";
import type { AccessModel } from "./analyze";
import type { DecisionLedger } from "./decisions";
import type { AccessCell } from "./types";

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
    // A set per group: at account scale a group has thousands of members among thousands of principals.
    const members = new Set(group.members);
    for (const principal of access.principals.filter((candidate) => members.has(candidate.arn))) {
      for (const action of GROUP_EDIT_ACTIONS) {
        // IAM has no resource-based policies on groups: only the member's identity policies could allow it.
        if (!ledger.identityMayAllow(principal, action)) {
          continue;
        }
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

/** The IAM actions by which a user or role removes or replaces its own permissions boundary. */
const BOUNDARY_EDIT_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  user: ["iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary"],
  role: ["iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"],
};

/** The paths of each principal with a boundary that may remove or replace it, by principal ARN. */
export async function boundaryEditPaths(input: {
  readonly access: AccessModel;
  readonly ledger: DecisionLedger;
  readonly delegating: readonly string[];
  readonly cells: readonly AccessCell[];
  readonly mayAllow: (decision: Decision) => boolean;
  readonly describe: (decision: Decision) => string;
}): Promise<Map<string, string[]>> {
  const { access, ledger } = input;
  const found = new Map<string, string[]>();
  // The principals whose boundary denies them a cell, in one pass over the cells (millions at account
  // scale: a search of them per principal would be quadratic); needed only when no key delegates.
  const deniedByBoundary =
    input.delegating.length > 0
      ? new Set<string>()
      : new Set(
          input.cells
            .filter((cell) => cell.reason.includes("permissions boundary"))
            .map((cell) => cell.principal),
        );
  for (const principal of access.principals) {
    const boundary = principal.policies.boundary;
    const actions = BOUNDARY_EDIT_ACTIONS[principal.kind] ?? [];
    if (boundary === undefined || actions.length === 0) {
      continue;
    }
    const boundaryDenies = deniedByBoundary.has(principal.arn);
    if (!boundaryDenies && input.delegating.length === 0) {
      continue;
    }
    for (const action of actions) {
      if (!ledger.identityMayAllow(principal, action)) {
        continue;
      }
      const decision = await ledger.ask(
        `i\n${ledger.principalClass(principal)}\n${action}\n${ledger.resourceClass(principal, principal.arn)}`,
        principal,
        () => access.authorizer.authorizeIam(principal.callerArn, action, principal.arn),
      );
      if (input.mayAllow(decision)) {
        const paths = found.get(principal.arn) ?? [];
        paths.push(
          `${action} on itself (${input.describe(decision)}): its permissions boundary ${boundary} no longer ` +
            "limits what its identity policies allow",
        );
        found.set(principal.arn, paths);
      }
    }
  }
  return found;
}
