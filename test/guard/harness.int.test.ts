/**
 * The pack test harness (guard/harness.ts) over the real Analyzer RPC: GetAnalyzerInfo's metadata for
 * every policy of the project's pack, another team's pack driven with resources and preview unknowns,
 * and the production stack's policy config.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { parse as parseYaml } from "yaml";
import {
  analyze,
  type AnalyzeInput,
  HarnessInputError,
  HarnessResource,
  harnessOn,
  PackInfo,
  UNKNOWN,
} from "../../guard/harness";
import { DEFAULT_PACK_DIR } from "../../guard/packProcess";
import { synthesize } from "../../plan/synth";
import { readPolicyConfigFile } from "../../cli/policy";
import { policies } from "../../policy-pack/rules";
import { withSharedPack } from "../support/sharedPack";
import { fixturePath } from "../support/paths";
import { rejectionOf } from "../support/errors";

const OPTIONS_PACK = fixturePath("packs", "optionsPack");
const PACK_MANIFEST = JSON.parse(readFileSync(path.join(DEFAULT_PACK_DIR, "package.json"), "utf8")) as {
  version: string;
  repository: string;
  homepage: string;
};

describe("pack test harness (guard/harness.ts)", function () {
  this.timeout(180_000);

  describe("the project's pack", () => {
    // The test run's one pack (test/support/sharedPack.ts), through the harness as openHarness gives it:
    // harnessOn is what openHarness returns over the pack it starts. "another team's pack" below starts
    // its own, through analyze(), which is openHarness, one analysis and close.
    const harness = {
      analyze: (input: AnalyzeInput) => withSharedPack((client) => harnessOn(client).analyze(input)),
    };
    let info: PackInfo;

    before(async () => {
      info = await withSharedPack((client) => harnessOn(client).info());
    });

    it("reports the pack's metadata in GetAnalyzerInfo", () => {
      expect(info.name).to.equal("kms-dynamodb");
      expect(info.version).to.equal(PACK_MANIFEST.version);
      expect(info.displayName).to.equal("KMS-encrypted DynamoDB");
      expect(info.provider).to.equal("aws");
      expect(info.tags).to.include.members(["aws", "dynamodb", "kms"]);
      expect(info.repository).to.equal(PACK_MANIFEST.repository);
      expect(info.readme).to.equal(readFileSync(path.join(DEFAULT_PACK_DIR, "README.md"), "utf8"));
    });

    it("has what `pulumi policy publish` reads: runtime nodejs in PulumiPolicy.yaml, a semver version", () => {
      // Pulumi docs, "Policy pack project file (PulumiPolicy.yaml)": `runtime` is required and must be
      // nodejs for a TypeScript pack; the version comes from package.json unless the file sets one.
      const project = parseYaml(readFileSync(path.join(DEFAULT_PACK_DIR, "PulumiPolicy.yaml"), "utf8")) as {
        runtime: unknown;
        version?: unknown;
      };
      expect(project.runtime).to.equal("nodejs");
      expect(project.version).to.equal(undefined);
      expect(PACK_MANIFEST.version).to.match(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/);
    });

    it("reports every rule of the pack's list with its metadata: severity, framework, tags, remediation, url", () => {
      // The metadata travels in GetAnalyzerInfo, where Pulumi Cloud reads it; each framework mapping is
      // cited in the rule's reference (docs/policy-pack.md, "Rule reference").
      expect(info.policies.map((p) => p.name)).to.have.members(policies.map((p) => p.name));
      for (const policy of info.policies) {
        const rule = policies.find((candidate) => candidate.name === policy.name);
        expect(policy.displayName, policy.name).to.equal(rule?.displayName);
        expect(policy.severity, policy.name).to.equal(rule?.severity);
        expect(policy.tags, policy.name).to.deep.equal(rule?.tags);
        expect(policy.remediationSteps, policy.name).to.equal(rule?.remediationSteps);
        expect(policy.url, policy.name).to.equal(`${PACK_MANIFEST.homepage}#${policy.name}`);
        expect(policy.framework?.name, policy.name).to.equal(rule?.framework?.name);
        expect(policy.framework?.reference, policy.name).to.equal(rule?.framework?.reference);
        expect(policy.framework?.specification, policy.name).to.equal(rule?.framework?.specification);
      }
    });

    it("reports a key unknown at preview as decided by the stack rule, not downgraded", async () => {
      const key = { type: "aws:kms/key:Key", name: "orders-key", props: { enableKeyRotation: true } };
      const table = (dependsOnKey: boolean): HarnessResource => ({
        type: "aws:dynamodb/table:Table",
        name: "orders",
        props: {
          serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN },
          pointInTimeRecovery: { enabled: true },
          deletionProtectionEnabled: true,
        },
        propertyDependencies: dependsOnKey ? { serverSideEncryption: ["orders-key"] } : {},
      });

      const fromStack = await harness.analyze({ resources: [key, table(true)] });
      expect(fromStack.mandatory).to.equal(0);
      expect(fromStack.notApplicable).to.deep.equal([
        {
          policyName: "dynamodb-table-customer-managed-key",
          urn: fromStack.urns.orders,
          reason:
            "serverSideEncryption.kmsKeyArn unknown during preview; decided by dynamodb-table-key-from-stack-at-preview",
        },
      ]);

      const fromNowhere = await harness.analyze({ resources: [key, table(false)] });
      expect(fromNowhere.violations.map((v) => [v.policyName, v.enforcementLevel, v.urn])).to.deep.equal([
        ["dynamodb-table-key-from-stack-at-preview", "mandatory", fromNowhere.urns.orders],
      ]);
    });

    it("makes every advisory rule mandatory with the prod policy config", async () => {
      const prodConfig = readPolicyConfigFile(path.join(DEFAULT_PACK_DIR, "policy-config.prod.json"));
      const advisoryNames = info.policies.filter((p) => p.enforcementLevel === "advisory").map((p) => p.name);
      expect(advisoryNames).to.have.members(
        policies.filter((p) => p.enforcementLevel === "advisory").map((p) => p.name),
      );
      // A table without PITR or deletion protection and a key with a 7-day window: advisory by default.
      const resources = [
        { type: "aws:kms/key:Key", name: "k", props: { enableKeyRotation: true, deletionWindowInDays: 7 } },
        {
          type: "aws:dynamodb/table:Table",
          name: "t",
          props: { serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN } },
          propertyDependencies: { serverSideEncryption: ["k"] },
        },
      ];
      const byDefault = await harness.analyze({ resources });
      expect(byDefault.violations.map((v) => [v.policyName, v.enforcementLevel])).to.have.deep.members(
        advisoryNames.map((name) => [name, "advisory"]),
      );
      const prod = await harness.analyze({ resources, config: prodConfig });
      expect(prod.violations.map((v) => [v.policyName, v.enforcementLevel])).to.have.deep.members(
        advisoryNames.map((name) => [name, "mandatory"]),
      );
    });

    it("passes the prod stack under the prod policy config, and flags the dev stack's table", async () => {
      const prodConfig = readPolicyConfigFile(path.join(DEFAULT_PACK_DIR, "policy-config.prod.json"));
      // As at `pulumi up`, every value known: at a first preview the key and IAM policies, built from
      // new ARNs, are unknown and the engine downgrades the rules that read them (docs/policy-pack.md).
      const prod = await harness.analyze({
        plan: await synthesize({ stack: "prod" }),
        config: prodConfig,
        preview: false,
      });
      expect(prod.violations).to.deep.equal([]);
      // dev keeps deletion protection off (docs/reference.md, Configuration): under the prod config that blocks.
      const dev = await harness.analyze({
        plan: await synthesize({ stack: "dev" }),
        config: prodConfig,
        preview: false,
      });
      expect(dev.violations.map((v) => [v.policyName, v.enforcementLevel])).to.deep.equal([
        ["dynamodb-table-deletion-protection", "mandatory"],
      ]);
    });
  });

  describe("another team's pack", () => {
    it("sees the protect option, preview unknowns and notApplicable as under the engine", async () => {
      const table = (protect: boolean, name: unknown): HarnessResource => ({
        type: "aws:dynamodb/table:Table",
        name: "orders",
        props: { name, tags: { team: "data" } },
        protect,
      });
      const preview = await analyze({ packDir: OPTIONS_PACK, resources: [table(false, UNKNOWN)] });
      expect(preview.violations.map((v) => [v.policyName, v.enforcementLevel])).to.deep.equal([
        ["owner-tag", "advisory"],
        ["stateful-resources-protected", "mandatory"],
        // @pulumi/policy downgrades a rule that reads an unknown value (server.js).
        ["table-name-known", "advisory"],
      ]);
      expect(preview.violations[2].message).to.match(
        /^can't run policy 'table-name-known' from policy pack 'options-pack@v0.0.1' during preview: /,
      );

      const up = await analyze({
        packDir: OPTIONS_PACK,
        resources: [
          table(true, "orders-table-with-a-long-name"),
          { type: "x:y:Z", name: "plain", props: {} },
        ],
        preview: false,
      });
      expect(up.violations.map((v) => [v.policyName, v.urn])).to.deep.equal([
        ["owner-tag", up.urns.orders],
        ["table-name-known", up.urns.orders],
      ]);
      expect(up.notApplicable).to.deep.equal([
        { policyName: "owner-tag", urn: up.urns.plain, reason: "untagged" },
      ]);
    });

    it("refuses a resource list it cannot analyze, before starting the pack", async () => {
      const error = await rejectionOf(
        analyze({
          packDir: OPTIONS_PACK,
          resources: [{ type: "x:y:Z", name: "a", props: {}, propertyDependencies: { p: ["missing"] } }],
        }),
      );
      expect(error).to.be.instanceOf(HarnessInputError);
      expect((error as Error).message).to.equal(
        'a.propertyDependencies.p: "missing" is not the name of a resource of the list',
      );
    });
  });
});
