/**
 * The access report of `npm run access` (docs/contracts.md, "Access"): for each table, principal and
 * operation, who decided and with which statements.
 */
import type { Principal } from "../infra/principal";
import type { KeyPolicySource, NotDeployed, UnknownResource } from "../sandbox/engine";
import type { DeployerSource } from "../sandbox/engine";
import type { MatrixOperation } from "./operations";

export type { PrincipalKind } from "../infra/principal";

/**
 * A principal of the matrix: the one Principal description (infra/principal.ts; its `arn` is its
 * identity in the report, its `kind` one of PRINCIPAL_KINDS) and what the proof asks and shows of it.
 */
export interface AccessPrincipal extends Principal {
  /** The ARN the engine is asked as: the principal's own, or for a role the ARN of a session of it. */
  readonly callerArn: string;
  /** An IAM user or role that the plan creates (what --expect-key-users judges). */
  readonly fromPlan: boolean;
  /**
   * An IAM user or role of the account data (`--account-data`) that the plan does not create; `fromPlan` is
   * then true too, so --expect-key-users judges it like the plan's.
   */
  readonly fromAccountData?: boolean;
  /** Whether the plan gives it credentials to sign with (a prober can observe it over HTTP). */
  readonly canSign: boolean;
  /**
   * Its policies as the report shows them (docs/contracts.md section 7). What makes two principals decide
   * alike is the engine's policy identity (access/decisions.ts), not these; the inline names rename
   * statements of a shared answer.
   */
  readonly policies: {
    readonly inline: readonly { readonly name: string; readonly document: string }[];
    readonly managed: readonly string[];
    /** The IAM groups it is in (shown; the engine decides with their policies). */
    readonly groups?: readonly {
      readonly arn: string;
      readonly inline: readonly { readonly name: string; readonly document: string }[];
      readonly managed: readonly string[];
    }[];
    /** The ARN of its permissions boundary policy. */
    readonly boundary?: string;
  };
  /** The plan's KMS grants to it (or, for a role, to its sessions): "GRANT_ID on KEY_ARN". */
  readonly grants: readonly string[];
  /**
   * Policies attached to it whose documents are not known (an AWS managed policy the project holds no copy
   * of, a document unknown until deployment): its identity-based policies are then decided at worst, and
   * cells they could allow are `conditional`. Present only when there are some.
   */
  readonly unknownPolicies?: readonly string[];
  /**
   * Which principals it stands for and why it is decided as it is (docs/access.md, "Every principal
   * class"): for a principal of the plan, that its own policies decide.
   */
  readonly why?: string;
  /** A representative that acts through sessions (a role a policy names): the trust policy it is given. */
  readonly trustPolicy?: string;
}

/**
 * `conditional`: the engine can neither allow nor deny for sure, because the decision depends on what the
 * plan cannot show: an identity policy whose document is unknown (taken at worst: it may allow anything),
 * or a request value (a condition on the source IP, the time). Such a cell counts as one that decrypts
 * (fail closed); its `reason` and `conditions` say what it depends on.
 */
export type AccessDecision = "allowed" | "denied-by-iam" | "denied-by-kms" | "conditional";

/** A statement that took part, and which side (IAM for DynamoDB's action, KMS for the key) it decided. */
export interface CellStatement {
  readonly by: "iam" | "kms";
  /** "key policy", "inline:NAME" or a managed policy ARN. */
  readonly policy: string;
  readonly sid?: string;
  /** 1-based position in the policy. */
  readonly index: number;
  readonly effect: "Allow" | "Deny";
}

export interface AccessCell {
  readonly table: string;
  readonly principal: string;
  readonly operation: MatrixOperation;
  readonly decision: AccessDecision;
  /** One line: why, in the engine's words (explicit or implicit denial, key state). */
  readonly reason: string;
  readonly statements: readonly CellStatement[];
  /** For a `conditional` cell: the conditions on request values it depends on, as the evaluator names them. */
  readonly conditions?: readonly string[];
}

export interface AccessTable {
  readonly name: string;
  readonly arn: string;
  /** The customer-managed key, when the table has one. */
  readonly keyArn?: string;
  readonly operations: readonly MatrixOperation[];
}

/** Someone who can change who can decrypt, and how. */
export interface Obtainer {
  readonly principal: string;
  /** Each way, e.g. "kms:PutKeyPolicy on KEY (key policy Sid AllowKeyAdministration)". */
  readonly paths: readonly string[];
}

export interface DecisionStats {
  /** Cells of the matrix (and questions about changing access). */
  readonly questions: number;
  /** Distinct decisions made by the engine: questions sharing a policy set, action and resource share one. */
  readonly distinctDecisions: number;
  /** Wall time of the engine's decisions, total and per distinct decision. */
  readonly decisionMs: number;
  readonly msPerDecision: number;
}

/** A key of the plan, and where its policy comes from. */
export interface AccessKey {
  readonly arn: string;
  /**
   * `key`: the key's `policy` input; `key-policy-resource`: an aws:kms/keyPolicy:KeyPolicy; `default`: the
   * key policy KMS gives a key created without one (KMS Developer Guide, "Default key policy").
   */
  readonly policySource: KeyPolicySource;
}

export interface AccessReport {
  readonly accountId: string;
  readonly region: string;
  readonly deployer: string;
  /**
   * `plan`: the plan's getCallerIdentity invoke (recorded with `--invokes` or made by the program);
   * `given`: the caller's (account data); `default`: neither, so an administrator `deployer` of the plan's
   * account (docs/access.md, "The deployer").
   */
  readonly deployerSource: DeployerSource;
  readonly keys: readonly AccessKey[];
  readonly tables: readonly AccessTable[];
  readonly principals: readonly AccessPrincipal[];
  readonly cells: readonly AccessCell[];
  /** Principals that can decrypt a table's data (through DynamoDB or directly). */
  readonly decryptors: readonly string[];
  /** Principals that can change who can decrypt (and so obtain access), with the path. */
  readonly obtainers: readonly Obtainer[];
  /** What the analysis cannot see, in sentences (e.g. identity policies outside the stack). */
  readonly blindSpots: readonly string[];
  /** Resources of the plan the engine does not deploy (Lambda, API Gateway, replicas in other regions...), and why. */
  readonly notDeployed: readonly NotDeployed[];
  /** Resources set aside because a value they need is unknown until deployment (never guessed). */
  readonly unknowns: readonly UnknownResource[];
  readonly stats: DecisionStats;
}
