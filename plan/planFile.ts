/**
 * A plan read back from a file (what `npm run synth` printed, given to `npm run access -- --plan FILE`):
 * its shape checked before anything reads it, so a hand-edited or truncated plan is one line naming the
 * step and the field (`--plan: steps[3].newState.inputs is a list, expected an object`), never a
 * JavaScript TypeError from deep inside the engine. Values are never echoed: a plan may hold secrets.
 */
import { describeJson, kindOfJson } from "../common/display";
import { UserError } from "../common/userError";
import type { Plan, PlanResourceState, StepOp } from "./types";

/** A plan file whose shape is not a plan's: the user's to fix (exit 2). */
export class PlanShapeError extends UserError {}

const STEP_OPS: ReadonlySet<string> = new Set<StepOp>(["same", "create", "update", "replace", "delete"]);

/** The document as a Plan, or a PlanShapeError naming `source` (the flag), the step and the field. */
export function planOfDocument(document: unknown, source: string): Plan {
  const fail = (at: string, what: string): never => {
    throw new PlanShapeError(`${source}: ${at} ${what}`);
  };
  if (!isRecord(document)) {
    return fail("the document", `is ${describeJson(document)}, expected a plan printed by npm run synth`);
  }
  const { steps, outputs, invokes } = document;
  if (!Array.isArray(steps)) {
    return fail("steps", `is ${describeJson(steps)}; give a plan printed by npm run synth`);
  }
  if (outputs !== undefined && !isRecord(outputs)) {
    fail("outputs", `is ${kindOfJson(outputs)}, expected an object`);
  }
  if (invokes !== undefined && !Array.isArray(invokes)) {
    fail("invokes", `is ${describeJson(invokes)}, expected a list`);
  }
  ((invokes ?? []) as unknown[]).forEach((invoke: unknown, index: number) => {
    const at = `invokes[${index}]`;
    if (!isRecord(invoke)) {
      return fail(at, `is ${describeJson(invoke)}, expected an object`);
    }
    expectString(invoke.token, `${at}.token`, fail);
    expectObject(invoke.inputs, `${at}.inputs`, fail, true);
    expectObject(invoke.result, `${at}.result`, fail, true);
  });
  steps.forEach((step: unknown, index: number) => {
    const at = `steps[${index}]`;
    if (!isRecord(step)) {
      return fail(at, `is ${describeJson(step)}, expected an object`);
    }
    if (typeof step.op !== "string" || !STEP_OPS.has(step.op)) {
      fail(`${at}.op`, `is ${describeJson(step.op)}, expected one of ${[...STEP_OPS].join(", ")}`);
    }
    expectString(step.urn, `${at}.urn`, fail);
    if (step.newState === undefined && step.oldState === undefined) {
      fail(at, "has neither newState nor oldState");
    }
    for (const key of ["oldState", "newState"] as const) {
      if (step[key] !== undefined) {
        step[key] = checkState(step[key], `${at}.${key}`, fail);
      }
    }
    if (step.detailedDiff === undefined) {
      step.detailedDiff = null;
    }
  });
  return {
    ...(document as unknown as Plan),
    outputs: (outputs as Record<string, unknown> | undefined) ?? {},
    invokes: (invokes as Plan["invokes"] | undefined) ?? [],
  };
}

/** The state checked, its optional lists and maps filled in as synth prints them. */
function checkState(
  state: unknown,
  at: string,
  fail: (at: string, what: string) => never,
): PlanResourceState {
  if (!isRecord(state)) {
    return fail(at, `is ${describeJson(state)}, expected an object`);
  }
  expectString(state.type, `${at}.type`, fail);
  expectString(state.urn, `${at}.urn`, fail);
  if (state.custom !== undefined && typeof state.custom !== "boolean") {
    fail(`${at}.custom`, `is ${describeJson(state.custom)}, expected true or false`);
  }
  for (const key of ["id", "parent"]) {
    if (state[key] !== undefined) {
      expectString(state[key], `${at}.${key}`, fail);
    }
  }
  expectObject(state.inputs, `${at}.inputs`, fail, false);
  expectObject(state.outputs, `${at}.outputs`, fail, false);
  if (state.dependencies !== undefined && !isStringList(state.dependencies)) {
    fail(`${at}.dependencies`, `is ${describeJson(state.dependencies)}, expected a list of URNs`);
  }
  if (state.propertyDependencies !== undefined) {
    expectObject(state.propertyDependencies, `${at}.propertyDependencies`, fail, false);
    for (const [key, value] of Object.entries(state.propertyDependencies as Record<string, unknown>)) {
      if (!isStringList(value)) {
        fail(
          `${at}.propertyDependencies[${describeJson(key)}]`,
          `is ${describeJson(value)}, expected a list of URNs`,
        );
      }
    }
  }
  return {
    ...(state as unknown as PlanResourceState),
    custom: state.custom === true,
    inputs: (state.inputs as Record<string, unknown> | undefined) ?? {},
    outputs: (state.outputs as Record<string, unknown> | undefined) ?? {},
    dependencies: (state.dependencies as string[] | undefined) ?? [],
    propertyDependencies: (state.propertyDependencies as Record<string, string[]> | undefined) ?? {},
  };
}

function expectString(value: unknown, at: string, fail: (at: string, what: string) => never): void {
  if (typeof value !== "string" || value === "") {
    fail(at, `is ${describeJson(value)}, expected a non-empty string`);
  }
}

function expectObject(
  value: unknown,
  at: string,
  fail: (at: string, what: string) => never,
  required: boolean,
): void {
  if ((value !== undefined || required) && !isRecord(value)) {
    // By its kind only: inputs, outputs and results may hold secrets.
    fail(at, `is ${kindOfJson(value)}, expected an object`);
  }
}

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
