/**
 * The terminal matrix: one block per table, a row per principal, a column per operation; ✓ allowed,
 * ✗IAM denied by the principal's IAM policies, ✗KMS denied by the key, ~ conditional (depends on what the
 * plan cannot show). Then what the proof could not see: resources not deployed, values unknown.
 */
import type { AddedAccess, CellChange } from "./compare";
import { DIRECT_DECRYPT } from "./operations";
import type { AccessDecision, AccessReport } from "./types";

const SYMBOL: Record<AccessDecision, string> = {
  allowed: "✓",
  "denied-by-iam": "✗IAM",
  "denied-by-kms": "✗KMS",
  conditional: "~",
};

/** Short column heads: the matrix must fit a terminal. */
const HEAD: Record<string, string> = {
  GetItem: "Get",
  PutItem: "Put",
  UpdateItem: "Upd",
  DeleteItem: "Del",
  Query: "Query",
  Scan: "Scan",
  BatchGetItem: "BGet",
  BatchWriteItem: "BWrite",
  TransactGetItems: "TGet",
  TransactWriteItems: "TWrite",
  DescribeTable: "Desc",
  [DIRECT_DECRYPT]: "Decrypt",
};

export function formatMatrix(report: AccessReport): string {
  const lines: string[] = [];
  // Looked up for every row and cell: maps, not searches (at account scale, thousands of principals and
  // millions of cells). The first of equal entries wins, as a search finds it.
  const principalsByArn = new Map<string, AccessReport["principals"][number]>();
  for (const principal of report.principals) {
    if (!principalsByArn.has(principal.arn)) {
      principalsByArn.set(principal.arn, principal);
    }
  }
  const cellsByKey = new Map<string, AccessReport["cells"][number]>();
  for (const cell of report.cells) {
    const key = `${cell.table}\n${cell.principal}\n${cell.operation}`;
    if (!cellsByKey.has(key)) {
      cellsByKey.set(key, cell);
    }
  }
  const marker = (arn: string): string => {
    const principal = principalsByArn.get(arn);
    if (principal === undefined) {
      return arn;
    }
    if (!principal.fromPlan) {
      return `(${principal.name})`;
    }
    // A role and a user may share a name: the row says which.
    return principal.kind === "role" ? `role ${principal.name}` : principal.name;
  };
  for (const table of report.tables) {
    lines.push(
      `table ${table.name}${table.keyArn === undefined ? " (no customer-managed key)" : ` on ${table.keyArn}`}`,
    );
    const heads = table.operations.map((operation) => HEAD[operation] ?? operation);
    const names = report.principals.map((principal) => marker(principal.arn));
    const nameWidth = Math.max(9, ...names.map((name) => name.length));
    const widths = heads.map((head) => Math.max(head.length, 4));
    lines.push(
      ["principal".padEnd(nameWidth), ...heads.map((head, index) => head.padEnd(widths[index]))].join("  "),
    );
    for (const principal of report.principals) {
      const row = table.operations.map((operation, index) => {
        const cell = cellsByKey.get(`${table.name}\n${principal.arn}\n${operation}`);
        return (cell === undefined ? "?" : SYMBOL[cell.decision]).padEnd(widths[index]);
      });
      lines.push([marker(principal.arn).padEnd(nameWidth), ...row].join("  ").trimEnd());
    }
    lines.push("");
  }
  lines.push(
    "✓ allowed   ✗IAM denied by IAM policies   ✗KMS denied by the key   ~ conditional (counted as allowed)   (name): not a principal of the plan; role NAME: asked as a session of the role",
  );
  lines.push("", ...formatClasses(report));
  if (report.deployerSource === "default") {
    lines.push(`deployer: ${report.deployer} (the default: the plan does not say who deploys it)`);
  }
  if (report.notDeployed.length > 0) {
    lines.push("", "Not deployed (not seen by the proof):");
    for (const entry of report.notDeployed) {
      lines.push(`  ${entry.urn}: ${entry.reason}`);
    }
  }
  if (report.unknowns.length > 0) {
    lines.push("", "Unknown until deployment (not guessed):");
    for (const entry of report.unknowns) {
      lines.push(`  ${entry.urn}: ${entry.path}; ${entry.consequence}`);
    }
  }
  if (report.obtainers.length > 0) {
    lines.push("", "Can change who can decrypt:");
    for (const obtainer of report.obtainers) {
      lines.push(`  ${marker(obtainer.principal)}`);
      for (const path of obtainer.paths) {
        lines.push(`    - ${path}`);
      }
    }
  }
  const { questions, distinctDecisions, decisionMs, msPerDecision } = report.stats;
  lines.push(
    "",
    `${questions} questions, ${distinctDecisions} distinct decisions by the engine ` +
      `(${decisionMs.toFixed(1)} ms, ${msPerDecision.toFixed(3)} ms each)`,
  );
  return lines.join("\n");
}

export function formatChanges(changes: readonly CellChange[], report: AccessReport): string {
  if (changes.length === 0) {
    return "No cell changed between the two plans.";
  }
  const name = (arn: string) => report.principals.find((principal) => principal.arn === arn)?.name ?? arn;
  return [
    `${changes.length} cells changed (before → after):`,
    ...changes.map(
      (change) =>
        `  ${change.table}  ${name(change.principal)}  ${change.operation}: ${change.before} → ${change.after}`,
    ),
  ].join("\n");
}

/**
 * Who each row stands for and why it is decided so (docs/access.md, "Every principal class"): the plan's
 * users and roles in one line, then each other row.
 */
export function formatClasses(report: AccessReport): string[] {
  const planCount = report.principals.filter((principal) => principal.fromPlan).length;
  return [
    "Principal classes (each row stands for):",
    `  the plan's users and roles (${planCount}): each decided with its own policies`,
    ...report.principals
      .filter((principal) => !principal.fromPlan)
      .map((principal) => `  (${principal.name}) [${principal.kind}]: ${principal.why ?? principal.arn}`),
  ];
}

/** `--fail-on-new-access`: each access the plan adds, with what grants it, or one line saying there is none. */
export function formatAddedAccess(added: readonly AddedAccess[], report: AccessReport): string {
  if (added.length === 0) {
    return "✓ --fail-on-new-access: no principal can decrypt, or change who can decrypt, where it could not before";
  }
  const name = (arn: string) => {
    const principal = report.principals.find((candidate) => candidate.arn === arn);
    return principal === undefined ? arn : principal.fromPlan ? principal.name : `(${principal.name})`;
  };
  return [
    `✗ --fail-on-new-access: ${added.length} new access${added.length === 1 ? "" : "es"}`,
    ...added.map((entry) =>
      entry.kind === "obtain"
        ? `  ✗ ${name(entry.principal)} can now change who can decrypt: ${entry.path ?? ""}`
        : `  ✗ ${name(entry.principal)} can now ${entry.operation ?? ""} on ${entry.table ?? ""} ` +
          `(${entry.before ?? "absent"} → ${entry.after ?? ""}): granted by ${entry.grantedBy.join(", ") || "nothing named"}`,
    ),
  ].join("\n");
}
