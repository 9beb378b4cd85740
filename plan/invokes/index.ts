/**
 * The invoke layer of the plan engine: answers every provider function a program calls, in this order:
 *
 * 1. a recorded result (`--invokes FILE`, recorded.ts), which stands for what the cloud answered;
 * 2. a computed one: functions of their arguments and the stack's config (computed.ts);
 * 3. the stack's state, for a function that reads a resource the state holds (fromState.ts);
 * 4. otherwise nothing can answer it offline: the result is a value of the function's result schema
 *    (read from the program's own provider SDK, plan/schema.ts) whose strings carry the unknown marker
 *    (plan/values.ts unknownMarker), so that everything the program builds from it is recorded as
 *    unknown; the call is listed in `unresolved` with the `--invokes` entry that would answer it.
 *
 * The Pulumi SDK sends a plain invoke (`aws.iam.getRole`) and its Output form (`getRoleOutput`) as the
 * same call, so both get that value; an Output form whose arguments are unknown never reaches the
 * engine (the SDK resolves it to unknown itself, as under the Pulumi CLI).
 */
import type { SchemaReader } from "../schema";
import type { PlanResourceState } from "../types";
import { unknownMarker } from "../values";
import { COMPUTED_INVOKES, type InvokeContext } from "./computed";
import { STATE_LOOKUPS } from "./fromState";
import { recordedAnswer, type RecordedInvoke } from "./recorded";

export type InvokeSource = "recorded" | "computed" | "state" | "unresolved";

/** A call nothing could answer offline, and the `--invokes` entry that would answer it. */
export interface UnresolvedInvoke {
  token: string;
  args: Record<string, unknown>;
  /** An entry for `--invokes FILE`: its `result` lists the fields to fill, each as `<type>`. */
  entry: RecordedInvoke;
}

export interface InvokeLayerOptions {
  context: InvokeContext;
  recorded?: readonly RecordedInvoke[];
  /** The stack's previous state (the checkpoint the plan starts from). */
  state?: readonly PlanResourceState[];
  schema: SchemaReader;
}

export class InvokeLayer {
  readonly unresolved: UnresolvedInvoke[] = [];

  constructor(private readonly options: InvokeLayerOptions) {}

  answer(
    token: string,
    args: Record<string, unknown>,
  ): { result: Record<string, unknown>; source: InvokeSource } {
    const recorded = recordedAnswer(this.options.recorded ?? [], token, args);
    if (recorded !== undefined) {
      return { result: recorded, source: "recorded" };
    }
    const computed = COMPUTED_INVOKES[token];
    if (computed !== undefined) {
      return { result: computed(args, this.options.context), source: "computed" };
    }
    const lookup = STATE_LOOKUPS[token];
    const fromState = lookup?.(args, this.options.state ?? []);
    if (fromState !== undefined) {
      return { result: fromState, source: "state" };
    }
    const shape = this.options.schema.functionResult(token) ?? [];
    const result: Record<string, unknown> = {};
    const skeleton: Record<string, unknown> = {};
    for (const field of shape) {
      skeleton[field.name] = `<${field.kind}>`;
      if (field.optional) {
        continue;
      }
      switch (field.kind) {
        case "string":
          result[field.name] = unknownMarker(`${token}.${field.name}`);
          break;
        case "number":
          result[field.name] = 0;
          break;
        case "boolean":
          result[field.name] = false;
          break;
        case "array":
          result[field.name] = [];
          break;
        case "object":
          result[field.name] = {};
          break;
      }
    }
    this.unresolved.push({ token, args, entry: { token, args, result: skeleton } });
    return { result, source: "unresolved" };
  }
}

export { readInvokesFile, parseInvokes, InvokesFileError, type RecordedInvoke } from "./recorded";
