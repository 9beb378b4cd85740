/**
 * `--html FILE`: one self-contained page (inline style and script, a Content-Security-Policy that forbids
 * every fetch) with the matrix of each table, the deciding statements of a cell on demand (click or
 * Enter), and, with `--compare PLAN`, the cells that changed between the two plans.
 */
import type { CellChange } from "./compare";
import { DIRECT_DECRYPT } from "./operations";
import type { AccessReport } from "./types";

const LABEL = {
  allowed: "✓",
  "denied-by-iam": "✗ IAM",
  "denied-by-kms": "✗ KMS",
  conditional: "~",
  absent: "–",
} as const;

/**
 * The page whole, as one string: for reports that fit in one (tests, scenarios). The CLI writes
 * `htmlChunks` instead, since at account scale the page is larger than the longest string V8 can hold.
 */
export function renderHtml(report: AccessReport, changes?: readonly CellChange[]): string {
  let page = "";
  for (const chunk of htmlChunks(report, changes)) {
    page += chunk;
  }
  return page;
}

/**
 * The page in pieces, in order; joined, they are the page. Nothing larger than one table row (or one
 * cell's JSON) is built at once, and a table's index of its cells lives only while the table is written.
 */
export function* htmlChunks(report: AccessReport, changes?: readonly CellChange[]): Generator<string> {
  const changed = new Map(
    (changes ?? []).map((change) => [`${change.table}\n${change.principal}\n${change.operation}`, change]),
  );
  // A principal's name by ARN, the first principal with it winning (as a search from the start would).
  const names = new Map<string, string>();
  for (const principal of report.principals) {
    if (!names.has(principal.arn)) {
      names.set(principal.arn, principal.name);
    }
  }
  const cellsOfTable = new Map<string, number[]>();
  report.cells.forEach((cell, index) => {
    const indices = cellsOfTable.get(cell.table);
    if (indices === undefined) {
      cellsOfTable.set(cell.table, [index]);
    } else {
      indices.push(index);
    }
  });
  yield `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>Who can decrypt: ${escape(report.tables.map((table) => table.name).join(", "))}</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;color:#1d1d1f}
table.matrix{border-collapse:collapse;margin:.5em 0 1.5em}
.matrix th,.matrix td{border:1px solid #ccc;padding:.3em .5em;text-align:center;white-space:nowrap}
.matrix tbody th{text-align:left}
.cell{cursor:pointer}
.allowed{background:#d7f5dd}.denied-by-iam{background:#fde2c8}.denied-by-kms{background:#f9d0d0}.conditional{background:#fff3b0}
.changed{outline:3px solid #2a6df4;outline-offset:-3px;font-weight:bold}
.key{color:#555;margin:0}
#detail{position:sticky;bottom:0;background:#fff;border-top:2px solid #333;padding:.5em;min-height:3em}
</style></head><body>
<h1>Who can decrypt</h1>
<p>Account ${escape(report.accountId)}, ${escape(report.region)}. ✓ allowed · ✗ IAM denied by IAM policies · ✗ KMS denied by the key · ~ conditional (counted as allowed). <i>Italic</i>: not a principal of the plan. Click a cell for the statements that decided it.</p>
`;
  if (changes !== undefined) {
    yield `<section id="changes"><h2>Before → after: ${changes.length} cells changed</h2><ul>`;
    for (const change of changes) {
      const name = names.get(change.principal) ?? change.principal;
      yield `<li>${escape(change.table)} · ${escape(name)} · ${escape(change.operation)}: ${escape(change.before)} → ${escape(change.after)}</li>`;
    }
    yield "</ul></section>";
  }
  yield "\n";
  for (const [position, table] of report.tables.entries()) {
    // The last cell with a key wins, as it did when one map of every cell was built at once.
    const cellIndex = new Map<string, number>();
    for (const index of cellsOfTable.get(table.name) ?? []) {
      const cell = report.cells[index];
      cellIndex.set(`${cell.principal}\n${cell.operation}`, index);
    }
    const head = table.operations
      .map(
        (operation) =>
          `<th scope="col">${escape(operation === DIRECT_DECRYPT ? "kms:Decrypt (direct)" : operation)}</th>`,
      )
      .join("");
    const key = table.keyArn === undefined ? "no customer-managed key" : `key ${escape(table.keyArn)}`;
    yield `${position === 0 ? "" : "\n"}<section><h2>Table ${escape(table.name)}</h2><p class="key">${key}</p>
<table class="matrix"><thead><tr><th>principal</th>${head}</tr></thead><tbody>`;
    for (const [row, principal] of report.principals.entries()) {
      const cells = table.operations.map((operation) => {
        const index = cellIndex.get(`${principal.arn}\n${operation}`);
        const cell = index === undefined ? undefined : report.cells[index];
        if (cell === undefined) {
          return "<td>?</td>";
        }
        const change = changed.get(`${table.name}\n${principal.arn}\n${operation}`);
        const text =
          change === undefined ? LABEL[cell.decision] : `${LABEL[change.before]} → ${LABEL[cell.decision]}`;
        const attributes = [
          `class="cell ${cell.decision}${change === undefined ? "" : " changed"}"`,
          `data-cell="${index}"`,
          `data-decision="${cell.decision}"`,
          `data-principal="${escape(principal.name)}"`,
          `data-operation="${escape(operation)}"`,
          change === undefined ? "" : `data-before="${change.before}"`,
          `tabindex="0"`,
          `title="${escape(cell.reason)}"`,
        ].filter((attribute) => attribute !== "");
        return `<td ${attributes.join(" ")}>${escape(text)}</td>`;
      });
      const who = !principal.fromPlan
        ? `<i>${escape(principal.name)}</i>`
        : principal.kind === "role"
          ? `role ${escape(principal.name)}`
          : escape(principal.name);
      yield `${row === 0 ? "" : "\n"}<tr><th scope="row" title="${escape(principal.arn)}">${who}</th>${cells.join("")}</tr>`;
    }
    yield "</tbody></table></section>";
  }
  yield `
<section><h2>Can change who can decrypt</h2><ul id="obtainers">`;
  if (report.obtainers.length === 0) {
    yield "<li>nobody</li>";
  }
  for (const entry of report.obtainers) {
    const name = names.get(entry.principal) ?? entry.principal;
    yield `<li><b>${escape(name)}</b><ul>${entry.paths.map((path) => `<li>${escape(path)}</li>`).join("")}</ul></li>`;
  }
  yield `</ul></section>
<section><h2>Principal classes</h2><ul>`;
  for (const principal of report.principals) {
    if (!principal.fromPlan) {
      yield `<li><i>${escape(principal.name)}</i> (${escape(principal.kind)}): ${escape(principal.why ?? principal.arn)}</li>`;
    }
  }
  const { questions, distinctDecisions, decisionMs } = report.stats;
  yield `</ul></section>
<section><h2>What this cannot see</h2><ul>${report.blindSpots.map((line) => `<li>${escape(line)}</li>`).join("")}</ul></section>
<p>${questions} questions, ${distinctDecisions} distinct decisions by the engine (${decisionMs.toFixed(1)} ms).</p>
<div id="detail" aria-live="polite">Select a cell.</div>
<script id="cells" type="application/json">[`;
  // JSON.stringify of the array, a cell at a time: the same bytes, with "<" escaped so that no text of a
  // cell can close the script element.
  for (const [index, cell] of report.cells.entries()) {
    yield `${index === 0 ? "" : ","}${(JSON.stringify(cell) ?? "null").replace(/</g, "\\u003c")}`;
  }
  yield `]</script>
<script>
(function(){
  var cells = JSON.parse(document.getElementById("cells").textContent);
  var detail = document.getElementById("detail");
  function text(tag, value){ var node = document.createElement(tag); node.textContent = value; return node; }
  function show(td){
    var cell = cells[Number(td.getAttribute("data-cell"))];
    detail.replaceChildren(text("b", td.getAttribute("data-principal") + " · " + cell.operation + " on " + cell.table + ": " + cell.decision));
    detail.appendChild(text("div", cell.reason));
    var list = document.createElement("ul");
    list.id = "statements";
    cell.statements.forEach(function(s){
      list.appendChild(text("li", s.by.toUpperCase() + " · " + s.policy + " · " + (s.sid ? "Sid " + s.sid : "statement #" + s.index) + " · " + s.effect));
    });
    if (cell.statements.length === 0) { list.appendChild(text("li", "no statement matched: nothing allows it")); }
    detail.appendChild(list);
  }
  document.querySelectorAll("td.cell").forEach(function(td){
    td.addEventListener("click", function(){ show(td); });
    td.addEventListener("keydown", function(event){ if (event.key === "Enter") { show(td); } });
  });
})();
</script>
</body></html>
`;
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
