/**
 * Every command of the project, in the order the docs list them: what docs/reference.md and the README's
 * command table are generated from (`npm run docs`), and what the runner's tests walk.
 */
import { command as access } from "./access";
import { command as bench } from "./bench";
import { command as checks } from "./checks";
import { command as collect } from "./collect";
import { command as docs } from "./docs";
import { command as managedPolicies } from "./managedPolicies";
import { command as policy } from "./policy";
import { command as sandbox } from "./sandbox";
import { command as sandboxClock } from "./sandboxClock";
import { command as start } from "./start";
import { command as synth } from "./synth";
import type { Command } from "./runner";

// Each command's own option and context types differ; the docs and the tests need only the spec.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const COMMANDS: readonly Command<any, any, any>[] = [
  start,
  synth,
  policy,
  sandbox,
  sandboxClock,
  checks,
  access,
  collect,
  bench,
  managedPolicies,
  docs,
];
