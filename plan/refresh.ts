/**
 * `pulumi refresh` against an emulated cloud: reads what the cloud holds for every provider resource of
 * the checkpoint, as a provider's Read would, and reports the drift as the refresh's steps: `update`
 * where the cloud's values differ (a key disabled by hand: `isEnabled`), `delete` where the resource is
 * gone. Returns the refreshed checkpoint, from which `synth --refresh` then plans, as
 * `pulumi preview --refresh` does (https://www.pulumi.com/docs/iac/operations/stack-management/drift/).
 *
 * The plan engine reads the cloud only through `CloudReader`, which it declares here: the sandbox
 * implements it over its data dir (sandbox/deploy/refresh.ts), and the synth command wires the two
 * together, so the plan engine never imports the sandbox.
 */
import { isDeepStrictEqual } from "node:util";
import type { Checkpoint } from "./checkpoint";
import { diffInputs } from "./steps";
import type { PlanResourceState, PlanStep } from "./types";
import { reveal } from "./values";

/** A KMS key as DescribeKey and GetKeyPolicy would answer a provider's Read. */
export interface LiveKeyState {
  /** The key state: Enabled, Disabled, PendingDeletion, ... ("Key states of AWS KMS keys"). */
  readonly state: string;
  readonly policy: string;
}

/** What the plan engine reads of an emulated cloud. */
export interface CloudReader {
  /** The inputs of the resource of `type` with physical id `id`, as the cloud holds it; undefined if gone. */
  resourceInputs(type: string, id: string | undefined): Record<string, unknown> | undefined;
  /** A key's live state by ARN; "deleted" once deleted; undefined when the cloud keeps no record of it. */
  key(arn: string): LiveKeyState | "deleted" | undefined;
}

export interface CloudDrift {
  /** Only the resources that drifted, in the checkpoint's order. */
  steps: PlanStep[];
  /** The checkpoint with the cloud's values: what a refresh would record. */
  state: Checkpoint;
}

export function refreshFromCloud(checkpoint: Checkpoint, cloud: CloudReader): CloudDrift {
  const steps: PlanStep[] = [];
  const refreshed: PlanResourceState[] = [];
  for (const old of checkpoint.resources) {
    if (!old.custom) {
      refreshed.push(old);
      continue;
    }
    const inputs = cloud.resourceInputs(old.type, old.id);
    const liveKey = cloud.key(String(reveal(old.outputs.arn)));
    // The AWS provider's Read drops a key pending deletion from the state, as if it were gone
    // (terraform-provider-aws resourceKeyRead: "KMS Key is pending deletion, removing from state").
    if (inputs === undefined || liveKey === "deleted" || liveKey?.state === "PendingDeletion") {
      steps.push({ op: "delete", urn: old.urn, oldState: old, detailedDiff: null });
      continue;
    }
    const read = readBack(old.type, inputs, liveKey);
    const diff = diffInputs(old.type, old.inputs, { ...(reveal(old.inputs) as object), ...read });
    if (diff.diffReasons.length === 0) {
      refreshed.push(old);
      continue;
    }
    const changed = Object.fromEntries(diff.diffReasons.map((key) => [key, read[key]]));
    const state = { ...old, inputs: { ...old.inputs, ...changed }, outputs: { ...old.outputs, ...changed } };
    refreshed.push(state);
    steps.push({
      op: "update",
      urn: old.urn,
      oldState: old,
      newState: state,
      diffReasons: diff.diffReasons,
      detailedDiff: Object.fromEntries(
        Object.entries(diff.detailedDiff).map(([path, entry]) => [
          path,
          { kind: entry.kind, inputDiff: false },
        ]),
      ),
    });
  }
  return { steps, state: { resources: refreshed } };
}

/** The inputs a provider's Read reports for a resource as the cloud holds it. */
function readBack(
  type: string,
  inputs: Record<string, unknown>,
  liveKey: LiveKeyState | undefined,
): Record<string, unknown> {
  if (type !== "aws:kms/key:Key" || liveKey === undefined) {
    return inputs;
  }
  // DisableKey by hand: the key's `isEnabled` is what Read finds (DescribeKey's Enabled). PutKeyPolicy
  // by hand: Read finds the new document (GetKeyPolicy); the same document with other spacing is no drift.
  const declared = inputs.policy;
  const samePolicy =
    typeof declared === "string" && isDeepStrictEqual(parseJson(declared), parseJson(liveKey.policy));
  return {
    ...inputs,
    isEnabled: liveKey.state === "Enabled",
    ...(samePolicy ? {} : { policy: liveKey.policy }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
