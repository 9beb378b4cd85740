/**
 * The pack's one list of rules (policy-pack/rules/index.ts) against everything that must follow it: one
 * rule per file of rules/, each with the metadata of @pulumi/policy 1.21 and a docs reference; the policy
 * config files (the example shows every setting, the prod config makes every rule mandatory); and the
 * compliant baselines the rule tests start from, which every rule passes. The docs' rule tables are
 * generated from the same list (test/cli/docs.test.ts), and bench/noopPack builds its shape from it.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { expect } from "chai";
import { ruleDocsUrl } from "../../../policy-pack/lib/metadata";
import * as rules from "../../../policy-pack/rules";
import { policies } from "../../../policy-pack/rules";
import { COMPLIANT_BASELINES } from "../../support/compliantResources";
import { REPO_ROOT } from "../../support/paths";
import { runResourceRule } from "../../support/policyArgs";

const PACK_DIR = path.join(REPO_ROOT, "policy-pack");

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function settingsOf(name: string): string[] {
  const policy = policies.find((candidate) => candidate.name === name);
  return Object.keys((policy?.configSchema as PolicyConfigSchema | undefined)?.properties ?? {});
}

function readConfig(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(PACK_DIR, file), "utf8")) as Record<string, unknown>;
}

describe("the policy pack's list of rules", () => {
  it("holds one rule per file of policy-pack/rules/, named after the rule", () => {
    const files = readdirSync(path.join(PACK_DIR, "rules"))
      .filter((file) => file.endsWith(".ts") && file !== "index.ts")
      .map((file) => file.replace(/\.ts$/, ""))
      .sort();
    expect(policies.map((policy) => camelCase(policy.name)).sort()).to.deep.equal(files);
    for (const policy of policies) {
      expect((rules as Record<string, unknown>)[camelCase(policy.name)], policy.name).to.equal(policy);
    }
  });

  it("gives every rule the metadata Pulumi Cloud reads, and a docs reference", () => {
    expect(new Set(policies.map((policy) => policy.name)).size).to.equal(policies.length);
    for (const policy of policies) {
      expect(policy.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(policy.description, policy.name).to.match(/^[A-Z].*\.$/);
      expect(policy.enforcementLevel, policy.name).to.be.oneOf(["advisory", "mandatory"]);
      expect(policy.severity, policy.name).to.be.oneOf(["low", "medium", "high", "critical"]);
      expect(policy.displayName, policy.name).to.be.a("string").and.not.equal("");
      expect(policy.tags, policy.name).to.have.length.greaterThan(0);
      expect(policy.remediationSteps, policy.name).to.be.a("string").and.not.equal("");
      expect(policy.url, policy.name).to.equal(ruleDocsUrl(policy.name));
      expect(policy.framework?.reference, policy.name).to.be.a("string").and.not.equal("");
      expect(policy.framework?.specification, policy.name).to.be.a("string").and.not.equal("");
      expect(policy.reference.checks, policy.name).to.not.equal("");
      expect(policy.reference.frameworkSource, policy.name).to.not.equal("");
      const properties = (policy.configSchema as PolicyConfigSchema | undefined)?.properties ?? {};
      for (const [setting, schema] of Object.entries(properties)) {
        const declared = schema as { default?: unknown; description?: unknown };
        expect(declared.default, `${policy.name}.${setting} default`).to.not.equal(undefined);
        expect(declared.description, `${policy.name}.${setting} description`).to.be.a("string");
      }
    }
  });

  it("shows every setting of every rule in policy-config.example.json, and nothing else", () => {
    const example = readConfig("policy-config.example.json");
    const names = new Set(policies.map((policy) => policy.name));
    for (const [name, entry] of Object.entries(example)) {
      expect(names.has(name) || name === "all", `${name} is a rule of the pack`).to.equal(true);
      if (typeof entry === "object" && entry !== null) {
        for (const setting of Object.keys(entry).filter((key) => key !== "enforcementLevel")) {
          expect(settingsOf(name), `${name}.${setting}`).to.include(setting);
        }
      }
    }
    for (const policy of policies) {
      const settings = settingsOf(policy.name);
      if (settings.length === 0) {
        continue;
      }
      const entry = example[policy.name];
      expect(entry, `policy-config.example.json has no entry for ${policy.name}`).to.be.an("object");
      expect(Object.keys(entry as object), policy.name).to.include.members(settings);
    }
  });

  it("makes every rule mandatory under policy-config.prod.json, with settings the rules declare", () => {
    const prod = readConfig("policy-config.prod.json");
    expect(prod.all).to.equal("mandatory");
    for (const [name, entry] of Object.entries(prod).filter(([key]) => key !== "all")) {
      expect(settingsOf(name).length, `${name} is a rule with settings`).to.be.greaterThan(0);
      expect(entry).to.be.an("object");
      expect((entry as { enforcementLevel?: unknown }).enforcementLevel ?? "mandatory").to.equal("mandatory");
      for (const setting of Object.keys(entry as object).filter((key) => key !== "enforcementLevel")) {
        expect(settingsOf(name), `${name}.${setting}`).to.include(setting);
      }
    }
  });

  it("passes every compliant baseline the rule tests start from, under every resource rule", async () => {
    for (const [type, baseline] of Object.entries(COMPLIANT_BASELINES)) {
      for (const policy of policies.filter((candidate) => "validateResource" in candidate)) {
        const outcome = await runResourceRule(policy as ResourceValidationPolicy, {
          type,
          name: "baseline",
          props: baseline(),
        });
        expect(outcome.violations, `${type} under ${policy.name}`).to.deep.equal([]);
        expect(outcome.downgraded, `${type} under ${policy.name}`).to.equal(undefined);
      }
    }
  });
});
