/**
 * What `pulumi up` would do to go from one plan to the next: per resource, same, update (and which
 * properties), replace, create or delete. Replacement follows the AWS provider's schema for the
 * properties that cannot change in place on the types this project deploys.
 */
import { isDeepStrictEqual } from "node:util";
import { Plan, PlanResourceState } from "./types";
import { nameOfUrn } from "./urn";
import { reveal } from "./values";

export type ChangeOp = "same" | "update" | "replace" | "create" | "delete";

export interface ResourceChange {
  urn: string;
  type: string;
  op: ChangeOp;
  /** Input properties whose values differ. */
  changed: string[];
}

/**
 * Inputs whose change makes the AWS provider replace the resource (ForceNew in the Terraform AWS
 * provider that @pulumi/aws bridges); any other change is an update in place. The plan diff and the
 * sandbox's deployments both follow this list.
 */
export const REPLACE_ON_CHANGE: Readonly<Record<string, readonly string[]>> = {
  "aws:kms/key:Key": [
    "keyUsage",
    "customerMasterKeySpec",
    "keySpec",
    "multiRegion",
    "xksKeyId",
    "customKeyStoreId",
  ],
  "aws:kms/alias:Alias": ["name", "namePrefix"],
  "aws:dynamodb/table:Table": ["name", "hashKey", "rangeKey"],
  // AWS renames a user in place (UpdateUser), but its ARN changes with the name: every policy naming the
  // old ARN must follow, as after a replacement.
  "aws:iam/user:User": ["name", "path"],
  "aws:iam/accessKey:AccessKey": ["user", "pgpKey"],
  "aws:iam/userPolicy:UserPolicy": ["user", "name"],
  "aws:iam/userPolicyAttachment:UserPolicyAttachment": ["user", "policyArn"],
};

function changedInputs(before: PlanResourceState, after: PlanResourceState): string[] {
  const a = reveal(before.inputs) as Record<string, unknown>;
  const b = reveal(after.inputs) as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((key) => !isDeepStrictEqual(a[key], b[key]))
    .sort();
}

export function diffPlans(before: Plan, after: Plan): ResourceChange[] {
  const old = new Map(before.steps.map((step) => [step.urn, step.newState]));
  const changes: ResourceChange[] = [];
  for (const { urn, newState } of after.steps) {
    const previous = old.get(urn);
    if (!previous) {
      changes.push({ urn, type: newState.type, op: "create", changed: [] });
      continue;
    }
    old.delete(urn);
    const changed = newState.custom ? changedInputs(previous, newState) : [];
    const forcesNew = REPLACE_ON_CHANGE[newState.type] ?? [];
    const op: ChangeOp =
      changed.length === 0 ? "same" : changed.some((key) => forcesNew.includes(key)) ? "replace" : "update";
    changes.push({ urn, type: newState.type, op, changed });
  }
  for (const [urn, state] of old) {
    changes.push({ urn, type: state.type, op: "delete", changed: [] });
  }
  return changes;
}

const SYMBOL: Record<ChangeOp, string> = { same: " ", update: "~", replace: "+-", create: "+", delete: "-" };

/** One line per change, as `pulumi preview` marks them; unchanged resources are left out. */
export function formatChanges(changes: ResourceChange[]): string[] {
  return changes
    .filter((change) => change.op !== "same")
    .map((change) => {
      const name = nameOfUrn(change.urn);
      const detail = change.changed.length > 0 ? ` [${change.changed.join(", ")}]` : "";
      return `${SYMBOL[change.op]} ${change.type} ${name}: ${change.op}${detail}`;
    });
}
