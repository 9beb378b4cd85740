/**
 * Makes each distinct decision once. Two questions get the same answer from the engine when they share
 * the principal's policy set (its kind, account and the policies the engine compiled for it: its own,
 * its groups', its boundary, as Authorizer.policyIdentity tells them), the action, the resource, the
 * request context, and, for a key, the key policy statements that name the principal by ARN. Policies
 * that read the principal's own identity (aws:username, aws:PrincipalArn, policy variables, principal
 * tags) make the principal itself part of the question, so those are never shared.
 */
import { performance } from "node:perf_hooks";
import {
  textReadsEncryptionContext,
  textReadsPrincipal,
  type Decision,
  type DecidingStatement,
  type PolicyIdentity,
} from "../sandbox/engine";
import type { AccessPrincipal } from "./types";

/** Kinds whose every principal is a class of its own (see principalClass). */
const OWN_CLASS_KINDS: ReadonlySet<string> = new Set(["policy-pattern", "aws-service", "anonymous"]);

export class DecisionLedger {
  /**
   * `identityOf` tells what of a principal's policies decides, as the engine compiled them
   * (Authorizer.policyIdentity of its caller ARN); asked once per principal.
   */
  constructor(private readonly identityOf: (principal: AccessPrincipal) => PolicyIdentity) {}

  private readonly identities = new Map<string, PolicyIdentity>();

  private identity(principal: AccessPrincipal): PolicyIdentity {
    let identity = this.identities.get(principal.arn);
    if (identity === undefined) {
      identity = this.identityOf(principal);
      this.identities.set(principal.arn, identity);
    }
    return identity;
  }

  /**
   * Whether a KMS decision for `principal` on a key may depend on the request's encryption context, which
   * DynamoDB sets per table (aws:dynamodb:tableName): a policy of the principal's set (a guardrail
   * included) or the key policy reads a kms:EncryptionContext key, or a grant to the principal may be
   * constrained to one (KMS developer guide, "Encryption context", "Grant constraints"). Otherwise every
   * table on the key gets the key's one answer.
   */
  readsEncryptionContext(principal: AccessPrincipal, keyPolicy: string): boolean {
    return (
      principal.grants.length > 0 ||
      textReadsEncryptionContext(keyPolicy) ||
      this.identity(principal).readsEncryptionContext
    );
  }

  private readonly decided = new Map<
    string,
    { readonly owner: AccessPrincipal; readonly answer: Promise<unknown>; settled?: Decision }
  >();
  private readonly fingerprints = new Map<string, string>();
  private readonly patterns = new Map<string, (RegExp | undefined)[]>();
  private readonly mayAllow = new Map<string, boolean>();
  private readonly principalReaders = new Map<string, boolean>();
  private readonly naming = new Map<string, string>();
  private readonly interned = new Map<string, string>();
  private questionCount = 0;
  private elapsedMs = 0;

  /**
   * The answer for `principal`, computed by `decide` only for the first principal of its class. Shared
   * answers name that first principal's inline policies; `sameStatementsAs` gives them this one's names.
   */
  async ask<T extends Decision>(
    classKey: string,
    principal: AccessPrincipal,
    decide: () => Promise<T>,
  ): Promise<T> {
    this.questionCount += 1;
    let entry = this.decided.get(classKey);
    if (entry === undefined) {
      const started = performance.now();
      const answer = decide().finally(() => {
        this.elapsedMs += performance.now() - started;
      });
      const created: { owner: AccessPrincipal; answer: Promise<unknown>; settled?: Decision } = {
        owner: principal,
        answer,
      };
      answer.then(
        (value) => {
          created.settled = value as Decision;
        },
        () => undefined,
      );
      entry = created;
      this.decided.set(classKey, entry);
    }
    return this.forPrincipal((await entry.answer) as T, entry.owner, principal);
  }

  /**
   * What `ask` would answer, at once, when the class's answer is already settled; undefined otherwise
   * (then ask). At account scale most questions fall in a class decided before, and a promise turn for
   * each of hundreds of thousands of them costs more than the lookup.
   */
  known<T extends Decision>(classKey: string, principal: AccessPrincipal): T | undefined {
    const entry = this.decided.get(classKey);
    if (entry?.settled === undefined) {
      return undefined;
    }
    this.questionCount += 1;
    return this.forPrincipal(entry.settled as T, entry.owner, principal);
  }

