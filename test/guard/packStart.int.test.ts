/**
 * How the Pulumi CLI's runner (@pulumi/pulumi's cmd/run-policy-pack, patched: patches/README.md) starts a
 * pack: ts-node and the TypeScript compiler are registered when the pack's first .ts file is required,
 * so a pack with a JavaScript entry that installs its own .ts hook (this project's: policy-pack/main.js)
 * never loads them, while a pack written in TypeScript is still loaded through ts-node.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { main } from "../../cli/policy";
import type { PolicyReport } from "../../guard/report";
import { runMainInProcess } from "../support/inProcessCli";
import { fixturePath, REPO_ROOT } from "../support/paths";
import { useTempDir } from "../support/tempDir";

function stateOf(dir: string, name: string): string {
  const file = path.join(dir, "state.json");
  const resource = {
    urn: `urn:pulumi:dev::packs::aws:sqs/queue:Queue::${name}`,
    custom: true,
    id: name,
    type: "aws:sqs/queue:Queue",
    inputs: { name },
    outputs: { name },
  };
  writeFileSync(file, JSON.stringify({ version: 3, deployment: { manifest: {}, resources: [resource] } }));
  return file;
}

async function report(state: string, pack: string): Promise<{ code: number; report: PolicyReport }> {
  const run = await runMainInProcess(main, ["--file", state, "--pack", pack, "--json"], REPO_ROOT);
  expect(run.stdout, run.stderr).to.match(/^\{/);
  return { code: run.code, report: JSON.parse(run.stdout) as PolicyReport };
}

describe("the policy pack runner's TypeScript", function () {
  this.timeout(120_000);
  const workDir = useTempDir("pack-start");

  it("loads neither TypeScript nor ts-node for a pack whose entry is JavaScript", async () => {
    const { report: result } = await report(
      stateOf(workDir(), "q"),
      fixturePath("packs", "loadsTypeScriptPack"),
    );
    expect(JSON.stringify(result)).to.contain("typescript or ts-node modules loaded: 0");
  });

  it("still loads a pack written in TypeScript through ts-node, as pulumi preview does", async () => {
    const { code, report: result } = await report(
      stateOf(workDir(), "forbidden"),
      fixturePath("packs", "typeScriptEntryPack"),
    );
    expect(code).to.equal(1);
    expect(JSON.stringify(result)).to.contain("a TypeScript rule refused forbidden");
  });
});
