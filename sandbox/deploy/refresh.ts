/**
 * `pulumi refresh` against the sandbox: reads what the emulated cloud holds (its own state in the
 * data dir, apart from the checkpoint) for every provider resource of the checkpoint, as a provider's
 * Read would, and reports the drift as the refresh's steps: `update` where the cloud's values differ
 * (a key disabled by hand: `isEnabled`), `delete` where the resource is gone. Returns the refreshed
 * state, from which `synth --refresh` then plans, as `pulumi preview --refresh` does
 * (https://www.pulumi.com/docs/iac/operations/stack-management/drift/).
 */
import { isDeepStrictEqual } from "node:util";
import type { StackState } from "../../plan/checkpoint";
import { diffInputs } from "../../plan/steps";
import type { PlanResourceState, PlanStep } from "../../plan/types";
import { reveal } from "../../plan/values";
import type { DeployedResource } from "./deployment";
import type { PersistedKeyState } from "../kms/keyRegistry";
import { readState } from "./stateFile";

export interface CloudDrift {
  /** Only the resources that drifted, in the checkpoint's order. */
  steps: PlanStep[];
  /** The checkpoint with the cloud's values: what a refresh would record. */
  state: StackState;
}

export function readCloudDrift(dataDir: string, checkpoint: StackState): CloudDrift {
  const cloud = readState(dataDir);
  const resources = cloud?.deployment.resources ?? [];
  const steps: PlanStep[] = [];
  const refreshed: PlanResourceState[] = [];
  for (const old of checkpoint.resources) {
    if (!old.custom) {
      refreshed.push(old);
      continue;
    }
    const found = resources.find((resource) => resource.type === old.type && resource.id === old.id);
    const arn = String(reveal(old.outputs.arn));
    // The key's one owner (the KeyRegistry) persisted its live state: what DescribeKey and GetKeyPolicy
    // would answer a provider's Read.
    const liveKey = cloud?.keys?.keys.find((key) => key.keyArn === arn);
    const keyDeleted = cloud?.keys?.deleted.some((key) => key.keyArn === arn) ?? false;
    const keyState = liveKey?.state;
    // The AWS provider's Read drops a key pending deletion from the state, as if it were gone
    // (terraform-provider-aws resourceKeyRead: "KMS Key is pending deletion, removing from state").
    if (found === undefined || keyDeleted || keyState === "PendingDeletion") {
      steps.push({ op: "delete", urn: old.urn, oldState: old, detailedDiff: null });
      continue;
    }
    const read = readBack(found, liveKey);
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
  resource: DeployedResource,
  liveKey: PersistedKeyState | undefined,
): Record<string, unknown> {
  if (resource.type !== "aws:kms/key:Key" || liveKey === undefined) {
    return resource.inputs;
  }
  // DisableKey by hand: the key's `isEnabled` is what Read finds (DescribeKey's Enabled). PutKeyPolicy
  // by hand: Read finds the new document (GetKeyPolicy); the same document with other spacing is no drift.
  const declared = resource.inputs.policy;
  const samePolicy =
    typeof declared === "string" && isDeepStrictEqual(parseJson(declared), parseJson(liveKey.policy));
  return {
    ...resource.inputs,
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
