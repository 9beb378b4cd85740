/**
 * What an offline plan could not see, as lines for people (the synth and policy commands print them on
 * stderr; the plan JSON carries the same as `unresolvedInvokes`, `unknownOutputs` and `remote` marks).
 */
import { declaredStates, type Plan } from "./types";

export function offlineNotes(plan: Plan): string[] {
  const lines: string[] = [];
  for (const call of plan.unresolvedInvokes ?? []) {
    lines.push(
      `invoke ${call.token} ${shorten(JSON.stringify(call.args))}: nothing offline answers it, so its result is unknown; ` +
        `record it with --invokes FILE, an entry like ${shorten(JSON.stringify(call.entry), 400)}`,
    );
  }
  for (const unknown of plan.unknownOutputs ?? []) {
    lines.push(`${unknown.type} ${unknown.urn}: outputs unknown offline: ${unknown.properties.join(", ")}`);
  }
  for (const state of declaredStates(plan)) {
    if (state.remote === true) {
      lines.push(
        `${state.type} ${state.urn}: a remote component; its children are made by its provider plugin and are not in this plan`,
      );
    }
  }
  return lines;
}

function shorten(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
