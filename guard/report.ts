/** What a policy run found, and how it is printed: grouped by resource, like `pulumi preview`. */
import { EnforcementLevelName } from "./policyConfig";
import { parseUrn } from "../plan/urn";

export interface PolicyViolation {
  policyName: string;
  packName: string;
  /** The resource the violation is about; "" for a stack policy that names no resource. */
  urn: string;
  resourceType?: string;
  message: string;
  enforcementLevel: Exclude<EnforcementLevelName, "disabled">;
}

/** A policy that called `args.notApplicable(reason)` for a resource (or the stack, urn ""). */
export interface PolicyNotApplicable {
  policyName: string;
  urn: string;
  reason: string;
}

export interface PolicyReport {
  violations: PolicyViolation[];
  /** What the pack reported as not applicable (AnalyzeResponse.notApplicable), in analysis order. */
  notApplicable?: PolicyNotApplicable[];
  mandatory: number;
  advisory: number;
}

function resourceTitle(urn: string, resourceType: string | undefined): string {
  if (urn === "") {
    return "(the stack as a whole)";
  }
  const parsed = parseUrn(urn);
  return parsed === undefined ? urn : `${resourceType ?? parsed.type} "${parsed.name}"`;
}

export function formatPolicyReport(report: PolicyReport): string {
  const lines: string[] = [];
  if (report.violations.length === 0) {
    lines.push("Policies: no violations.");
    return lines.join("\n");
  }
  const byResource = new Map<string, PolicyViolation[]>();
  for (const violation of report.violations) {
    const group = byResource.get(violation.urn) ?? [];
    group.push(violation);
    byResource.set(violation.urn, group);
  }
  lines.push("Policy Violations:");
  for (const [urn, violations] of byResource) {
    lines.push(`    ${resourceTitle(urn, violations[0].resourceType)}`);
    if (urn !== "") {
      lines.push(`        ${urn}`);
    }
    for (const v of violations) {
      lines.push(`        - [${v.enforcementLevel}]  ${v.packName}  ${v.policyName}`);
      for (const line of v.message.split("\n")) {
        lines.push(`          ${line}`);
      }
    }
  }
  const mark = report.mandatory > 0 ? "❌" : "⚠️";
  lines.push(
    `${mark} ${report.mandatory} mandatory, ${report.advisory} advisory violation(s) on ${byResource.size} resource(s).`,
  );
  return lines.join("\n");
}
