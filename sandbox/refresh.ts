/**
 * `pulumi refresh` against the sandbox: reads what the emulated cloud holds (its own state in the
 * data dir, apart from the checkpoint) for every provider resource of the checkpoint, as a provider's
 * Read would, and reports the drift as the refresh's steps: `update` where the cloud's values differ
 * (a key disabled by hand: `isEnabled`), `delete` where the resource is gone. Returns the refreshed
 * state, from which `synth --refresh` then plans, as `pulumi preview --refresh` does
 * (https://www.pulumi.com/docs/iac/operations/stack-management/drift/).
 */
import type { StackState } from "../plan/checkpoint";
import { diffInputs } from "../plan/steps";
import type { PlanResourceState, PlanStep } from "../plan/types";
import { reveal } from "../plan/values";
import type { DeployedResource } from "./deployment";
import { readState } from "./state-file";

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
    const keyState = cloud?.keyStates[String(reveal(old.outputs.arn))]?.state;
    // The AWS provider's Read drops a key pending deletion from the state, as if it were gone
    // (terraform-provider-aws resourceKeyRead: "KMS Key is pending deletion, removing from state").
    if (found === undefined || keyState === "PendingDeletion") {
      steps.push({ op: "delete", urn: old.urn, oldState: old, detailedDiff: null });
      continue;
    }
    const read = readBack(found, keyState);
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
function readBack(resource: DeployedResource, keyState: string | undefined): Record<string, unknown> {
  if (resource.type === "aws:kms/key:Key" && keyState !== undefined) {
    // DisableKey by hand: the key's `isEnabled` is what Read finds (DescribeKey's Enabled).
    return { ...resource.inputs, isEnabled: keyState === "Enabled" };
  }
  return resource.inputs;
}
