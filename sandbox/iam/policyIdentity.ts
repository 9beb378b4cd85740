/**
 * What decides a principal's requests, as the engine holds it, told in the terms the static proof shares
 * decisions by (access/decisions.ts): two principals whose policy identities have the same fingerprint
 * get the same answer from the engine for the same action, resource and request context, their own inline
 * policies' names aside. It is read from the compiled policy set the evaluator uses (own policies, groups,
 * boundary, session policies, the organization's SCPs and RCPs: ./policySources.ts), so a policy source the
 * engine compiles is seen by the proof without the proof knowing it.
 */
import type { CompiledPolicy } from "./evaluation";

/** Condition keys and variables whose value differs from one principal to the next. */
const PRINCIPAL_SPECIFIC =
  /aws:username|aws:userid|aws:PrincipalArn|aws:PrincipalTag|aws:SourceIdentity|\$\{/i;

/** Condition keys on a KMS request's encryption context (and a policy variable that could name one). */
const ENCRYPTION_CONTEXT = /EncryptionContext|\$\{/i;

/**
 * Whether a policy's text reads the principal's own identity (aws:username, aws:userid, aws:PrincipalArn,
 * aws:PrincipalTag, aws:SourceIdentity, a policy variable): the proof asks it of resource policies too.
 */
export function textReadsPrincipal(text: string): boolean {
  return PRINCIPAL_SPECIFIC.test(text);
}

/** Whether a policy's text may read a KMS request's encryption context (a key, or a policy variable). */
export function textReadsEncryptionContext(text: string): boolean {
  return ENCRYPTION_CONTEXT.test(text);
}

/** The name the evaluator gives a principal's own inline policy ("inline:NAME"). */
const OWN_INLINE = "inline:";

export interface PolicyIdentity {
  /**
   * Equal for two principals whose policy sets decide alike: the kind of caller, its account, and each
   * policy's name and document, in the order that matters (own inline policies are named by position, as
   * a shared answer renames them; every other policy by its name, which decisions show).
   */
  readonly fingerprint: string;
  /** Whether its identity-based policies are unknown (taken at worst: they may allow anything). */
  readonly unknown: boolean;
  /**
   * Whether a policy of its set reads the principal's own identity (aws:username, aws:userid,
   * aws:PrincipalArn, aws:PrincipalTag, aws:SourceIdentity, a policy variable): then no other principal
   * decides alike.
   */
  readonly readsPrincipal: boolean;
  /** Whether a policy of its set may read a KMS request's encryption context. */
  readonly readsEncryptionContext: boolean;
  /** Every Resource and NotResource pattern of its set, as written. */
  readonly resourcePatterns: readonly string[];
  /**
   * Whether an identity-based policy of its set has an Allow statement for `action` (as the evaluator
   * matches Action and NotAction), or its identity-based policies are unknown. Where none has, no
   * identity-based policy can allow `action`.
   */
  mayAllow(action: string): boolean;
}

/** The compiled policy set of one principal, as the Authorizer holds it. */
export interface PolicySetParts {
  readonly callerKind: string;
  readonly accountId: string;
  /** A service-linked role: SCPs and RCPs spare it. */
  readonly serviceLinkedRole: boolean;
  readonly identity: readonly CompiledPolicy[] | "unknown";
  readonly boundary?: CompiledPolicy;
  readonly session?: readonly CompiledPolicy[];
  /** The organization's SCPs and RCPs (the same for every principal of the account). */
  readonly organization: readonly CompiledPolicy[];
}

export function policyIdentityOf(parts: PolicySetParts): PolicyIdentity {
  const identity = parts.identity === "unknown" ? [] : parts.identity;
  const own = identity.filter((policy) => policy.name.startsWith(OWN_INLINE));
  // Policies other than its own inline ones are named in decisions by names other principals share (a
  // managed policy's ARN, group:GROUP/..., boundary:ARN): their order does not change the decision.
  const named = [
    ...identity.filter((policy) => !policy.name.startsWith(OWN_INLINE)),
    ...(parts.boundary === undefined ? [] : [parts.boundary]),
    ...(parts.session ?? []).map((policy) => ({ ...policy, name: `session:${policy.name}` })),
  ]
    .map((policy) => `${policy.name}=${policy.core.id}`)
    .sort();
  const fingerprint = [
    parts.callerKind,
    parts.accountId,
    parts.serviceLinkedRole ? "service-linked" : "",
    parts.identity === "unknown" ? "unknown" : own.map((policy) => policy.core.id).join(","),
    named.join(","),
  ].join("\n");
  const all = [
    ...identity,
    ...(parts.boundary === undefined ? [] : [parts.boundary]),
    ...(parts.session ?? []),
    ...parts.organization,
  ];
  const cores = [...new Set(all.map((policy) => policy.core))];
  const mayAllow = new Map<string, boolean>();
  return {
    fingerprint,
    unknown: parts.identity === "unknown",
    readsPrincipal: cores.some((core) => textReadsPrincipal(core.text)),
    readsEncryptionContext: cores.some((core) => textReadsEncryptionContext(core.text)),
    resourcePatterns: [
      ...new Set(
        cores.flatMap((core) => core.statements.flatMap((statement) => statement.resource?.patterns ?? [])),
      ),
    ],
    mayAllow(action: string): boolean {
      if (parts.identity === "unknown") {
        return true;
      }
      let may = mayAllow.get(action);
      if (may === undefined) {
        const lowerCase = action.toLowerCase();
        may = identity.some((policy) =>
          policy.core.statementsFor(lowerCase).some((statement) => statement.effect === "Allow"),
        );
        mayAllow.set(action, may);
      }
      return may;
    },
  };
}
