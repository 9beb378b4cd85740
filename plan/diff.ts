/**
 * The plan's steps for people, as `pulumi preview --diff` prints them: one line per step that changes
 * something (`+` create, `~` update, `+-` replace, `-` delete), then each changed property path with
 * its old and new value (secrets as "[secret]"), then the summary of counts. It reads the steps the
 * plan engine decided (plan/steps.ts) and decides nothing itself.
 */
import type { Plan, PlanStep, StepOp } from "./types";
import { nameOfUrn } from "./urn";
import { redact } from "./values";

const SYMBOL: Record<StepOp, string> = { same: " ", update: "~", replace: "+-", create: "+", delete: "-" };
const SUMMARY: Record<StepOp, string> = {
  create: "to create",
  update: "to update",
  replace: "to replace",
  delete: "to delete",
  same: "unchanged",
};
const LONGEST_VALUE = 120;

/** The header line of a step: symbol, type, name, op and the changed top-level properties. */
export function formatStep(step: PlanStep): string {
  const state = step.newState ?? step.oldState;
  const reasons = step.diffReasons?.length ? ` [${step.diffReasons.join(", ")}]` : "";
  return `${SYMBOL[step.op]} ${state?.type ?? ""} ${nameOfUrn(step.urn)}: ${step.op}${reasons}`;
}

/** Every changing step with its property lines, then `Resources:` with the counts by op. */
export function formatSteps(plan: Pick<Plan, "steps">): string[] {
  const lines: string[] = [];
  for (const step of plan.steps.filter((candidate) => candidate.op !== "same")) {
    lines.push(formatStep(step));
    for (const [path, diff] of Object.entries(step.detailedDiff ?? {})) {
      const symbol = diff.kind.startsWith("add") ? "+" : diff.kind.startsWith("delete") ? "-" : "~";
      const replaces = diff.kind.endsWith("-replace") ? " (forces replacement)" : "";
      const before = valueAt(step.oldState?.inputs, path);
      const after = valueAt(step.newState?.inputs, path);
      const shown =
        symbol === "+" ? show(after) : symbol === "-" ? show(before) : `${show(before)} => ${show(after)}`;
      lines.push(`    ${symbol} ${path}: ${shown}${replaces}`);
    }
  }
  const counts = new Map<StepOp, number>();
  for (const step of plan.steps) {
    counts.set(step.op, (counts.get(step.op) ?? 0) + 1);
  }
  const order: StepOp[] = ["create", "update", "replace", "delete", "same"];
  const summary = order
    .filter((op) => counts.has(op))
    .map((op) => `${SYMBOL[op].trim() || " "} ${counts.get(op)} ${SUMMARY[op]}`.trim());
  lines.push(`Resources: ${summary.length > 0 ? summary.join(", ") : "none"}`);
  return lines;
}

/** The value at a detailedDiff path (`a.b[2].c`) of a resource's inputs, secrets redacted. */
function valueAt(inputs: Record<string, unknown> | undefined, path: string): unknown {
  let value: unknown = redact(inputs ?? {});
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (typeof value !== "object" || value === null) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > LONGEST_VALUE ? `${text.slice(0, LONGEST_VALUE - 1)}…` : text;
}
