/**
 * Rule metadata in the shape of @pulumi/policy 1.21 (`severity`, `framework`, `tags`,
 * `remediationSteps`, `url`, `displayName`): what Pulumi Cloud and any Analyzer client read from
 * GetAnalyzerInfo. Framework mappings are only those a published control catalogue states; each is
 * cited in docs/policy-pack.md, "Rule reference".
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type {
  PolicyComplianceFramework,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";

/**
 * What the pack's docs say of a rule beyond @pulumi/policy's metadata: docs/policy-pack.md's "Rule
 * reference" is generated from both (`npm run docs`), so a rule's page travels with the rule.
 */
export interface RuleReference {
  /** Where the framework mapping is published, and the same control in other catalogues (Markdown). */
  readonly frameworkSource: string;
  /** What the rule checks, resource type by resource type (Markdown). */
  readonly checks: string;
}

/** A rule of the pack: a policy of @pulumi/policy and its reference. */
export type PackResourcePolicy = ResourceValidationPolicy & { readonly reference: RuleReference };
export type PackStackPolicy = StackValidationPolicy & { readonly reference: RuleReference };
export type PackPolicy = PackResourcePolicy | PackStackPolicy;

/**
 * AWS Security Hub's AWS Foundational Security Best Practices standard, v1.0.0 (Security Hub user
 * guide, "AWS Foundational Security Best Practices standard" and the per-service control pages).
 */
export function awsFoundationalSecurityBestPractices(
  control: string,
  title: string,
): PolicyComplianceFramework {
  return {
    name: "AWS Foundational Security Best Practices",
    version: "1.0.0",
    reference: control,
    specification: title,
  };
}

/** CIS Amazon Web Services Foundations Benchmark (as Security Hub maps it, CIS v3.0.0 controls). */
export function cisAwsFoundations(
  version: string,
  control: string,
  title: string,
): PolicyComplianceFramework {
  return { name: "CIS AWS Foundations Benchmark", version, reference: control, specification: title };
}

/** NIST SP 800-53 Revision 5, "Security and Privacy Controls for Information Systems and Organizations". */
export function nist80053r5(control: string, title: string): PolicyComplianceFramework {
  return { name: "NIST SP 800-53", version: "Rev. 5", reference: control, specification: title };
}

/**
 * NIST SP 800-53 Rev. 5 SC-28(1) asks for cryptographic protection of information at rest; a key the
 * organisation manages (its key policy, rotation, deletion) is what the two table rules enforce.
 */
export const CMK_AT_REST = nist80053r5(
  "SC-28(1)",
  "Protection of Information at Rest | Cryptographic Protection",
);

/**
 * The AWS Control Tower control library (Control Tower "Controls reference guide"). The library is
 * not versioned as a whole (each control is), so `version` stays empty rather than invented.
 */
export function awsControlTower(control: string, title: string): PolicyComplianceFramework {
  return { name: "AWS Control Tower control library", version: "", reference: control, specification: title };
}

interface PackManifest {
  homepage?: string;
  repository?: string | { url?: string };
}

/**
 * The pack's own package.json is the one place that says where the pack lives: its `repository`
 * becomes the pack's `repository`, its `homepage` the base of every rule's `url`.
 */
function readManifest(): PackManifest {
  return JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as PackManifest;
}

const manifest = readManifest();

/** The pack's repository URL, from policy-pack/package.json. */
export const PACK_REPOSITORY: string | undefined =
  typeof manifest.repository === "string" ? manifest.repository : manifest.repository?.url;

/**
 * The rule's section in docs/policy-pack.md ("Rule reference": one `### \`rule-name\`` heading per
 * rule, whose anchor is the rule name).
 */
export function ruleDocsUrl(ruleName: string): string {
  const base = (manifest.homepage ?? "").replace(/#.*$/, "");
  return `${base}#${ruleName}`;
}

/** The pack's README.md: Pulumi Cloud shows the pack-level `readme` on the pack's page. */
export const PACK_README: string = readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
