/**
 * What a principal's tags and a session's source identity put in the request context (IAM User Guide,
 * "AWS global condition context keys": aws:PrincipalTag/tag-key "the tag attached to the principal making
 * the request", aws:SourceIdentity "the source identity set when you assume a role"; "Passing session
 * tags in AWS STS": a session's principal tags are its session tags, its incoming transitive session tags
 * and the role's IAM tags, and "New session tags override existing assumed role or federated user tags
 * with the same tag key, regardless of case").
 */
import { UNKNOWN, type RequestContext } from "./evaluation";

/** The tags of a role session: the role's IAM tags, overridden by the session's own (whatever their case). */
export function sessionPrincipalTags(
  roleTags: Readonly<Record<string, string>> | "unknown" | undefined,
  sessionTags: Readonly<Record<string, string>> | "unknown" | undefined,
): Readonly<Record<string, string>> | "unknown" | undefined {
  // Session tags that may be anything may override any role tag.
  if (sessionTags === "unknown" || roleTags === "unknown") {
    return "unknown";
  }
  if (sessionTags === undefined) {
    return roleTags;
  }
  const overridden = new Set(Object.keys(sessionTags).map((key) => key.toLowerCase()));
  return {
    ...Object.fromEntries(
      Object.entries(roleTags ?? {}).filter(([key]) => !overridden.has(key.toLowerCase())),
    ),
    ...sessionTags,
  };
}

/** aws:PrincipalTag/KEY for each tag, and aws:SourceIdentity when the session has one; nothing else. */
export function principalKeysOf(
  tags: Readonly<Record<string, string>> | "unknown" | undefined,
  sourceIdentity: string | undefined,
): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags === "unknown" || tags === undefined ? {} : tags)) {
    keys[`aws:PrincipalTag/${key}`] = value;
  }
  if (sourceIdentity !== undefined) {
    keys["aws:SourceIdentity"] = sourceIdentity;
  }
  return keys;
}

/**
 * The request context of a principal whose tags, or source identity, are unknown (principalKeysOf gives
 * none): every aws:PrincipalTag/KEY, or aws:SourceIdentity, is unknown; every other key as `otherwise` says.
 */
export function withUnknownPrincipalKeys(
  otherwise: RequestContext,
  unknown: { readonly tags: boolean; readonly sourceIdentity: boolean },
): RequestContext {
  return {
    get: (lowerCaseKey) =>
      (unknown.tags && lowerCaseKey.startsWith("aws:principaltag/")) ||
      (unknown.sourceIdentity && lowerCaseKey === "aws:sourceidentity")
        ? UNKNOWN
        : otherwise.get(lowerCaseKey),
  };
}