  /** Statements name inline policies by name: the owner's answer serves as is when the names are the same. */
  private forPrincipal<T extends Decision>(answer: T, owner: AccessPrincipal, principal: AccessPrincipal): T {
    return owner === principal || sameInlineNames(owner, principal)
      ? answer
      : { ...answer, statements: renamed(answer, owner, principal) };
  }

  /**
   * The class of a principal: what the engine sees of it, and its ARN when a policy reads the principal's
   * identity. `resourcePolicies` are the texts of resource policies that take part (the key policy).
   */
  principalClass(principal: AccessPrincipal, resourcePolicies: readonly string[] = []): string {
    let fingerprint = this.fingerprints.get(principal.arn);
    if (fingerprint === undefined) {
      const identity = this.identity(principal);
      fingerprint = [
        principal.kind,
        identity.fingerprint,
        // A grant allows its grantee beside the policies (KMS developer guide, "Grants in AWS KMS").
        [...principal.grants].sort().join(","),
      ].join("\n");
      // Principals a policy or grant may name by their own ARN or pattern (services, representatives of a
      // pattern, the anonymous caller) are few: each is its own class; so is each principal when a policy
      // of its set (an SCP or RCP included) reads the principal.
      if (identity.readsPrincipal || OWN_CLASS_KINDS.has(principal.kind)) {
        fingerprint += `\n${principal.arn}`;
      }
      // Class keys are looked up for every question: a short id per distinct fingerprint keeps them cheap.
      fingerprint = this.intern(fingerprint);
      this.fingerprints.set(principal.arn, fingerprint);
    }
    if (resourcePolicies.length === 0) {
      return fingerprint;
    }
    if (resourcePolicies.some((text) => this.readsPrincipal(text))) {
      return `${fingerprint}\n${principal.arn}`;
    }
    // Principals the resource policies name by the same statements decide alike; name the statements.
    const cacheKey = `${principal.arn}\n${resourcePolicies.map((text) => this.intern(text)).join(",")}`;
    let naming = this.naming.get(cacheKey);
    if (naming === undefined) {
      naming = resourcePolicies
        .map((text) =>
          [principal.arn, principal.callerArn].map((arn) => statementsNaming(text, arn).join(",")).join("/"),
        )
        .join(";");
      this.naming.set(cacheKey, naming);
    }
    return `${fingerprint}\n${naming}`;
  }

  /**
   * Whether an identity-based policy of a user or role (its own, its groups') has an Allow statement whose
   * Action could match `action`, or whose NotAction does not exclude it. Where none has, the engine cannot
   * allow `action` to it on an IAM user, whatever the user: IAM has no resource-based policies on users
   * (IAM User Guide, "AWS services that work with IAM": IAM's only resource-based policies are role trust
   * policies), and boundaries, session policies, SCPs and RCPs only take away. A policy whose document is
   * not known may allow anything, and so may every principal that is not a user or role (the root, the
   * stand-ins taken at worst). At account scale this spares asking thousands of principals about
   * thousands of users one by one.
   */
  identityMayAllow(principal: AccessPrincipal, action: string): boolean {
    if (principal.kind !== "user" && principal.kind !== "role") {
      return true;
    }
    // Principals of one class hold the same identity policies: one answer per class and action.
    const cacheKey = `${this.principalClass(principal)}\n${action}`;
    let may = this.mayAllow.get(cacheKey);
    if (may === undefined) {
      may = this.identity(principal).mayAllow(action);
      this.mayAllow.set(cacheKey, may);
    }
    return may;
  }

  /**
   * The class of a resource for one principal: which of the Resource/NotResource patterns of its identity
   * policies match the ARN (IAM user guide, "IAM JSON policy elements: Resource", wildcards * and ?).
   * Two resources matched by the same patterns get the same identity-policy decision, conditions on
   * the resource aside (a policy with a variable or a principal-specific key is never shared, above).
   */
  resourceClass(principal: AccessPrincipal, resourceArn: string): string {
    let patterns = this.patterns.get(principal.arn);
    if (patterns === undefined) {
      patterns = this.identity(principal).resourcePatterns.map(globRegExp);
      this.patterns.set(principal.arn, patterns);
    }
    if (patterns.some((pattern) => pattern === undefined)) {
      return resourceArn;
    }
    // A resource of another account is decided by its own policies too (IAM User Guide, "Cross-account
    // policy evaluation logic"), and its account sets aws:ResourceAccount and aws:ResourceOrgID: it never
    // shares a class with one of the principal's account that the same patterns match.
    const account = resourceArn.split(":")[4] ?? "";
    const other = account === "" || account === principal.accountId ? "" : `${account}:`;
    return (
      other + patterns.map((pattern, index) => ((pattern as RegExp).test(resourceArn) ? index : "")).join(",")
    );
  }

