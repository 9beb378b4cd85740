/**
 * What `pulumi up` does to KMS keys, applied to their one owner (the KeyRegistry):
 * - a new key is created with its policy, Enabled or Disabled as `isEnabled` says;
 * - a key whose inputs changed gets the change: PutKeyPolicy for `policy`, EnableKey/DisableKey for
 *   `isEnabled`. "Changed" is against `previous`, the keys as the plan's steps saw them (their old
 *   states, sandbox/deploy/deployment.ts AppliedPlan.base). Without `--refresh` that is the checkpoint, so an
 *   input the program did not change leaves the key as it is even if someone changed it through the API
 *   meanwhile: Pulumi diffs against its own state, and such a change is drift, kept. After `--refresh`
 *   the old state is what the refresh read (a key disabled by hand), so the program's input is applied
 *   and the drift undone, as `pulumi up --refresh` does (Pulumi docs, "pulumi refresh"; "Drift detection");
 * - a key removed from the program is not deleted at once: the AWS provider's delete schedules its
 *   deletion with the key's `deletionWindowInDays` (default 30), as ScheduleKeyDeletion does
 *   (Pulumi registry, aws.kms.Key, deletionWindowInDays).
 * Aliases follow the program exactly.
 */
import type { CloudKey } from "./model";
import { DEFAULT_PENDING_WINDOW_DAYS, type KeyRegistry } from "../kms/keyRegistry";

export function applyDeployedKeys(
  registry: KeyRegistry,
  keys: readonly CloudKey[],
  previous: readonly CloudKey[] | undefined,
): void {
  const before = new Map((previous ?? []).map((key) => [key.arn, key]));
  for (const key of keys) {
    const old = before.get(key.arn);
    const live = registry.get(key.arn);
    if (live === undefined || old === undefined) {
      // New to this deployment (or restored without its live state): create it as declared.
      registry.put({
        arn: key.arn,
        policy: key.policy,
        description: key.description,
        state: live?.state === "PendingDeletion" ? live.state : key.enabled ? "Enabled" : "Disabled",
        pendingWindowInDays: live?.pendingWindowInDays,
        deletionDate: live?.deletionDate,
      });
      continue;
    }
    if (old.policy !== key.policy) {
      registry.setPolicy(key.arn, key.policy);
    }
    if (old.enabled !== key.enabled && live.state !== "PendingDeletion") {
      registry.setState(key.arn, key.enabled ? "Enabled" : "Disabled");
    }
  }
  const kept = new Set(keys.map((key) => key.arn));
  for (const old of previous ?? []) {
    const live = registry.get(old.arn);
    if (!kept.has(old.arn) && live !== undefined && live.state !== "PendingDeletion") {
      registry.scheduleDeletion(old.arn, old.deletionWindowInDays ?? DEFAULT_PENDING_WINDOW_DAYS);
    }
  }
  for (const arn of registry.keyArns()) {
    for (const aliasArn of registry.aliasesOf(arn)) {
      registry.deleteAlias(aliasArn);
    }
  }
  for (const key of keys) {
    for (const alias of key.aliases) {
      registry.putAlias(alias, key.arn);
    }
  }
}
