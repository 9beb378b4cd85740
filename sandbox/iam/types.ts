/**
 * The sandbox's model of who may do what: principals with their identity policies, and KMS keys with
 * their key policies and states. Plain data, so the server can build it from a plan and persist it.
 */
import type { ResidualCondition } from "./evaluation";
import type { PrincipalSourceFields } from "./policySources";

/** An IAM policy document (JSON, as parsed from the `policy` string of a resource). */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | Record<string, string | string[]>;
  NotPrincipal?: Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** An inline identity policy (aws:iam/userPolicy:UserPolicy): its name and document. */
export interface InlinePolicy {
  readonly name: string;
  /** Parsed, or the JSON text of the plan. */
  readonly document: PolicyDocument | string;
}

/**
 * What the engine holds of a principal: its ARN (infra/principal.ts describes the principal itself; the
 * engine needs only the ARN and the policies) and its identity-based policies, and for a role its trust
 * policy. A user (app-user), a role, the deploying identity, or a principal the static proof asks about.
 * The policies that decide beside its own (a group's, a boundary) are its generic `sourcePolicies`
 * (./policySources.ts).
 */
export interface PrincipalSpec extends PrincipalSourceFields {
  /** e.g. `arn:aws:iam::111122223333:user/app-user`. The account is taken from the ARN. */
  readonly arn: string;
  readonly inlinePolicies?: readonly InlinePolicy[];
  /**
   * ARNs of attached managed policies: AWS managed ones (`arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess`)
   * resolve to their real documents (awsManagedPolicies.json), an unknown one is NoSuchEntity; customer
   * managed ones to their document in `customerManagedPolicies`.
   */
  readonly managedPolicyArns?: readonly string[];
  /** The documents of the customer managed policies among `managedPolicyArns`, by ARN. */
  readonly customerManagedPolicies?: readonly {
    readonly arn: string;
    readonly document: PolicyDocument | string;
  }[];
  /**
   * Policies whose documents are not known (an AWS managed policy the sandbox holds no copy of, a value
   * unknown until deployment): the principal's identity-based policies are then unknown, and every decision
   * takes them at worst (they may allow anything, deny nothing: the evaluator's identity "unknown"), so a
   * request they might allow is never answered as allowed or denied for sure.
   */
  readonly unknownPolicies?: readonly string[];
  /**
   * A role's trust policy (assumeRolePolicy), parsed or as JSON text: the principal is a role, which signs
   * nothing itself; its sessions (STS AssumeRole) act with its identity policies.
   */
  readonly trustPolicy?: PolicyDocument | string;
  /** IAM's unique id of a role (AROA...), part of a session's aws:userid. */
  readonly roleId?: string;
  /** An IAM user's unique id (AIDA...): aws:userid of its requests (IAM User Guide, "AWS global condition context keys"). */
  readonly uniqueId?: string;
  /** Its IAM tags: aws:PrincipalTag/KEY of its requests, and of its sessions' (a role's). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** @deprecated A role is a PrincipalSpec with a trust policy. */
export type RoleSpec = PrincipalSpec & { readonly trustPolicy: PolicyDocument | string };

/** Where a key is in its life cycle, in KMS's words (DescribeKey's KeyState). */
export type KeyState = "Enabled" | "Disabled" | "PendingDeletion";

/** The authorization side of a KMS key: what the key policy says and whether the key can be used. */
export interface KeySpec {
  /** `arn:aws:kms:REGION:ACCOUNT:key/KEY_ID`; region, account and key id are taken from it. */
  readonly arn: string;
  /** The key policy, parsed or as the JSON text of the plan. */
  readonly policy: PolicyDocument | string;
  /** Default "Enabled". */
  readonly state?: KeyState;
}

/**
 * Where the Authorizer reads a key's policy and state: it asks their one owner (the sandbox's KMS
 * KeyRegistry) at every decision instead of keeping a copy. `version` changes with every change.
 */
/** Where the authorizer reads a role session's session policies: their one owner (the STS SessionStore). */
export interface SessionPolicySource {
  sessionPolicies(
    sessionArn: string,
  ): { readonly policy?: string; readonly policyArns?: readonly string[] } | undefined;
  /** The session's own tags and source identity (AssumeRole Tags and SourceIdentity, or inherited). */
  sessionAttributes?(sessionArn: string):
    | {
        readonly tags?: Readonly<Record<string, string>> | "unknown";
        readonly sourceIdentity?: string;
        readonly sourceIdentityUnknown?: boolean;
      }
    | undefined;
}

export interface KeySource {
  /** The sandbox's clock (epoch ms), for aws:CurrentTime and aws:EpochTime; without it they are refused. */
  now?(): number;
  /** The alias ARNs that point at a key: kms:ResourceAliases. */
  aliasesOf?(keyArn: string): readonly string[];
  keyForDecision(keyArn: string):
    | {
        readonly arn: string;
        readonly accountId: string;
        readonly policy: PolicyDocument;
        readonly state: KeyState;
        readonly version: number;
      }
    | undefined;
}

/** What a KMS grant is asked to allow: one operation on one key by one caller, with the request's context. */
export interface GrantQuery {
  readonly keyArn: string;
  readonly operation: string;
  /** The caller's ARN, and for an assumed-role session also its role's ARN: a grant to a role covers its sessions. */
  readonly granteeArns: readonly string[];
  readonly encryptionContext?: Readonly<Record<string, string>>;
}

/**
 * Where the Authorizer reads KMS grants: their one owner (the sandbox's GrantStore, sandbox/kms/grants.ts),
 * asked at every KMS decision. Declared here so that iam/ needs nothing of kms/ (kms/ builds on iam/).
 */
export interface GrantSource {
  /** A grant that allows the query, or undefined. */
  find(query: GrantQuery): { readonly grantId: string } | undefined;
}

/**
 * The outcome of one evaluation. `Conditional`: it depends on request values the context left unknown
 * (the static proof's request-dependent keys); the decision's `conditions` say which.
 */
export type EvaluationOutcome = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "Conditional";

/** The policy type an AccessDenied message names (IAM User Guide, "Troubleshoot access denied error messages"). */
export type DeniedByPolicyType =
  | "identity-based"
  | "resource-based"
  | "permissions boundary"
  | "session policy"
  | "service control policy"
  | "resource control policy";

/**
 * A policy statement that took part in a decision: one that matched the request (allowing or denying).
 * For a key, the key policy's account-root statement appears when the key policy delegates to IAM.
 */
export interface DecidingStatement {
  /** "key policy" for a KMS key's policy, else the identity policy: "inline:NAME" or a managed policy ARN. */
  readonly policy: string;
  readonly sid?: string;
  /** 1-based position in the policy's Statement list (statements need no Sid). */
  readonly index: number;
  readonly effect: "Allow" | "Deny";
}

/** The outcome of authorizing one request. */
export interface Decision {
  readonly allowed: boolean;
  readonly outcome: EvaluationOutcome;
  /**
   * The statements that matched the request: the allowing ones for an allowed request, the denying ones
   * (and any allowing ones they overrode) for an explicit denial, and for an implicit denial the allowing
   * statements that were not enough (e.g. an identity policy under a key policy that does not delegate).
   */
  readonly statements?: readonly DecidingStatement[];
  /**
   * When denied by policy: the kind of policy AWS names in its message. For DynamoDB always
   * "identity-based"; for KMS "resource-based" when the key policy refuses (without delegating to
   * IAM), "identity-based" when the key policy delegates to the account and no identity policy allows.
   */
  readonly policyType?: DeniedByPolicyType;
  /**
   * When denied: AWS's AccessDeniedException message, e.g. "User: ARN is not authorized to perform:
   * dynamodb:GetItem on resource: TABLE_ARN because no identity-based policy allows the dynamodb:GetItem action".
   */
  readonly message?: string;
  /** When a KMS grant (not a policy) allowed the request: that grant's id. */
  readonly grantId?: string;
  /** For a Conditional outcome: the conditions on unknown request values it depends on. */
  readonly conditions?: readonly ResidualCondition[];
  /**
   * Set when the decision depends on condition keys the sandbox cannot compute (sandbox/iam/conditionKeys.ts):
   * the request is refused as not modelled, naming them, rather than decided as if they were absent.
   */
  readonly notModelledKeys?: readonly string[];
}

/** The outcome of authorizing one KMS request: policy, then the key's state. */
export interface KmsDecision extends Decision {
  /**
   * Set (and `allowed` false) when the policies allow but the key cannot be used: DisabledException
   * for a disabled key, KMSInvalidStateException for a key pending deletion. Its message is KMS's.
   */
  readonly keyStateError?: { readonly code: string; readonly message: string };
}
