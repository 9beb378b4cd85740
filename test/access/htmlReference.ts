/**
 * The --html page as it was rendered before it streamed: one string, built whole. Kept frozen so that a
 * test can hold the streamed page (access/html.ts) to the same bytes; do not change it to follow the page.
 */
import type { CellChange } from "../../access/compare";
import { DIRECT_DECRYPT } from "../../access/operations";
import type { AccessReport } from "../../access/types";

const LABEL = {
  allowed: "✓",
  "denied-by-iam": "✗ IAM",
  "denied-by-kms": "✗ KMS",
  conditional: "~",
  absent: "–",
} as const;

export function renderHtmlAsOneString(report: AccessReport, changes?: readonly CellChange[]): string {
  const changed = new Map(
    (changes ?? []).map((change) => [`${change.table}\n${change.principal}\n${change.operation}`, change]),
  );
  const cellIndex = new Map(
    report.cells.map((cell, index) => [`${cell.table}\n${cell.principal}\n${cell.operation}`, index]),
  );
  const sections = report.tables.map((table) => {
    const head = table.operations
      .map(
        (operation) =>
          `<th scope="col">${escape(operation === DIRECT_DECRYPT ? "kms:Decrypt (direct)" : operation)}</th>`,
      )
      .join("");
    const rows = report.principals.map((principal) => {
      const cells = table.operations.map((operation) => {
        const key = `${table.name}\n${principal.arn}\n${operation}`;
        const index = cellIndex.get(key);
        const cell = index === undefined ? undefined : report.cells[index];
        if (cell === undefined) {
          return "<td>?</td>";
        }
        const change = changed.get(key);
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
      return `<tr><th scope="row" title="${escape(principal.arn)}">${who}</th>${cells.join("")}</tr>`;
    });
    const key = table.keyArn === undefined ? "no customer-managed key" : `key ${escape(table.keyArn)}`;
    return `<section><h2>Table ${escape(table.name)}</h2><p class="key">${key}</p>
<table class="matrix"><thead><tr><th>principal</th>${head}</tr></thead><tbody>${rows.join("\n")}</tbody></table></section>`;
  });
  const changeList =
    changes === undefined
      ? ""
      : `<section id="changes"><h2>Before → after: ${changes.length} cells changed</h2><ul>${changes
          .map((change) => {
            const name =
              report.principals.find((principal) => principal.arn === change.principal)?.name ??
              change.principal;
            return `<li>${escape(change.table)} · ${escape(name)} · ${escape(change.operation)}: ${escape(change.before)} → ${escape(change.after)}</li>`;
          })
          .join("")}</ul></section>`;
  const obtainers = report.obtainers
    .map((entry) => {
      const name =
        report.principals.find((principal) => principal.arn === entry.principal)?.name ?? entry.principal;
      return `<li><b>${escape(name)}</b><ul>${entry.paths.map((path) => `<li>${escape(path)}</li>`).join("")}</ul></li>`;
    })
    .join("");
  const { questions, distinctDecisions, decisionMs } = report.stats;
  const data = JSON.stringify(report.cells).replace(/</g, "\\u003c");
  return `<!doctype html>
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
${changeList}
${sections.join("\n")}
<section><h2>Can change who can decrypt</h2><ul id="obtainers">${obtainers || "<li>nobody</li>"}</ul></section>
<section><h2>Principal classes</h2><ul>${report.principals
    .filter((principal) => !principal.fromPlan)
    .map(
      (principal) =>
        `<li><i>${escape(principal.name)}</i> (${escape(principal.kind)}): ${escape(principal.why ?? principal.arn)}</li>`,
    )
    .join("")}</ul></section>
<section><h2>What this cannot see</h2><ul>${report.blindSpots.map((line) => `<li>${escape(line)}</li>`).join("")}</ul></section>
<p>${questions} questions, ${distinctDecisions} distinct decisions by the engine (${decisionMs.toFixed(1)} ms).</p>
<div id="detail" aria-live="polite">Select a cell.</div>
<script id="cells" type="application/json">${data}</script>
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
