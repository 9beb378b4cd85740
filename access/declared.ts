/**
 * What the stack declares about its principals and its key, to compare the proof with: each principal's
 * intent (stack outputs `users.<name>` and `roles.<name>`, read through PRINCIPAL_KINDS' `stackKey`:
 * contracts.md section 2), hence the key users, and the key administrators (the principals of the key
 * policy's administration statement, which the program builds from `kms-dynamodb:keyAdmins`, by default
 * the deploying identity).
 */
import { KEY_POLICY_SIDS } from "../infra/policies/keyPolicy";
import {
  DYNAMODB_ACCESS_LEVELS,
  PRINCIPAL_KINDS,
  STACK_PRINCIPAL_KINDS,
  type DynamodbAccess,
  type PrincipalIntent,
} from "../infra/principal";
import type { Plan } from "../plan/types";
import { reveal } from "../plan/values";
import type { CloudModel } from "../sandbox/engine";
import type { AccessPrincipal } from "./types";

export interface DeclaredHolders {
  /** ARNs of the principals declared as key users. */
  readonly keyUsers: readonly string[];
  /** ARNs the key policies name as administrators. */
  readonly keyAdministrators: readonly string[];
  /**
   * The keys whose policy is strict (it denies key use to all but the key users: infra/policies/keyPolicy.ts):
   * on them, any principal but a key user that can decrypt is unexpected.
   */
  readonly strictKeys: readonly string[];
}

/**
 * The intent the plan's stack outputs declare for each principal, by ARN. A plan of another program, whose
 * outputs have no such entries, declares none.
 */
export function declaredIntents(plan: Plan): Map<string, PrincipalIntent> {
  const outputs = reveal(plan.outputs) as Record<string, unknown>;
  const intents = new Map<string, PrincipalIntent>();
  for (const kind of STACK_PRINCIPAL_KINDS) {
    for (const entry of Object.values(asRecord(outputs[PRINCIPAL_KINDS[kind].stackKey]))) {
      const { arn, dynamodbAccess, keyUser } = asRecord(entry);
      if (typeof arn === "string" && typeof keyUser === "boolean") {
        intents.set(arn, {
          keyUser,
          ...((DYNAMODB_ACCESS_LEVELS as readonly unknown[]).includes(dynamodbAccess)
            ? { dynamodbAccess: dynamodbAccess as DynamodbAccess }
            : {}),
        });
      }
    }
  }
  return intents;
}

/** The declared key users (principals whose intent says `keyUser`) and the key administrators. */
export function declaredHolders(access: {
  readonly principals: readonly AccessPrincipal[];
  readonly model: Pick<CloudModel, "keys">;
}): DeclaredHolders {
  const { principals, model } = access;
  const keyUsers = principals.filter((principal) => principal.intent?.keyUser === true).map((p) => p.arn);
  const keyAdministrators = model.keys.flatMap((key) => administratorsOf(key.policy));
  const strictKeys = model.keys.filter((key) => isStrict(key.policy)).map((key) => key.arn);
  return { keyUsers: [...new Set(keyUsers)], keyAdministrators: [...new Set(keyAdministrators)], strictKeys };
}

function statementsOf(policyText: string): Record<string, unknown>[] {
  let policy: unknown;
  try {
    policy = JSON.parse(policyText);
  } catch {
    return [];
  }
  const statements = asRecord(policy).Statement;
  return (Array.isArray(statements) ? statements : [statements]).map(asRecord);
}

/** A key policy of the strict mode: its statement that denies key use to all but the key users. */
function isStrict(policyText: string): boolean {
  return statementsOf(policyText).some(
    (statement) => statement.Sid === KEY_POLICY_SIDS.denyOthers && statement.Effect === "Deny",
  );
}

function administratorsOf(policyText: string): string[] {
  return statementsOf(policyText).flatMap((record) => {
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
