/**
 * Account data: an account as it is, read from the JSON the AWS CLI prints (access/accountData/read.ts),
 * in the terms the merge with a plan needs (access/accountData/merge.ts). Every policy document is JSON
 * text (the CLI prints IAM's documents decoded, as objects; the API answers them URL-encoded: both are
 * accepted and normalized). Each entity remembers the file it came from, for the messages.
 */

import type {
  AccountDataSources,
  AccountIamEntity,
  AccountRoleSources,
  AccountUserSources,
} from "../../sandbox/engine";

// What IAM entities have in common, and the policy sources' parts (a user's groups, a boundary; the
// account's groups), are the sources' own (sandbox/deploy/policySources/): each reads its part.
export type { AccountAttachedPolicy, AccountIamEntity, AccountInlinePolicy } from "../../sandbox/engine";

/** A user (UserDetail), with the policy sources' fields of it (its groups' names, its boundary). */
export interface AccountUser extends AccountIamEntity, AccountUserSources {}

/** A role (RoleDetail), with the policy sources' fields of it (its boundary). */
export interface AccountRole extends AccountIamEntity, AccountRoleSources {
  /** JSON text of AssumeRolePolicyDocument. */
  readonly trustPolicy: string;
  /** RoleDetail does not carry MaxSessionDuration: IAM's default (3,600 s) is assumed. */
}

/** A managed policy (get-account-authorization-details Policies), with its default version's document. */
export interface AccountManagedPolicy {
  readonly arn: string;
  readonly name: string;
  /** JSON text of the PolicyVersionList entry whose IsDefaultVersion is true. */
  readonly document: string;
  readonly file: string;
}

/** A key policy (`kms get-key-policy`, saved as key-policies/<key id>.json). */
export interface AccountKeyPolicy {
  readonly keyId: string;
  /** JSON text. */
  readonly policy: string;
  readonly file: string;
}

/** A key's tags (`kms list-resource-tags`, saved as key-tags/<key id>.json). */
export interface AccountKeyTags {
  readonly keyId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly file: string;
}

/** A grant (`kms list-grants` Grants[]). */
export interface AccountGrant {
  /** The key's ARN (GrantListEntry.KeyId is the key's ARN). */
  readonly keyArn: string;
  readonly grantId: string;
  readonly name: string;
  readonly granteePrincipal: string;
  readonly retiringPrincipal?: string;
  readonly operations: readonly string[];
  readonly constraints?: {
    readonly encryptionContextEquals?: Readonly<Record<string, string>>;
    readonly encryptionContextSubset?: Readonly<Record<string, string>>;
  };
  readonly file: string;
}

/** The AWS Organizations policy types the account data keeps (Organizations API reference, PolicyType). */
export type OrganizationPolicyType = "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY";

/** An AWS Organizations target of a policy (ListTargetsForPolicy: PolicyTargetSummary). */
export interface OrganizationTarget {
  readonly targetId: string;
  readonly arn: string;
  readonly name: string;
  readonly type: "ROOT" | "ORGANIZATIONAL_UNIT" | "ACCOUNT";
}

/**
 * An SCP or RCP: its summary (list-policies or describe-policy), its content (describe-policy) and its
 * targets (policy-targets/<policy id>.json), each when the data holds it.
 */
export interface OrganizationPolicy {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly type: OrganizationPolicyType;
  readonly awsManaged: boolean;
  /** JSON text of describe-policy's Content; absent when no describe-policy output was saved. */
  readonly content?: string;
  /** Absent when no list-targets-for-policy output was saved for it. */
  readonly targets?: readonly OrganizationTarget[];
  readonly file: string;
}

/**
 * The organization's structure, for the organization condition keys (aws:PrincipalOrgID and the rest):
 * its id and management account (`organizations describe-organization`), its root (`list-roots`), every
 * member account (`list-accounts`) and who is whose parent (`list-parents`, saved as
 * parents/<child id>.json; `list-organizational-units-for-parent`, saved as
 * organizational-units/<parent id>.json).
 */
export interface OrganizationStructure {
  /** `o-…`: describe-organization's Id, or the organization an Organizations ARN of the data names. */
  readonly id: string;
  readonly managementAccountId?: string;
  readonly rootId?: string;
  /** Every member account's id (list-accounts); absent when no list-accounts output was saved. */
  readonly accounts?: readonly string[];
  /** The parent (`r-…` or `ou-…`) of each OU and account the data places. */
  readonly parents: Readonly<Record<string, string>>;
}

/** The account data, with the policy sources' parts of it (the account's groups). */
export interface AccountData extends AccountDataSources {
  /** The account the data describes, from the ARNs of its IAM entities, policies and grants. */
  readonly accountId: string;
  readonly partition: string;
  readonly users: readonly AccountUser[];
  readonly roles: readonly AccountRole[];
  readonly policies: readonly AccountManagedPolicy[];
  readonly keyPolicies: readonly AccountKeyPolicy[];
  /** Keys' tags; a key of `keyPolicies` without an entry here has unknown tags. */
  readonly keyTags: readonly AccountKeyTags[];
  readonly grants: readonly AccountGrant[];
  readonly organizationPolicies: readonly OrganizationPolicy[];
  /** The organization's structure; absent when the data holds none of its outputs. */
  readonly organization?: OrganizationStructure;
  /** The files read, relative to the folder, in the order read. */
  readonly files: readonly string[];
}
