/**
 * The parts of the docs generated from the code: the README's command table and the command sections
 * of docs/reference.md (from the commands' specs), docs/architecture.md's table of layers (from the
 * one table lint enforces, scripts/eslintLayers.cjs), docs/sandbox.md's operations (from the
 * sandbox's operation tables, operationTables.ts), and the policy pack's rule tables and reference (from
 * the rules' metadata, ruleTables.ts). Each lives between two marker comments in its file
 * (`<!-- generated:NAME -->` … `<!-- /generated:NAME -->`); `npm run docs` rewrites them, and a test
 * fails when a file differs from what the specs generate.
 */
import { conditionKeyTable } from "../sandbox/iam/conditionKeys";
import * as path from "node:path";
import { operationTables } from "./operationTables";
import { packReadmeTable, ruleReference, ruleTable } from "./ruleTables";
import type { Command } from "./runner";

/** One entry of the layers table (scripts/eslintLayers.cjs). */
export interface LayerEntry {
  readonly path: string;
  readonly layer: number;
  readonly may: readonly string[];
  readonly mayNot?: readonly string[];
  readonly why: string;
}

/** The table the layers rule enforces: CommonJS, so that eslint.config.mjs loads the same one. */
export function layers(): readonly LayerEntry[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(__dirname, "..", "scripts", "eslintLayers.cjs")) as { LAYERS: LayerEntry[] })
    .LAYERS;
}

/** docs/architecture.md's table: each folder, its layer, what it may import, what it is. */
export function layerTable(entries: readonly LayerEntry[]): string {
  const folder = (prefix: string) => (prefix.endsWith(".ts") ? `\`${prefix}\`` : `\`${prefix}/\``);
  return [
    "| layer | folder | may import | what it is |",
    "|---|---|---|---|",
    ...entries.map((entry) => {
      const may = entry.may.includes("*")
        ? "anything"
        : entry.may.length === 0
          ? "nothing of the project"
          : entry.may.map(folder).join(", ");
      const except = entry.mayNot === undefined ? "" : `, never ${entry.mayNot.map(folder).join(", ")}`;
      return `| ${entry.layer} | ${folder(entry.path)} | ${may}${except} | ${entry.why} |`;
    }),
  ].join("\n");
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = Command<any, any, any>;

/** The README's table: one row per command, its summary's first sentence. */
export function commandTable(commands: readonly AnyCommand[]): string {
  return [
    "| command | what it does |",
    "|---|---|",
    ...commands.map((command) => `| \`${command.invocation}\` | ${firstSentence(command.summary)} |`),
  ].join("\n");
}

/** docs/reference.md's command sections: each command's summary and its --help text. */
export function commandReference(commands: readonly AnyCommand[]): string {
  return commands
    .map((command) =>
      [`### \`${command.invocation}\``, "", command.summary, "", "```text", command.help, "```"].join("\n"),
    )
    .join("\n\n");
}

function firstSentence(text: string): string {
  const end = text.search(/[.:](\s|$)/);
  return (end < 0 ? text : text.slice(0, end)).replace(/\|/g, "\\|");
}

/** `text` with the region NAME replaced by `content`; throws when the markers are missing. */
export function replaceRegion(text: string, name: string, content: string): string {
  const begin = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < start) {
    throw new Error(`no ${begin} … ${end} region`);
  }
  return `${text.slice(0, start + begin.length)}\n${content}\n${text.slice(stop)}`;
}

/** The generated parts of the docs and their content: what `npm run docs` writes and a test checks. */
export function generatedRegions(commands: readonly AnyCommand[]): {
  file: string;
  region: string;
  content: string;
}[] {
  return [
    { file: "README.md", region: "commands", content: commandTable(commands) },
    { file: "docs/reference.md", region: "commands", content: commandReference(commands) },
    { file: "docs/architecture.md", region: "layers", content: layerTable(layers()) },
    { file: "docs/sandbox.md", region: "operations", content: operationTables() },
    { file: "docs/authorization.md", region: "condition-keys", content: conditionKeyTable() },
    { file: "docs/policy-pack.md", region: "rules", content: ruleTable() },
    { file: "docs/policy-pack.md", region: "rule-reference", content: ruleReference() },
    { file: "policy-pack/README.md", region: "rules", content: packReadmeTable() },
  ];
}
