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
  return [...matrixLines(report)].join("\n");
}

/**
 * The lines of `formatMatrix`, one at a time: at account scale (thousands of principals, millions of cells)
 * the CLI writes them as they come (writeLinesInPieces) instead of holding the whole text and an index of
 * every cell.
 */
export function* matrixLines(report: AccessReport): Generator<string> {
  const lines: string[] = [];
  // Looked up for every row and cell: maps, not searches (at account scale, thousands of principals and
  // millions of cells). The first of equal entries wins, as a search finds it.
  const principals = principalsByArn(report);
  // Each table's cells, by position: a table's index of its cells lives only while its block is written.
  const cellsOfTable = new Map<string, AccessReport["cells"][number][]>();
  for (const cell of report.cells) {
    const cells = cellsOfTable.get(cell.table);
    if (cells === undefined) {
      cellsOfTable.set(cell.table, [cell]);
    } else {
      cells.push(cell);
    }
  }
  const marker = (arn: string): string => {
    const principal = principals.get(arn);
    if (principal === undefined) {
      return arn;
    }
    if (!principal.fromPlan) {
      return `(${principal.name})`;
    }
    // A role and a user may share a name: the row says which.
    return principal.kind === "role" ? `role ${principal.name}` : principal.name;
  };
  const names = report.principals.map((principal) => marker(principal.arn));
  const nameWidth = names.reduce((width, name) => Math.max(width, name.length), 9);
  for (const table of report.tables) {
    const cellsByKey = new Map<string, AccessReport["cells"][number]>();
    for (const cell of cellsOfTable.get(table.name) ?? []) {
      const key = `${cell.principal}\n${cell.operation}`;
      if (!cellsByKey.has(key)) {
        cellsByKey.set(key, cell);
      }
    }
    yield `table ${table.name}${table.keyArn === undefined ? " (no customer-managed key)" : ` on ${table.keyArn}`}`;
    const heads = table.operations.map((operation) => HEAD[operation] ?? operation);
    const widths = heads.map((head) => Math.max(head.length, 4));
    yield ["principal".padEnd(nameWidth), ...heads.map((head, index) => head.padEnd(widths[index]))].join(
      "  ",
    );
    for (const [position, principal] of report.principals.entries()) {
      const row = table.operations.map((operation, index) => {
        const cell = cellsByKey.get(`${principal.arn}\n${operation}`);
        return (cell === undefined ? "?" : SYMBOL[cell.decision]).padEnd(widths[index]);
      });
      yield [names[position].padEnd(nameWidth), ...row].join("  ").trimEnd();
    }
    yield "";
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
  // The tail is small (classes, blind spots, obtainers): gathered, then handed over.
  yield* lines;
}

export function formatChanges(changes: readonly CellChange[], report: AccessReport): string {
  if (changes.length === 0) {
    return "No cell changed between the two plans.";
  }
  const principals = principalsByArn(report);
  const name = (arn: string) => principals.get(arn)?.name ?? arn;
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
  const principals = principalsByArn(report);
  const name = (arn: string) => {
    const principal = principals.get(arn);
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

/** The report's principals by ARN, the first of equal ARNs winning (as a search from the start finds it). */
function principalsByArn(report: AccessReport): Map<string, AccessReport["principals"][number]> {
  const byArn = new Map<string, AccessReport["principals"][number]>();
  for (const principal of report.principals) {
    if (!byArn.has(principal.arn)) {
      byArn.set(principal.arn, principal);
    }
  }
  return byArn;
}
