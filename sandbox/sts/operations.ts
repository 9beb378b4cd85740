/**
 * The STS actions the sandbox serves over the query protocol (form-encoded `Action=...&Version=...`):
 * GetCallerIdentity, which needs no permission, and AssumeRole (STS API reference).
 */
export const STS_VERSION = "2011-06-15";
export const STS_OPERATIONS = ["GetCallerIdentity", "AssumeRole"] as const;
export type StsOperation = (typeof STS_OPERATIONS)[number];

export function isStsOperation(action: string): action is StsOperation {
  return (STS_OPERATIONS as readonly string[]).includes(action);
}
