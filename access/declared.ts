/**
 * What the stack declares about its key, to compare the proof with: the key users (stack outputs
 * `users.<name>.keyUser`, and `roles.<name>.keyUser` where the stack has roles: contracts.md sections 2
 * and 6) and the key administrators (the principals of the key policy's administration statement, which
 * the program builds from `kms-dynamodb:keyAdmins`, by default the deploying identity).
 */
import { KEY_POLICY_SIDS } from "../infra/policies/keyPolicy";
import type { Plan } from "../plan/types";
import { reveal } from "../plan/values";
import type { CloudModel } from "../sandbox/engine";

export interface DeclaredHolders {
  /** ARNs of the principals declared as key users. */
  readonly keyUsers: readonly string[];
  /** ARNs the key policies name as administrators. */
  readonly keyAdministrators: readonly string[];
}

export function declaredHolders(plan: Plan, model: CloudModel): DeclaredHolders {
  const outputs = reveal(plan.outputs) as Record<string, unknown>;
  const keyUsers = ["users", "roles"].flatMap((group) =>
    Object.values(asRecord(outputs[group])).flatMap((entry) => {
      const principal = asRecord(entry);
      return principal.keyUser === true && typeof principal.arn === "string" ? [principal.arn] : [];
    }),
  );
  const keyAdministrators = model.keys.flatMap((key) => administratorsOf(key.policy));
  return { keyUsers: [...new Set(keyUsers)], keyAdministrators: [...new Set(keyAdministrators)] };
}

function administratorsOf(policyText: string): string[] {
  let policy: unknown;
  try {
    policy = JSON.parse(policyText);
  } catch {
    return [];
  }
  const statements = asRecord(policy).Statement;
  return (Array.isArray(statements) ? statements : [statements]).flatMap((statement) => {
    const record = asRecord(statement);
    if (record.Sid !== KEY_POLICY_SIDS.admins) {
      return [];
    }
    const aws = asRecord(record.Principal).AWS;
    return (Array.isArray(aws) ? aws : [aws]).filter((arn): arn is string => typeof arn === "string");
  });
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
