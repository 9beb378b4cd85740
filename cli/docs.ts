/**
 * `npm run docs`: rewrites the parts of the docs generated from the code (cli/reference.ts): the README's
 * command table, docs/reference.md's command sections, docs/architecture.md's layers, docs/sandbox.md's
 * operations, and the policy pack's rule tables and reference (docs/policy-pack.md, policy-pack/README.md).
 * Run it after changing a command's flags or summary, the layers, an operation table or a rule; a test
 * fails until the docs match.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { generatedRegions, replaceRegion } from "./reference";
import { defineCommand, mainOf, runMain } from "./runner";

const REPO_ROOT = path.resolve(__dirname, "..");

export const command = defineCommand({
  name: "docs",
  summary:
    "Rewrites the generated parts of the docs: the README's command table and docs/reference.md's command sections from the commands' specs, docs/architecture.md's layers from the table lint enforces, docs/sandbox.md's operations from the sandbox's operation tables, and the policy pack's rule tables and reference from its rules.",
  options: {
    check: {
      type: "boolean",
      description: "change nothing; exit 1 when a file differs from what the code generates",
    },
  },
  exits: { 1: "--check found a file that differs from what the code generates" },
  async run(args, ctx) {
    // The command list imports this module: read it once the modules are loaded.
    const { COMMANDS } = await import("./commands");
    let stale = 0;
    for (const { file, region, content } of generatedRegions(COMMANDS)) {
      const where = path.join(REPO_ROOT, file);
      const before = readFileSync(where, "utf8");
      const after = replaceRegion(before, region, content);
      if (after === before) {
        continue;
      }
      stale += 1;
      if (args.check) {
        ctx.io.stdout(`${file}: the ${region} region differs from the specs (npm run docs rewrites it)`);
      } else {
        writeFileSync(where, after);
        ctx.io.stdout(`${file}: rewrote the ${region} region`);
      }
    }
    return args.check && stale > 0 ? 1 : 0;
  },
});

export const main = mainOf(command);

if (require.main === module) {
  runMain(command);
}
