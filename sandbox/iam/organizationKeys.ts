/**
 * The organization condition keys of a request: aws:PrincipalOrgID and aws:PrincipalOrgPaths for the
 * principal's account, aws:ResourceOrgID and aws:ResourceOrgPaths for the account that owns the resource.
 *
 * IAM User Guide, "AWS global condition context keys"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 * - aws:PrincipalOrgID, "the identifier of the organization in AWS Organizations to which the requesting
 *   principal belongs"; "This key is included in the request context only if the principal is a member of
 *   an organization";
 * - aws:PrincipalOrgPaths, multivalued, "the AWS Organizations path for the principal who is making the
 *   request": the organization id, the root and each OU down to the account's parent, each followed by
 *   "/" (`o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/`); present under the same rule;
 * - aws:ResourceOrgID and aws:ResourceOrgPaths, the same for the account that owns the resource, present
 *   only if that account is a member of an organization.
 *
 * The model knows one organization. A key is:
 * - its value, for an account the model places in the organization (the paths UNKNOWN when the account's
 *   place under the root is not known);
 * - ABSENT, for an account the model knows is outside it (the organization's member list is whole) and
 *   for a caller of no account (a service principal, anonymous): in the world the model describes, such
 *   an account is in no organization;
 * - UNKNOWN otherwise (no organization in the model, or an account it cannot place): a decision that
 *   depends on it is refused by the sandbox and conditional in the static proof, never decided as if the
 *   account were outside.
 */
import { ABSENT, UNKNOWN } from "./evaluation";

/** The organization as the engine holds it. */
export interface OrganizationTreeSpec {
  /** `o-…`. */
  readonly id: string;
  /**
   * The member accounts the model knows, each with its parents from the root down (`r-…`, then each
   * `ou-…`), or undefined when it is a member whose place is not known.
   */
  readonly accounts: ReadonlyMap<string, readonly string[] | undefined>;
  /** Whether `accounts` is every member: an account outside it is then in no organization. */
  readonly complete: boolean;
}

type KeyValue = string | readonly string[] | typeof ABSENT | typeof UNKNOWN;

/** The organization id and path keys of one account: its value, ABSENT or UNKNOWN (see above). */
function accountKeys(
  tree: OrganizationTreeSpec | undefined,
  accountId: string,
): { id: KeyValue; paths: KeyValue } {
  if (accountId === "") {
    return { id: ABSENT, paths: ABSENT };
  }
  if (tree === undefined) {
    return { id: UNKNOWN, paths: UNKNOWN };
  }
  if (!tree.accounts.has(accountId)) {
    return tree.complete ? { id: ABSENT, paths: ABSENT } : { id: UNKNOWN, paths: UNKNOWN };
  }
  const parents = tree.accounts.get(accountId);
  return {
    id: tree.id,
    paths: parents === undefined ? UNKNOWN : [`${[tree.id, ...parents].join("/")}/`],
  };
}

/** The four keys of a request by a principal of `principalAccount` on a resource of `resourceAccount`. */
export function organizationKeys(
  tree: OrganizationTreeSpec | undefined,
  principalAccount: string,
  resourceAccount: string,
): Record<string, KeyValue> {
  const principal = accountKeys(tree, principalAccount);
  const resource = accountKeys(tree, resourceAccount);
  return {
    "aws:PrincipalOrgID": principal.id,
    "aws:PrincipalOrgPaths": principal.paths,
    "aws:ResourceOrgID": resource.id,
    "aws:ResourceOrgPaths": resource.paths,
  };
}
