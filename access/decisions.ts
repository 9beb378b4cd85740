/**
 * Makes each distinct decision once. Two questions get the same answer from the engine when they share
 * the principal's policy set (its kind, account and identity policies), the action, the resource, the
 * request context, and, for a key, the key policy statements that name the principal by ARN. Policies
 * that read the principal's own identity (aws:username, aws:PrincipalArn, policy variables, principal
 * tags) make the principal itself part of the question, so those are never shared.
 */
import { performance } from "node:perf_hooks";
import type { AccessPrincipal } from "./types";

/** Condition keys and variables whose value differs from one principal to the next. */
const PRINCIPAL_SPECIFIC =
  /aws:username|aws:userid|aws:PrincipalArn|aws:PrincipalTag|aws:SourceIdentity|\$\{/i;

export class DecisionLedger {
  private readonly decided = new Map<string, Promise<unknown>>();
  private readonly fingerprints = new Map<string, string>();
  private questionCount = 0;
  private elapsedMs = 0;

  /** The answer to `question`, computed by `decide` only for the first question of its class. */
  ask<T>(classKey: string, decide: () => Promise<T>): Promise<T> {
    this.questionCount += 1;
    const known = this.decided.get(classKey);
    if (known !== undefined) {
      return known as Promise<T>;
    }
    const started = performance.now();
    const answer = decide().finally(() => {
      this.elapsedMs += performance.now() - started;
    });
    this.decided.set(classKey, answer);
    return answer;
  }

  /**
   * The class of a principal: what the engine sees of it, and its ARN when a policy reads the principal's
   * identity. `resourcePolicies` are the texts of resource policies that take part (the key policy).
   */
  principalClass(principal: AccessPrincipal, resourcePolicies: readonly string[] = []): string {
    let fingerprint = this.fingerprints.get(principal.arn);
    if (fingerprint === undefined) {
      const identity = JSON.stringify([
        principal.policies.inline.map((policy) => [policy.name, policy.document]),
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
