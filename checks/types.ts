/**
 * The shapes of a check run: which operations are tried, what each outcome is called, and the report
 * (contracts.md section 5: `checks --json` prints one phase's `{ ok, results }`).
 */
import type { StackPrincipalKind } from "../infra/principal";

/** The calls made as each user, in the order they run. */
export const OPERATIONS = [
  "GetCallerIdentity",
  "DescribeTable",
  "PutItem",
  "GetItem",
  "Query",
  "UpdateItem",
  "DeleteItem",
] as const;

export type Operation = (typeof OPERATIONS)[number];

/** What the stack's intent says a call should do. */
export type ExpectedOutcome = "allowed" | "denied-by-iam" | "denied-by-kms";

/**
 * What a call did. `denied-other` is an AccessDeniedException that names neither an IAM action nor the
 * key; `error` is anything else (invalid credentials, network, a missing table), never a match.
 */
export type ActualOutcome = ExpectedOutcome | "denied-other" | "error";

/** Which layer stopped a denied call: the caller's IAM policy or the key (policy) behind the table. */
export type StoppedBy = "iam" | "kms" | "other";

export interface CheckResult {
  /** The principal the call ran as: a user's name, or a role's name (of `roles` in the outputs). */
  user: string;
  /**
   * The principal's kind (infra/principal.ts): `user` (its own key) or `role` (a session assumed with a
   * trusted user's key).
   */
  principalKind: StackPrincipalKind;
  operation: Operation;
  expected: ExpectedOutcome;
  actual: ActualOutcome;
  /** Present when the call was denied or failed: `ErrorName: message`, secrets removed. */
  error?: string;
  /** Present when the call was denied. */
  stoppedBy?: StoppedBy;
  /** What a successful call showed, e.g. the identity it ran as or whether the item was found. */
  detail?: string;
  /** How many times the call was sent, when more than once (new access keys: see retry.ts). */
  attempts?: number;
}

export interface CheckReport {
  /** true iff every result's actual outcome equals its expected one. */
  ok: boolean;
  results: CheckResult[];
  /** With --wait-for-grant or --wait-for-revoke: when each user's access changed between runs. */
  accessChanges?: AccessChange[];
}

/**
 * A user's access to the table's items seen to change between two runs of a wait: `from` and `to` are
 * the outcome of the user's item calls (one outcome, or `mixed` when they differ).
 */
export interface AccessChange {
  user: string;
  from: string;
  to: string;
  /** The run that saw the new access (1 = the first run of the wait; 0 means before the wait began). */
  run: number;
  /** Seconds from the start of the wait to that run. */
  afterSeconds: number;
}

/** Bounded exponential backoff for credentials that AWS does not recognise yet (retry.ts). */
export interface RetryOptions {
  /** Calls in all, first included. Default 6. */
  maxAttempts?: number;
  /** Wait before the second call; doubled each time. Default 1000 ms. */
  baseDelayMs?: number;
  /** Upper bound of one wait. Default 8000 ms. */
  maxDelayMs?: number;
  /** Injected so tests do not wait; default a real timer. */
  sleep?: (ms: number) => Promise<void>;
}
