/**
 * The parts of the docs generated from the commands' specs: the README's command table and the command
 * sections of docs/reference.md. Each lives between two marker comments in its file
 * (`<!-- generated:NAME -->` … `<!-- /generated:NAME -->`); `npm run docs` rewrites them, and a test
 * fails when a file differs from what the specs generate.
 */
import type { Command } from "./runner";

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

/** The generated files and their regions: what `npm run docs` writes and the docs test checks. */
export function generatedRegions(commands: readonly AnyCommand[]): {
  file: string;
  region: string;
  content: string;
}[] {
  return [
    { file: "README.md", region: "commands", content: commandTable(commands) },
    { file: "docs/reference.md", region: "commands", content: commandReference(commands) },
  ];
}
