/**
 * The stack outputs of a plan as plain data (contracts.md section 2).
 */
import { parseStackOutputs, type StackOutputs } from "../infra/outputs";
import { Plan } from "./types";
import { isUnknown, reveal } from "./values";

/** The plan's stack outputs with secrets revealed, as `pulumi stack output --json --show-secrets` prints. */
export function planOutputs(plan: Plan): StackOutputs {
  const outputs = reveal(plan.outputs) as Record<string, unknown>;
  for (const key of ["region", "accountId", "keyArn", "keyAlias", "tableName", "tableArn", "users"]) {
    if (outputs[key] === undefined || isUnknown(outputs[key])) {
      throw new Error(
        `the plan's stack outputs have no known "${key}" (a preview plan has no deployable outputs)`,
      );
    }
  }
  return parseStackOutputs(outputs, "the plan's stack outputs");
}
