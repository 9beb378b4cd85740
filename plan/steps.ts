/**
 * The engine's step decisions, in one place: given a resource's state from the last deployment and
 * what the program now declares, which op (`same`, `create`, `update`, `replace`; `delete` for what
 * the program no longer declares) and why (`diffReasons`, `replaceReasons`, `detailedDiff`).
 *
 * As in pkg/resource/deploy/step_generator.go: a resource is matched by URN; its new inputs are
 * diffed against its old inputs; a change to a replace-on-change property (plan/replaceOnChange.ts)
 * makes a replacement, any other change an update in place, no change a `same`. A protected resource
 * is never replaced or deleted: the engine fails with the messages below.
 */
import { isDeepStrictEqual } from "node:util";
import { replaceOnChange } from "./replaceOnChange";
import type { PlanResourceState, PlanStep, PropertyDiff, StepOp } from "./types";
import { reveal } from "./values";

/** The engine refused a step on a protected resource; the message is the engine's own. */
export class ProtectedResourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtectedResourceError";
  }
}

/** step_generator.go, when a diff requires replacement and the resource is protected (old and new). */
export function replaceProtectedMessage(urn: string): string {
  return (
    `unable to replace resource "${urn}"\n` +
    "as it is currently marked for protection. To unprotect the resource, remove the `protect` flag " +
    "from the resource in your Pulumi program and run `pulumi up`"
  );
}

/** step.go DeleteStep.Apply, which refuses in preview as in update. */
export function deleteProtectedMessage(urn: string): string {
  return (
    `unable to delete resource "${urn}"\n` +
    "as it is currently marked for protection. To unprotect the resource, either remove the `protect` " +
    "flag from the resource in your Pulumi program or use the command:\n" +
    `\`pulumi state unprotect ${urn}\``
  );
}

export interface InputDiff {
  /** Top-level input names that differ, sorted. */
  diffReasons: string[];
  /** Those among them that force replacement. */
  replaceReasons: string[];
  /** Property paths (`policy`, `serverSideEncryption.kmsKeyArn`, `attributes[1].name`) and their kind. */
  detailedDiff: Record<string, PropertyDiff>;
}

/** Compares a resource's old and new inputs (secrets compared by value, as the engine does). */
export function diffInputs(type: string, oldInputs: unknown, newInputs: unknown): InputDiff {
  const before = asRecord(reveal(oldInputs));
  const after = asRecord(reveal(newInputs));
  const forcesNew = replaceOnChange(type);
  const diffReasons = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => !isDeepStrictEqual(before[key], after[key]))
    .sort();
  const detailedDiff: Record<string, PropertyDiff> = {};
  for (const key of diffReasons) {
    collectPaths(key, before[key], after[key], forcesNew.includes(key), detailedDiff);
  }
  return {
    diffReasons,
    replaceReasons: diffReasons.filter((key) => forcesNew.includes(key)),
    detailedDiff,
  };
}

function collectPaths(
  path: string,
  before: unknown,
  after: unknown,
  replaces: boolean,
  into: Record<string, PropertyDiff>,
): void {
  const kind = (base: "add" | "delete" | "update"): PropertyDiff => ({
    kind: replaces ? `${base}-replace` : base,
    inputDiff: true,
  });
  if (before === undefined) {
    into[path] = kind("add");
  } else if (after === undefined) {
    into[path] = kind("delete");
  } else if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (!isDeepStrictEqual(before[i], after[i])) {
        collectPaths(`${path}[${i}]`, before[i], after[i], replaces, into);
      }
    }
  } else if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      if (!isDeepStrictEqual(before[key], after[key])) {
        collectPaths(`${path}.${key}`, before[key], after[key], replaces, into);
      }
    }
  } else {
    into[path] = kind("update");
  }
}

/** The step for a resource the program declares, given what the last deployment recorded for its URN. */
export function stepFor(old: PlanResourceState | undefined, declared: PlanResourceState): PlanStep {
  if (old === undefined) {
    return { op: "create", urn: declared.urn, newState: declared, detailedDiff: null };
  }
  const diff = diffInputs(declared.type, old.inputs, declared.inputs);
  const op: StepOp =
    old.type !== declared.type || diff.replaceReasons.length > 0
      ? "replace"
      : diff.diffReasons.length > 0
        ? "update"
        : "same";
  if (op === "replace" && old.protect === true && declared.protect === true) {
    throw new ProtectedResourceError(replaceProtectedMessage(declared.urn));
  }
  if (op === "same") {
    return { op, urn: declared.urn, oldState: old, newState: declared, detailedDiff: null };
  }
  return {
    op,
    urn: declared.urn,
    oldState: old,
    newState: declared,
    diffReasons: diff.diffReasons,
    ...(op === "replace" ? { replaceReasons: diff.replaceReasons } : {}),
    detailedDiff: diff.detailedDiff,
  };
}

/**
 * The deletions of what the old state holds and the program no longer declares, dependents first (the
 * reverse of the state's order, which lists every resource after what it depends on).
 */
export function deleteSteps(
  previous: readonly PlanResourceState[],
  declared: ReadonlySet<string>,
): PlanStep[] {
  return [...previous]
    .reverse()
    .filter((old) => !declared.has(old.urn))
    .map((old) => {
      if (old.protect === true) {
        throw new ProtectedResourceError(deleteProtectedMessage(old.urn));
      }
      return { op: "delete", urn: old.urn, oldState: old, detailedDiff: null };
    });
}

/** `pulumi destroy`: every resource of the state deleted, dependents first. */
export function destroySteps(previous: readonly PlanResourceState[]): PlanStep[] {
  return deleteSteps(previous, new Set());
}

function asRecord(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
