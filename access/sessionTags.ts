/**
 * Session tags in the static proof. The proof asks a role's cells as one session of the role, but AWS
 * lets whoever assumes the role pass session tags when its trust policy allows sts:TagSession, and "New
 * session tags override existing assumed role ... tags with the same tag key" (IAM User Guide, "Passing
 * session tags in AWS STS", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html). So
 * for such a role the session's aws:PrincipalTag/* are unknown, and a cell that reads them is
 * `conditional`, never decided from the role's own tags alone.
 */
import type { CloudModel } from "../sandbox/engine";

/** Whether a trust policy has an Allow that may cover sts:TagSession (Action or NotAction, with wildcards). */
export function mayTagSessions(trustPolicy: string): boolean {
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
      .some((pattern) => globMatches(pattern, "sts:TagSession"));
  return list.some(
    (statement) =>
      typeof statement === "object" &&
      statement !== null &&
      statement.Effect === "Allow" &&
      (statement.Action !== undefined ? covers(statement.Action) : !covers(statement.NotAction)),
  );
}

/** The roles of the model whose sessions may carry any session tags. */
export function rolesWithOpenTags(model: CloudModel): string[] {
  return model.principals
    .filter((principal) => principal.trust !== undefined && mayTagSessions(principal.trust.policy))
    .map((principal) => principal.arn);
}

/** IAM's action matching: case-insensitive, `*` any run of characters, `?` one character. */
function globMatches(pattern: string, action: string): boolean {
  const source = pattern
    .split("")
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "i").test(action);
}
