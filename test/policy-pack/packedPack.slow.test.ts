/**
 * The pack on its own, as a user or Pulumi Cloud gets it: `npm pack` of policy-pack/, the tarball
 * unpacked in a temp dir outside the repository (no workspace hoist to lean on), its dependencies
 * installed from the registry, then run through the guard's harness over the Analyzer RPC.
 * A published pack is run the same way by the CLI: unpacked, `npm install` in it, then started with
 * @pulumi/pulumi's run-policy-pack (Pulumi docs, "Publish and enforce a custom policy pack").
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { openHarness } from "../../guard/harness";
import { DEFAULT_PACK_DIR } from "../../guard/packProcess";
import { policies } from "../../policy-pack/rules";
import { synthesize } from "../../plan/synth";
import { useTempDir } from "../support/tempDir";

const run = promisify(execFile);

describe("the packed policy pack, installed alone (slow: npm install from the registry)", function () {
  const packWorkDir = useTempDir("kms-dynamodb-pack", { per: "suite" });
  this.timeout(900_000);
  let workDir: string;
  let packDir: string;
  let packedFiles: string[];

  before(async () => {
    workDir = packWorkDir();
    const { stdout } = await run("npm", ["pack", DEFAULT_PACK_DIR, "--json", "--pack-destination", workDir], {
      cwd: workDir,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    packedFiles = packed.files.map((f) => f.path).sort();
    await run("tar", ["-xzf", path.join(workDir, packed.filename), "-C", workDir]);
    packDir = path.join(workDir, "package");
    // Only the pack's own package.json: no lock file, no workspace, dependencies from the registry.
    await run("npm", ["install", "--omit=dev", "--no-audit", "--no-fund"], {
      cwd: packDir,
      maxBuffer: 16 * 1024 * 1024,
    });
  });

  it("ships the pack's entry point and sources, project file, tsconfig, README and policy configs, nothing else", () => {
    const sources = ["rules", "lib"].flatMap((dir) =>
      readdirSync(path.join(DEFAULT_PACK_DIR, dir))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => `${dir}/${f}`),
    );
    expect(packedFiles).to.deep.equal(
      [
        "PulumiPolicy.yaml",
        "README.md",
        "index.ts",
        // The entry point run-policy-pack loads: it transpiles the rules with SWC (policy-pack/main.js).
        "main.js",
        "package.json",
        "swcRegister.js",
        "policy-config.example.json",
        "policy-config.prod.json",
        "tsconfig.json",
        ...sources,
      ].sort(),
    );
  });

  it("installs TypeScript 5.x in the pack itself, and the CLI's runner from its own dependencies", () => {
    const typescript = JSON.parse(
      readFileSync(require.resolve("typescript/package.json", { paths: [packDir] }), "utf8"),
    ) as { version: string };
    expect(typescript.version).to.match(/^5\./);
    expect(require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] })).to.satisfy(
      (p: string) => p.startsWith(packDir),
    );
  });

  it("runs alone through the guard: metadata, and the dev stack's preview with no mandatory violation", async () => {
    const harness = await openHarness({ packDir });
    try {
      const info = await harness.info();
      expect(info.name).to.equal("kms-dynamodb");
      expect(info.policies).to.have.length(policies.length);
      expect(info.policies.every((p) => p.severity !== "unspecified" && p.framework !== undefined)).to.equal(
        true,
      );
      const report = await harness.analyze({ plan: await synthesize({ stack: "dev", preview: true }) });
      expect(report.mandatory).to.equal(0);
      const noncompliant = await harness.analyze({
        resources: [{ type: "aws:dynamodb/table:Table", name: "plain", props: { hashKey: "id" } }],
      });
      expect(noncompliant.violations.map((v) => [v.policyName, v.enforcementLevel])).to.deep.include([
        "dynamodb-table-customer-managed-key",
        "mandatory",
      ]);
    } finally {
      await harness.close();
    }
  });
});
