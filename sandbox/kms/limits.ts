/**
 * KMS quotas on grants, checked by CreateGrant before it makes a grant:
 * - "Each constraint value can include up to 8 encryption context pairs. The encryption context value in
 *   each constraint cannot exceed 384 characters" (KMS API reference, CreateGrant, Constraints; KMS
 *   developer guide, "Using grant constraints"). AWS documents no error text for them: the sandbox answers
 *   ValidationException, KMS's error for a value that breaks a member's constraint.
 * - "Grants per KMS key: 50,000", the grants AWS services create included; past it "requests to create an
 *   additional resource of that type generate an LimitExceededException" (KMS developer guide, "Resource
 *   quotas").
 */
import { AwsError } from "../errors";
import type { GrantConstraints } from "./grants";

export const MAX_CONSTRAINT_PAIRS = 8;
export const MAX_CONSTRAINT_VALUE_LENGTH = 384;
export const MAX_GRANTS_PER_KEY = 50_000;

export function checkGrantConstraints(constraints: GrantConstraints | undefined): void {
  for (const [member, pairs] of [
    ["encryptionContextEquals", constraints?.encryptionContextEquals],
    ["encryptionContextSubset", constraints?.encryptionContextSubset],
  ] as const) {
    if (pairs === undefined) {
      continue;
    }
    const entries = Object.entries(pairs);
    if (entries.length > MAX_CONSTRAINT_PAIRS) {
      throw invalid(
        member,
        `a map of ${entries.length} pairs`,
        `Member must have length less than or equal to ${MAX_CONSTRAINT_PAIRS}`,
      );
    }
    const long = entries.find(([, value]) => value.length > MAX_CONSTRAINT_VALUE_LENGTH);
    if (long !== undefined) {
      throw invalid(
        member,
        `a value of ${long[1].length} characters for key '${long[0].slice(0, 64)}'`,
        `Map value must satisfy constraint: [Member must have length less than or equal to ${MAX_CONSTRAINT_VALUE_LENGTH}]`,
      );
    }
  }
}

/** `grantsOnKey`: how many grants the key has now (its GrantStore's count). */
export function checkGrantsPerKey(grantsOnKey: number, keyArn: string): void {
  if (grantsOnKey >= MAX_GRANTS_PER_KEY) {
    throw new AwsError(
      "LimitExceededException",
      `The request was rejected because the key ${keyArn} already has ${MAX_GRANTS_PER_KEY} grants, the quota of grants per KMS key.`,
    );
  }
}

function invalid(member: string, shown: string, constraint: string): AwsError {
  return new AwsError(
    "ValidationException",
    `1 validation error detected: Value (${shown}) at 'constraints.${member}' failed to satisfy constraint: ${constraint}`,
  );
}