  /** Whether a resource policy reads the principal's identity (textReadsPrincipal), once per policy text. */
  private readsPrincipal(text: string): boolean {
    let reads = this.principalReaders.get(text);
    if (reads === undefined) {
      reads = textReadsPrincipal(text);
      this.principalReaders.set(text, reads);
    }
    return reads;
  }

  private intern(text: string): string {
    let id = this.interned.get(text);
    if (id === undefined) {
      id = `#${this.interned.size}`;
      this.interned.set(text, id);
    }
    return id;
  }

  get questions(): number {
    return this.questionCount;
  }

  /** Questions answered by a row shared with another principal of the same class (access/analyze.ts). */
  countShared(questions: number): void {
    this.questionCount += questions;
  }

  get distinct(): number {
    return this.decided.size;
  }

  /** Wall time spent in the engine's decisions (asked one at a time). */
  get decisionMs(): number {
    return this.elapsedMs;
  }
}

function sameInlineNames(owner: AccessPrincipal, principal: AccessPrincipal): boolean {
  const ours = owner.policies.inline;
  const theirs = principal.policies.inline;
  return ours.length === theirs.length && ours.every((policy, index) => policy.name === theirs[index].name);
}

/** The statements of `owner`'s decision, with `owner`'s inline policy names replaced by `principal`'s. */
function renamed(
  decision: Decision,
  owner: AccessPrincipal,
  principal: AccessPrincipal,
): readonly DecidingStatement[] | undefined {
  const names = new Map(
    owner.policies.inline.map((policy, index) => [
      `inline:${policy.name}`,
      `inline:${principal.policies.inline[index]?.name ?? policy.name}`,
    ]),
  );
  return decision.statements?.map((statement) => ({
    ...statement,
    policy: names.get(statement.policy) ?? statement.policy,
  }));
}

/**
 * The positions of the statements whose Principal or NotPrincipal names `arn` itself (an account, its
 * root or "*" name every principal of the account alike and so do not tell principals apart).
 */
function statementsNaming(policyText: string, arn: string): number[] {
  const named = namedByStatement(policyText);
  if (named === undefined) {
    return [-1];
  }
  return named.flatMap((names, index) => (names.has(arn) ? [index] : []));
}

/**
 * The values each statement's Principal and NotPrincipal name, per policy text: parsed once, as the ledger
 * asks about every principal against the same few key policies.
 */
const namedCache = new Map<string, readonly ReadonlySet<unknown>[] | undefined>();

function namedByStatement(policyText: string): readonly ReadonlySet<unknown>[] | undefined {
  if (namedCache.has(policyText)) {
    return namedCache.get(policyText);
  }
  let parsed: readonly ReadonlySet<unknown>[] | undefined;
  try {
    const raw = (JSON.parse(policyText) as { Statement?: unknown } | null)?.Statement;
    const statements = Array.isArray(raw) ? raw : [raw];
    const values = (principal: unknown): unknown[] =>
      typeof principal !== "object" || principal === null
        ? []
        : Object.values(principal as Record<string, unknown>).flatMap((value) =>
            Array.isArray(value) ? value : [value],
          );
    parsed = statements.map((statement) => {
      const record = (statement ?? {}) as Record<string, unknown>;
      return new Set([...values(record.Principal), ...values(record.NotPrincipal)]);
    });
  } catch {
    parsed = undefined;
  }
  // Bounded: a long-lived process analysing many plans keeps only the last few thousand policies.
  if (namedCache.size >= 4_096) {
    namedCache.clear();
  }
  namedCache.set(policyText, parsed);
  return parsed;
}

/** A Resource pattern as a RegExp; undefined when it holds a policy variable (then nothing is shared). */
function globRegExp(pattern: string): RegExp | undefined {
  if (pattern.includes("${")) {
    return undefined;
  }
  const body = pattern
    .split("")
    .map((character) =>
      character === "*" ? ".*" : character === "?" ? "." : character.replace(/[.+^$()|[\]{}\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${body}$`);
}
