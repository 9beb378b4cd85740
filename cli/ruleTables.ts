/**
 * The policy pack's rule tables and rule reference, generated from the rules' own metadata (the pack's
 * one list, policy-pack/rules/index.ts: name, level, severity, framework, description, settings and
 * their defaults, remediation steps, and each rule's `reference`) by `npm run docs`: docs/policy-pack.md's
 * "Rules" and "Rule reference", and policy-pack/README.md's table. Where a rule stands under
 * policy-config.prod.json is read from that file.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { PolicyComplianceFramework, PolicyConfigSchema } from "@pulumi/policy";
import type { PackPolicy } from "../policy-pack/lib/metadata";
import { policies } from "../policy-pack/rules";

const PACK_DIR = path.join(__dirname, "..", "policy-pack");

/** How the tables name a framework's catalogue. */
const SHORT_NAMES: Record<string, string> = {
  "AWS Foundational Security Best Practices": "AWS FSBP",
  "CIS AWS Foundations Benchmark": "CIS AWS Foundations",
  "AWS Control Tower control library": "AWS Control Tower",
};

const code = (text: string): string => `\`${text}\``;

/** The docs' prose width: words joined into lines of at most `width` characters. */
function wrap(text: string, width = 105): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  return [...lines, line].join("\n");
}

function settingsOf(policy: PackPolicy): [string, Record<string, unknown>][] {
  const schema = policy.configSchema as PolicyConfigSchema | undefined;
  return Object.entries(schema?.properties ?? {}) as [string, Record<string, unknown>][];
}

function shownDefault(value: unknown): string {
  if (Array.isArray(value)) {
    return value.length === 0 ? "`[]`" : value.map((entry) => code(String(entry))).join(", ");
  }
  return code(JSON.stringify(value));
}

function frameworkLabel(framework: PolicyComplianceFramework | undefined, short: boolean): string {
  if (framework === undefined) {
    return "";
  }
  const name = short ? (SHORT_NAMES[framework.name ?? ""] ?? framework.name) : framework.name;
  const version = framework.version ? ` ${framework.version}` : "";
  return short
    ? `${name}${version} ${framework.reference}`
    : `${name}${version}, ${framework.reference} "${framework.specification}"`;
}

/** The level of a policy under a `--policy-pack-config` file: its own entry, else `all`, else its own. */
function levelUnder(config: Record<string, unknown>, policy: PackPolicy): string {
  const entry = config[policy.name];
  if (typeof entry === "string") {
    return entry;
  }
  const own = (entry as { enforcementLevel?: unknown } | undefined)?.enforcementLevel;
  if (typeof own === "string") {
    return own;
  }
  return typeof config.all === "string" ? config.all : (policy.enforcementLevel ?? "advisory");
}

function prodConfig(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(PACK_DIR, "policy-config.prod.json"), "utf8")) as Record<
    string,
    unknown
  >;
}

/** docs/policy-pack.md's "Rules": one row per rule. */
export function ruleTable(): string {
  return [
    "| rule | level | severity | framework | checks | config (default) |",
    "|---|---|---|---|---|---|",
    ...policies.map((policy) => {
      const settings = settingsOf(policy);
      const config =
        settings.length === 0
          ? "none"
          : settings.map(([name, schema]) => `${code(name)} (${shownDefault(schema.default)})`).join(", ");
      return `| [${code(policy.name)}](#${policy.name}) | ${policy.enforcementLevel} | ${policy.severity} | ${frameworkLabel(policy.framework, true)} | ${policy.description} | ${config} |`;
    }),
  ].join("\n");
}

/** policy-pack/README.md's table: the pack's policies at a glance. */
export function packReadmeTable(): string {
  return [
    "| policy | level | severity | framework |",
    "|---|---|---|---|",
    ...policies.map(
      (policy) =>
        `| ${code(policy.name)} | ${policy.enforcementLevel} | ${policy.severity} | ${frameworkLabel(policy.framework, true)} |`,
    ),
  ].join("\n");
}

/** docs/policy-pack.md's "Rule reference": one section per rule, its heading the anchor its `url` names. */
export function ruleReference(): string {
  const prod = prodConfig();
  return policies
    .map((policy) => {
      const level = policy.enforcementLevel ?? "advisory";
      const underProd = levelUnder(prod, policy);
      const levelText =
        `${level[0].toUpperCase()}${level.slice(1)}` +
        (underProd === level ? "" : ` (${underProd} under \`policy-config.prod.json\`)`);
      const settings = settingsOf(policy);
      const paragraphs = [
        `${levelText}, severity ${policy.severity}. Framework: ${frameworkLabel(policy.framework, false)}. ` +
          policy.reference.frameworkSource,
        `Checks: ${policy.reference.checks}`,
        `Remediation: ${policy.remediationSteps}`,
        settings.length === 0
          ? "Settings: none."
          : `Settings: ${settings
              .map(
                ([name, schema]) =>
                  `${code(name)} (default ${shownDefault(schema.default)}): ${String(schema.description)}`,
              )
              .join(" ")}`,
      ];
      return [`### ${code(policy.name)}`, ...paragraphs.map((paragraph) => wrap(paragraph))].join("\n\n");
    })
    .join("\n\n");
}
