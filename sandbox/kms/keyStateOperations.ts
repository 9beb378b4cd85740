/**
 * KMS's key-state operations: DisableKey, EnableKey, ScheduleKeyDeletion, CancelKeyDeletion, PutKeyPolicy.
 * Each is authorized as KMS authorizes it (the key policy, and IAM policies where the key policy allows
 * the account: a key administrator of the default key policy may call them), then applied to the key's one
 * owner, the KeyRegistry. Which states each accepts is KMS's "Key states of AWS KMS keys" table
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html): Enable/Disable/Schedule refuse a
 * key PendingDeletion, CancelKeyDeletion accepts only one, PutKeyPolicy works in every state.
 */
import { AwsError } from "../errors";
import type { Authorizer } from "../iam";
import type { KeyRegistry, KmsKeyRecord } from "./keyRegistry";
import { DEFAULT_PENDING_WINDOW_DAYS, MAX_PENDING_WINDOW_DAYS, MIN_PENDING_WINDOW_DAYS } from "./keyRegistry";
import { optionalInteger, optionalString, requiredString, type RequestBody } from "./requests";

export const KEY_STATE_OPERATIONS = [
  "DisableKey",
  "EnableKey",
  "ScheduleKeyDeletion",
  "CancelKeyDeletion",
  "PutKeyPolicy",
] as const;
export type KeyStateOperation = (typeof KEY_STATE_OPERATIONS)[number];

export function isKeyStateOperation(name: string): name is KeyStateOperation {
  return (KEY_STATE_OPERATIONS as readonly string[]).includes(name);
}

/** The caller as KmsService knows it, and how it resolves a KeyId. */
export interface KeyStateCaller {
  readonly arn: string;
  readonly resolve: (keyId: string, options?: { readonly aliases: boolean }) => KmsKeyRecord;
}

/** A key policy's size limit (KMS API reference, PutKeyPolicy, Policy: "Maximum length of 32768"). */
const MAX_POLICY_LENGTH = 32_768;

export class KeyStateOperations {
  constructor(
    private readonly registry: KeyRegistry,
    private readonly authorizer: Authorizer,
  ) {}

  async handle(
    operation: KeyStateOperation,
    request: RequestBody,
    caller: KeyStateCaller,
  ): Promise<Record<string, unknown>> {
    switch (operation) {
      case "DisableKey":
      case "EnableKey": {
        const key = await this.target(request, caller, `kms:${operation}`);
        refusePendingDeletion(key);
        this.registry.setState(key.arn, operation === "EnableKey" ? "Enabled" : "Disabled");
        return {};
      }
      case "ScheduleKeyDeletion": {
        const window =
          optionalInteger(
            request,
            "PendingWindowInDays",
            "pendingWindowInDays",
            MIN_PENDING_WINDOW_DAYS,
            MAX_PENDING_WINDOW_DAYS,
          ) ?? DEFAULT_PENDING_WINDOW_DAYS;
        const key = await this.target(request, caller, "kms:ScheduleKeyDeletion");
        refusePendingDeletion(key);
        const scheduled = this.registry.scheduleDeletion(key.arn, window);
        return {
          KeyId: scheduled.arn,
          // JSON 1.1 timestamps are epoch seconds.
          DeletionDate: (scheduled.deletionDate as Date).getTime() / 1000,
          KeyState: "PendingDeletion",
          PendingWindowInDays: window,
        };
      }
      case "CancelKeyDeletion": {
        const key = await this.target(request, caller, "kms:CancelKeyDeletion");
        if (key.state !== "PendingDeletion") {
          throw new AwsError("KMSInvalidStateException", `${key.arn} is not pending deletion.`);
        }
        // "When this operation succeeds, the key state of the KMS key is Disabled" (KMS API reference,
        // CancelKeyDeletion): it must be enabled again before it can be used.
        this.registry.setState(key.arn, "Disabled");
        return { KeyId: key.arn };
      }
      case "PutKeyPolicy": {
        const key = await this.target(request, caller, "kms:PutKeyPolicy", { aliases: false });
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
        await this.authorizer.validateKeyPolicy({
          keyArn: key.arn,
          policy,
          callerArn: caller.arn,
          bypassPolicyLockoutSafetyCheck: request.BypassPolicyLockoutSafetyCheck === true,
        });
        this.registry.setPolicy(key.arn, policy);
        return {};
      }
    }
  }

  private async target(
    request: RequestBody,
    caller: KeyStateCaller,
    action: string,
    options?: { readonly aliases: boolean },
  ): Promise<KmsKeyRecord> {
    const key = caller.resolve(requiredString(request, "KeyId", "keyId"), options);
    const decision = await this.authorizer.authorizeKms(caller.arn, action, key.arn);
    if (!decision.allowed) {
      throw new AwsError(
        "AccessDeniedException",
        decision.message ?? `${caller.arn} may not ${action} ${key.arn}`,
      );
    }
    return key;
  }
}

function refusePendingDeletion(key: KmsKeyRecord): void {
  if (key.state === "PendingDeletion") {
    throw new AwsError("KMSInvalidStateException", `${key.arn} is pending deletion.`);
  }
}
