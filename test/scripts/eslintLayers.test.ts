/**
 * The layers rule (scripts/eslintLayers.cjs, `local/layers` in eslint.config.mjs): a reach-in across
 * layers fails lint. ESLint's API lints small files held in memory, named as if they sat in the tree.
 */
import { expect } from "chai";
import { ESLint } from "eslint";
import * as path from "node:path";
import tseslint from "typescript-eslint";
import { REPO_ROOT } from "../support/paths";

// The rule's module is CommonJS so that eslint.config.mjs and the tests load the same table.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const layers = require(path.join(REPO_ROOT, "scripts", "eslintLayers.cjs")) as {
  plugin: ESLint.Plugin;
  violation(from: string, to: string): string | undefined;
};

/** The messages of the layers rule for `text` as the file `file` of the repository. */
async function layerErrors(file: string, text: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: REPO_ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tseslint.parser as never },
        plugins: { local: layers.plugin },
        rules: { "local/layers": "error" },
      },
    ],
  });
  const [result] = await eslint.lintText(text, { filePath: path.join(REPO_ROOT, file) });
  return result.messages.map((message) => message.message);
}

describe("the layers rule (scripts/eslintLayers.cjs)", function () {
  this.timeout(20_000);

  it("fails a reach-in of access/ into the sandbox's internals, and passes the engine's public API", async () => {
    const reachIn = await layerErrors(
      "access/newFeature.ts",
      'import { KeyRegistry } from "../sandbox/kms/keyRegistry";\nexport const k = KeyRegistry;\n',
    );
    expect(reachIn).to.deep.equal([
      "access/ may not import sandbox/kms/keyRegistry.ts: it imports common/, infra/, plan/, sandbox/engine.ts (docs/architecture.md, Layers)",
    ]);
    expect(
      await layerErrors(
        "access/newFeature.ts",
        'import { startEngine } from "../sandbox/engine";\nexport const s = startEngine;\n',
      ),
    ).to.deep.equal([]);
  });

  it("resolves every form of import to its folder: type-only, re-export, dynamic, require, a directory", async () => {
    const text = [
      'import type { Sandbox } from "../sandbox";',
      'export { checkpointAfter } from "../plan/checkpoint";',
      "export type S = Sandbox;",
      'export const later = () => import("../guard/run");',
      'export const cjs = require("../sandbox/errors");',
    ].join("\n");
    expect(await layerErrors("checks/newFeature.ts", text)).to.deep.equal([
      "checks/ may not import sandbox/index.ts: it imports common/, infra/, plan/ (docs/architecture.md, Layers)",
      "checks/ may not import guard/run.ts: it imports common/, infra/, plan/ (docs/architecture.md, Layers)",
      "checks/ may not import sandbox/errors.ts: it imports common/, infra/, plan/ (docs/architecture.md, Layers)",
    ]);
  });

  it("keeps infra/ free of the project, plan/ below the sandbox, and iam/ free of kms/", () => {
    expect(layers.violation("infra/config.ts", "common/userError.ts")).to.match(/^infra\/ may not import/);
    expect(layers.violation("plan/refresh.ts", "sandbox/deploy/refresh.ts")).to.match(
      /^plan\/ may not import/,
    );
    expect(layers.violation("sandbox/iam/authorizer.ts", "sandbox/kms/grants.ts")).to.equal(
      "sandbox/iam/ may not import sandbox/kms/grants.ts: it imports common/, infra/, plan/, sandbox/ but sandbox/kms/ (docs/architecture.md, Layers)",
    );
    expect(layers.violation("sandbox/kms/grants.ts", "sandbox/iam/types.ts")).to.equal(undefined);
    expect(layers.violation("sandbox/iam/evaluation/evaluate.ts", "sandbox/errors.ts")).to.match(
      /^sandbox\/iam\/evaluation\/ may not import/,
    );
    expect(layers.violation("cli/synth.ts", "sandbox/deploy/refresh.ts")).to.equal(undefined);
    expect(layers.violation("sandbox/sandbox.ts", "plan/checkpoint.ts")).to.equal(undefined);
  });
});
