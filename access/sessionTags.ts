/**
 * Session tags and source identity in the static proof. The proof asks a role's cells as one session of
 * the role, but whoever assumes the role may pass session tags when its trust policy allows
 * sts:TagSession, and they override the role's own ("New session tags override existing assumed role ...
 * tags with the same tag key": IAM User Guide, "Passing session tags in AWS STS",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html), and may set a source identity
 * when it allows sts:SetSourceIdentity (IAM User Guide, "Monitor and control actions taken with assumed
 * roles"). For such a role the session's aws:PrincipalTag/*, or aws:SourceIdentity, are unknown, and a
 * cell that reads them is `conditional`, never decided from the role alone.
 */
import type { CloudModel } from "../sandbox/engine";

/** Whether a trust policy has an Allow that may cover `action` (Action or NotAction, with wildcards). */
export function mayAllow(trustPolicy: string, action: string): boolean {
  let document: unknown;
  try {
    document = JSON.parse(trustPolicy);
  } catch {
    // A trust policy the engine could not read was refused before the proof runs.
    return false;
  }
  const statements = (document as { Statement?: unknown }).Statement;
  const list = (Array.isArray(statements) ? statements : [statements]) as Record<string, unknown>[];
  const covers = (patterns: unknown): boolean =>
    (Array.isArray(patterns) ? patterns : [patterns])
      .filter((pattern): pattern is string => typeof pattern === "string")
      .some((pattern) => globMatches(pattern, action));
  return list.some(
    (statement) =>
      typeof statement === "object" &&
      statement !== null &&
      statement.Effect === "Allow" &&
      (statement.Action !== undefined ? covers(statement.Action) : !covers(statement.NotAction)),
  );
}

/** Whether a trust policy may let a caller pass session tags. */
export function mayTagSessions(trustPolicy: string): boolean {
  return mayAllow(trustPolicy, "sts:TagSession");
}

/** What the sessions of each role of the model may carry that the role does not fix. */
export function openRoles(
  model: CloudModel,
): Map<string, { readonly tags: boolean; readonly sourceIdentity: boolean }> {
  const roles = new Map<string, { readonly tags: boolean; readonly sourceIdentity: boolean }>();
  for (const principal of model.principals) {
    const trust = principal.trust?.policy;
    if (trust !== undefined) {
      roles.set(principal.arn, {
        tags: mayTagSessions(trust),
        sourceIdentity: mayAllow(trust, "sts:SetSourceIdentity"),
      });
    }
  }
  return roles;
}

/** IAM's action matching: case-insensitive, `*` any run of characters, `?` one character. */
function globMatches(pattern: string, action: string): boolean {
  const source = pattern
    .split("")
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "i").test(action);
}
