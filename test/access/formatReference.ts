/**
 * The terminal matrix as it was formatted before it was written in pieces: one string, with an index of
 * every cell. Kept frozen so that a test can hold the lines of access/format.ts to the same bytes.
 */
import { DIRECT_DECRYPT } from "../../access/operations";
import { formatClasses } from "../../access/format";
import type { AccessDecision, AccessReport } from "../../access/types";
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

export function formatMatrixAsOneString(report: AccessReport): string {
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
