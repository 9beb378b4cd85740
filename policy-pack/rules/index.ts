/**
 * The pack's rules: one file per rule, and this one list of them. The pack (../index.ts), the no-op pack
 * the benchmark times it against (bench/noopPack), the policy config files' coverage and the rule tables
 * of the docs (`npm run docs`) all come from this list or are tested against it. Importing it starts
 * nothing: constructing the PolicyPack (../index.ts) starts the Analyzer gRPC server.
 */
import type { PackPolicy } from "../lib/metadata";
import { dynamodbTableCustomerManagedKey } from "./dynamodbTableCustomerManagedKey";
import { dynamodbTableDeletionProtection } from "./dynamodbTableDeletionProtection";
import { dynamodbTableKeyFromStackAtPreview } from "./dynamodbTableKeyFromStackAtPreview";
import { dynamodbTablePointInTimeRecovery } from "./dynamodbTablePointInTimeRecovery";
import { iamNoKmsDecryptOnEveryKey } from "./iamNoKmsDecryptOnEveryKey";
import { kmsKeyDeletionWindow } from "./kmsKeyDeletionWindow";
import { kmsKeyLockoutSafetyCheck } from "./kmsKeyLockoutSafetyCheck";
import { kmsKeyPolicyNoPublicPrincipal } from "./kmsKeyPolicyNoPublicPrincipal";
import { kmsKeyRotationEnabled } from "./kmsKeyRotationEnabled";

export {
  dynamodbTableCustomerManagedKey,
  dynamodbTableDeletionProtection,
  dynamodbTableKeyFromStackAtPreview,
  dynamodbTablePointInTimeRecovery,
  iamNoKmsDecryptOnEveryKey,
  kmsKeyDeletionWindow,
  kmsKeyLockoutSafetyCheck,
  kmsKeyPolicyNoPublicPrincipal,
  kmsKeyRotationEnabled,
};

/** Every rule of the pack, mandatory ones first, in the order the docs list them. */
export const policies: readonly PackPolicy[] = [
  dynamodbTableCustomerManagedKey,
  dynamodbTableKeyFromStackAtPreview,
  kmsKeyRotationEnabled,
  kmsKeyPolicyNoPublicPrincipal,
  kmsKeyLockoutSafetyCheck,
  iamNoKmsDecryptOnEveryKey,
  dynamodbTablePointInTimeRecovery,
  dynamodbTableDeletionProtection,
  kmsKeyDeletionWindow,
];
