/**
 * The human form of a report: one row per user and operation with a mark, then, for every row that
 * did not match, why it was expected and what AWS answered, then one summary line.
 */
import { IAM_ACTION } from "./expectations";
import type { CheckReport, CheckResult, ExpectedOutcome } from "./types";

export const MATCH = "✓";
export const MISMATCH = "✗";

const NOTE_WIDTH = 90;

export function formatCheckTable(report: CheckReport): string {
  const header = ["", "user", "operation", "expected", "actual", "note"];
  const rows = report.results.map((result) => [
    matched(result) ? MATCH : MISMATCH,
    // A role's rows name it as role/NAME, so it cannot be taken for a user of the same name.
    result.principalKind === "role" ? `role/${result.user}` : result.user,
    result.operation,
    result.expected,
    result.actual,
    truncate(noteOf(result), NOTE_WIDTH),
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join("  ")
      .trimEnd();
  const lines = [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)];
  const groups = groupMismatches(report.results.filter((result) => !matched(result)));
  if (groups.length > 0) {
    lines.push("", "Did not match:");
    for (const group of groups) {
      const [first] = group;
      const operations = group.map((result) => result.operation).join(", ");
      lines.push(
        `${MISMATCH} ${first.user} ${operations}: expected ${first.expected} (${whyExpected(first)}), got ${first.actual}${attemptsOf(first)}`,
      );
      lines.push(
        `    ${first.error ?? (first.detail ? `the call succeeded: ${first.detail}` : "the call succeeded")}`,
      );
    }
  }
  lines.push("", summaryLine(report));
  return lines.join("\n");
}

export function summaryLine(report: CheckReport): string {
  const total = report.results.length;
  const users = new Set(report.results.map((result) => result.user)).size;
  const mismatches = report.results.filter((result) => !matched(result));
  if (mismatches.length === 0) {
    return `${MATCH} all ${total} checks matched the stack's intent (${users} user${users === 1 ? "" : "s"})`;
  }
  const cells = mismatches.map((result) => `${result.user} ${result.operation}`).join(", ");
  return `${MISMATCH} ${mismatches.length} of ${total} checks did not match the stack's intent: ${cells}`;
}

/**
 * One explanation per user and kind of mismatch: five item calls stopped by the same key read as one
 * finding, with the first call's error as the example.
 */
function groupMismatches(mismatches: CheckResult[]): CheckResult[][] {
  const groups = new Map<string, CheckResult[]>();
  for (const result of mismatches) {
    const key = [
      result.user,
      result.expected,
      result.actual,
      result.stoppedBy ?? "",
      result.attempts ?? 1,
    ].join("|");
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()];
}

function matched(result: CheckResult): boolean {
  return result.actual === result.expected;
}

function noteOf(result: CheckResult): string {
  return (result.error ?? result.detail ?? "") + attemptsOf(result);
}

function attemptsOf(result: CheckResult): string {
  return result.attempts ? ` (after ${result.attempts} attempts)` : "";
}

/** The intent behind an expectation, in the stack config's own terms. */
function whyExpected(result: CheckResult): string {
  if (result.operation === "GetCallerIdentity") {
    return "any valid access key may call it";
  }
  const reasons: Record<ExpectedOutcome, string> = {
    allowed: "its dynamodbAccess and keyUser allow it",
    "denied-by-iam": `its dynamodbAccess does not include ${IAM_ACTION[result.operation]}`,
    "denied-by-kms": "it is not a key user (keyUser: false) and item data is encrypted with the key",
  };
  return reasons[result.expected];
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
