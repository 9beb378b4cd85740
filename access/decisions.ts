/**
 * Makes each distinct decision once. Two questions get the same answer from the engine when they share
 * the principal's policy set (its kind, account and identity policies), the action, the resource, the
 * request context, and, for a key, the key policy statements that name the principal by ARN. Policies
 * that read the principal's own identity (aws:username, aws:PrincipalArn, policy variables, principal
 * tags) make the principal itself part of the question, so those are never shared.
 */
import { performance } from "node:perf_hooks";
import type { Decision, DecidingStatement } from "../sandbox/iam";
import type { AccessPrincipal } from "./types";

/** Condition keys and variables whose value differs from one principal to the next. */
const PRINCIPAL_SPECIFIC =
  /aws:username|aws:userid|aws:PrincipalArn|aws:PrincipalTag|aws:SourceIdentity|\$\{/i;

export class DecisionLedger {
  private readonly decided = new Map<string, { owner: AccessPrincipal; answer: Promise<unknown> }>();
  private readonly fingerprints = new Map<string, string>();
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
      entry = { owner: principal, answer };
      this.decided.set(classKey, entry);
    }
    const answer = (await entry.answer) as T;
    return entry.owner === principal
      ? answer
      : { ...answer, statements: renamed(answer, entry.owner, principal) };
  }

  /**
   * The class of a principal: what the engine sees of it, and its ARN when a policy reads the principal's
   * identity. `resourcePolicies` are the texts of resource policies that take part (the key policy).
   */
  principalClass(principal: AccessPrincipal, resourcePolicies: readonly string[] = []): string {
    let fingerprint = this.fingerprints.get(principal.arn);
    if (fingerprint === undefined) {
      // Policy names decide nothing; documents, in order, do (statements are renamed when shared).
      const identity = JSON.stringify([
        principal.policies.inline.map((policy) => policy.document),
        [...principal.policies.managed].sort(),
      ]);
      const account = principal.arn.split(":")[4] ?? "";
      fingerprint = [principal.kind, account, identity].join("\n");
      if (PRINCIPAL_SPECIFIC.test(identity)) {
        fingerprint += `\n${principal.arn}`;
      }
      this.fingerprints.set(principal.arn, fingerprint);
    }
    const named = resourcePolicies.some(
      (text) => text.includes(principal.arn) || PRINCIPAL_SPECIFIC.test(text),
    );
    return named ? `${fingerprint}\n${principal.arn}` : fingerprint;
  }

  get questions(): number {
    return this.questionCount;
  }

  get distinct(): number {
    return this.decided.size;
  }

  /** Wall time spent in the engine's decisions (asked one at a time). */
  get decisionMs(): number {
    return this.elapsedMs;
  }
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
