/**
 * KMS's operations on a key itself: DescribeKey and GetKeyPolicy, which read it, and DisableKey, EnableKey,
 * ScheduleKeyDeletion, CancelKeyDeletion and PutKeyPolicy, which change its state or policy. Each is
 * authorized as KMS authorizes it (the key policy, and IAM policies where the key policy allows the account:
 * a key administrator of the default key policy may call them), then read from or applied to the key's one
 * owner, the KeyRegistry. Which states each accepts is KMS's "Key states of AWS KMS keys" table
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html): Enable/Disable/Schedule refuse a
 * key PendingDeletion, CancelKeyDeletion accepts only one, DescribeKey, GetKeyPolicy and PutKeyPolicy work
 * in every state.
 */
import { AwsError } from "../errors";
import type { KmsKeyRecord } from "./keyRegistry";
import { DEFAULT_PENDING_WINDOW_DAYS, MAX_PENDING_WINDOW_DAYS, MIN_PENDING_WINDOW_DAYS } from "./keyRegistry";
import type { KmsCall } from "./operations";
import { optionalInteger, optionalString, requiredString, type RequestBody } from "./requests";

/** A key policy's size limit (KMS API reference, PutKeyPolicy, Policy: "Maximum length of 32768"). */
const MAX_POLICY_LENGTH = 32_768;

export async function describeKey(request: RequestBody, call: KmsCall): Promise<Record<string, unknown>> {
  const key = call.resolveKey(requiredString(request, "KeyId", "keyId"));
  await call.authorize(key);
  return {
    KeyMetadata: {
      AWSAccountId: key.accountId,
      KeyId: key.keyId,
      Arn: key.arn,
      // JSON 1.1 timestamps are epoch seconds.
      CreationDate: key.creationDate.getTime() / 1000,
      Enabled: key.state === "Enabled",
      Description: key.description,
      KeyUsage: "ENCRYPT_DECRYPT",
      KeyState: key.state,
      Origin: "AWS_KMS",
      KeyManager: "CUSTOMER",
      CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
      KeySpec: "SYMMETRIC_DEFAULT",
      EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
      MultiRegion: false,
      ...(key.deletionDate
        ? {
            DeletionDate: key.deletionDate.getTime() / 1000,
            PendingDeletionWindowInDays: key.pendingWindowInDays,
          }
        : {}),
    },
  };
}

export async function getKeyPolicy(request: RequestBody, call: KmsCall): Promise<Record<string, unknown>> {
  const key = call.resolveKey(requiredString(request, "KeyId", "keyId"), { aliases: false });
  // "default" is the only key policy name (KMS API reference, GetKeyPolicy, PolicyName).
  const policyName = optionalString(request, "PolicyName", "policyName") ?? "default";
  if (policyName !== "default") {
    throw new AwsError(
      "NotFoundException",
      `PolicyName: "${policyName}" does not exist; the only key policy name is "default"`,
    );
  }
  await call.authorize(key);
  return { Policy: key.policyText, PolicyName: "default" };
}

export async function disableKey(request: RequestBody, call: KmsCall): Promise<Record<string, unknown>> {
  const key = await target(request, call);
  refusePendingDeletion(key);
  call.registry.setState(key.arn, "Disabled");
  return {};
}

export async function enableKey(request: RequestBody, call: KmsCall): Promise<Record<string, unknown>> {
  const key = await target(request, call);
  refusePendingDeletion(key);
  call.registry.setState(key.arn, "Enabled");
  return {};
}

export async function scheduleKeyDeletion(
  request: RequestBody,
  call: KmsCall,
): Promise<Record<string, unknown>> {
  const window =
    optionalInteger(
      request,
      "PendingWindowInDays",
      "pendingWindowInDays",
      MIN_PENDING_WINDOW_DAYS,
      MAX_PENDING_WINDOW_DAYS,
    ) ?? DEFAULT_PENDING_WINDOW_DAYS;
  const key = await target(request, call);
  refusePendingDeletion(key);
  const scheduled = call.registry.scheduleDeletion(key.arn, window);
  return {
    KeyId: scheduled.arn,
    // JSON 1.1 timestamps are epoch seconds.
    DeletionDate: (scheduled.deletionDate as Date).getTime() / 1000,
    KeyState: "PendingDeletion",
    PendingWindowInDays: window,
  };
}

export async function cancelKeyDeletion(
  request: RequestBody,
  call: KmsCall,
): Promise<Record<string, unknown>> {
  const key = await target(request, call);
  if (key.state !== "PendingDeletion") {
    throw new AwsError("KMSInvalidStateException", `${key.arn} is not pending deletion.`);
  }
  // "When this operation succeeds, the key state of the KMS key is Disabled" (KMS API reference,
  // CancelKeyDeletion): it must be enabled again before it can be used.
  call.registry.setState(key.arn, "Disabled");
  return { KeyId: key.arn };
}

export async function putKeyPolicy(request: RequestBody, call: KmsCall): Promise<Record<string, unknown>> {
  const key = await target(request, call, { aliases: false });
  // "default" is the only key policy name (KMS API reference, PutKeyPolicy, PolicyName).
  const policyName = optionalString(request, "PolicyName", "policyName") ?? "default";
  if (policyName !== "default") {
    throw new AwsError(
      "NotFoundException",
      `PolicyName: "${policyName}" does not exist; the only key policy name is "default"`,
    );
  }
  const policy = requiredString(request, "Policy", "policy", MAX_POLICY_LENGTH);
  // The same checks as at CreateKey: principals that exist, and no lockout of the caller unless
  // BypassPolicyLockoutSafetyCheck (KMS API reference, PutKeyPolicy).
  await call.authorizer.validateKeyPolicy({
    keyArn: key.arn,
    policy,
    callerArn: call.callerArn,
    bypassPolicyLockoutSafetyCheck: request.BypassPolicyLockoutSafetyCheck === true,
  });
  call.registry.setPolicy(key.arn, policy);
  return {};
}

/** The key a key-state operation acts on, once the caller is allowed the operation on it. */
async function target(
  request: RequestBody,
  call: KmsCall,
  options?: { readonly aliases: boolean },
): Promise<KmsKeyRecord> {
  const key = call.resolveKey(requiredString(request, "KeyId", "keyId"), options);
  await call.authorize(key);
  return key;
}

function refusePendingDeletion(key: KmsKeyRecord): void {
  if (key.state === "PendingDeletion") {
    throw new AwsError("KMSInvalidStateException", `${key.arn} is pending deletion.`);
  }
}
