/**
 * The difference between two analyses (`--compare PLAN`): cells whose decision changed, matched by table
 * name, principal ARN and operation. A cell in only one of the two shows as `absent` on the other side.
 */
import type { AccessDecision, AccessReport } from "./types";

export interface CellChange {
  readonly table: string;
  readonly principal: string;
  readonly operation: string;
  readonly before: AccessDecision | "absent";
  readonly after: AccessDecision | "absent";
}

export function compareReports(before: AccessReport, after: AccessReport): CellChange[] {
  const keyOf = (cell: { table: string; principal: string; operation: string }) =>
    `${cell.table}\n${cell.principal}\n${cell.operation}`;
  const old = new Map(before.cells.map((cell) => [keyOf(cell), cell]));
  const changes: CellChange[] = [];
  for (const cell of after.cells) {
    const previous = old.get(keyOf(cell));
    old.delete(keyOf(cell));
    if (previous?.decision !== cell.decision) {
      changes.push({ ...pick(cell), before: previous?.decision ?? "absent", after: cell.decision });
    }
  }
  for (const cell of old.values()) {
    changes.push({ ...pick(cell), before: cell.decision, after: "absent" });
  }
  return changes;
}

function pick(cell: { table: string; principal: string; operation: string }) {
  return { table: cell.table, principal: cell.principal, operation: cell.operation };
}
