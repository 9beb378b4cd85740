/**
 * The guard as the Pulumi CLI runs packs: a pack's `initialConfig` applies before the config file
 * (pulumi/pulumi pkg/engine/update.go, pkg/resource/analyzer/config.go), and a pack that throws or whose
 * process dies is an internal error of the run, exit 70 with one line (docs/contracts.md section 3a), not
 * a finding (1) nor a user error (2). The faults are injected by packs written for these tests.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { main } from "../../cli/policy";
import { EXIT_INTERNAL_ERROR } from "../../cli/runner";
import type { PolicyReport } from "../../guard/report";
import { runMainInProcess } from "../support/inProcessCli";
import { fixturePath, REPO_ROOT } from "../support/paths";
import { useTempDir } from "../support/tempDir";

/** A `pulumi stack export` file of one queue per name. */
function stateOf(dir: string, ...names: string[]): string {
  const file = path.join(dir, "state.json");
  const resources = names.map((name) => ({
    urn: `urn:pulumi:dev::faults::aws:sqs/queue:Queue::${name}`,
    custom: true,
    id: name,
    type: "aws:sqs/queue:Queue",
    inputs: { name },
    outputs: { name },
  }));
  writeFileSync(file, JSON.stringify({ version: 3, deployment: { manifest: {}, resources } }));
  return file;
}

describe("the guard's packs as the Pulumi CLI runs them", function () {
  this.timeout(120_000);
  const workDir = useTempDir("guard-faults");

  it("applies a pack's initial config (all: mandatory) before the config file", async () => {
    const state = stateOf(workDir(), "jobs");
    const pack = fixturePath("packs", "initialConfigPack");
    const run = await runMainInProcess(main, ["--file", state, "--pack", pack, "--json"], REPO_ROOT);
    expect(run.code, run.stderr).to.equal(1);
    expect((JSON.parse(run.stdout) as PolicyReport).violations[0].enforcementLevel).to.equal("mandatory");
    // The config file applies after it, as under the CLI.
    const config = path.join(workDir(), "config.json");
    writeFileSync(config, JSON.stringify({ "no-queues": "advisory" }));
    const advised = await runMainInProcess(
      main,
      ["--file", state, "--pack", pack, "--config", config],
      REPO_ROOT,
    );
    expect(advised.code, advised.stderr).to.equal(0);
  });

  it("exits 70 with one line when a policy throws; the stack only with --verbose", async () => {
    const state = stateOf(workDir(), "fine", "boom");
    const pack = fixturePath("packs", "throwingPack");
    const run = await runMainInProcess(main, ["--file", state, "--pack", pack], REPO_ROOT);
    expect(run.code).to.equal(EXIT_INTERNAL_ERROR);
    const errors = run.stderr.split("\n").filter((line) => line.startsWith("error:"));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/^error: internal error: .*the rule broke on boom/);
    expect(run.stderr).to.not.match(/^\s+at /m);
    const verbose = await runMainInProcess(main, ["--file", state, "--pack", pack, "--verbose"], REPO_ROOT);
    expect(verbose.code).to.equal(EXIT_INTERNAL_ERROR);
    expect(verbose.stderr).to.match(/^\s+at /m);
  });

  it("exits 70 with one line when the pack's process dies during the analysis", async () => {
    const state = stateOf(workDir(), "die");
    const run = await runMainInProcess(
      main,
      ["--file", state, "--pack", fixturePath("packs", "dyingPack")],
      REPO_ROOT,
    );
    expect(run.code).to.equal(EXIT_INTERNAL_ERROR);
    expect(run.stderr.split("\n").filter((line) => line.startsWith("error:"))).to.have.length(1);
    expect(run.stderr).to.match(/^error: internal error: /m);
  });
});
