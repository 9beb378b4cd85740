/**
 * The cells of an access report (access/types.ts) the tests look up: one cell by its principal, operation
 * and table, failing the test with the query when no cell or more than one answers it.
 */
import type { AccessCell, AccessReport } from "../../access/types";

export interface CellQuery {
  /** The principal's ARN, as the matrix names it (a role's cells: the role's ARN). */
  readonly principal?: string;
  /** The principal's name in the report (`principals[].name`), when the test knows it by name. */
  readonly name?: string;
  readonly operation?: string;
  /** The table's name, or the end of it (`-t0`). */
  readonly table?: string;
}

export function cellOf(report: AccessReport, query: CellQuery): AccessCell {
  const arn =
    query.name === undefined
      ? query.principal
      : report.principals.find((candidate) => candidate.name === query.name)?.arn;
  const found = report.cells.filter(
    (cell) =>
      (arn === undefined || cell.principal === arn) &&
      (query.operation === undefined || cell.operation === query.operation) &&
      (query.table === undefined || cell.table.endsWith(query.table)),
  );
  if (found.length !== 1) {
    throw new Error(`${found.length} cells answer ${JSON.stringify(query)}, where one should`);
  }
  return found[0];
}

/** The decision of the one cell answering `query`. */
export function decisionOf(report: AccessReport, query: CellQuery): string {
  return cellOf(report, query).decision;
}
