/**
 * Every default of the program and its components, in one place. docs/reference.md's configuration table
 * lists these; change both together.
 */
/** The stack whose defaults keep data: protect and retainOnDelete on (Pulumi.prod.yaml). */
export const PRODUCTION_STACK = "prod";

export const DEFAULTS = {
  /** Project name; the config namespace of the program's own keys. */
  project: "kms-dynamodb",
  /** KMS waits this many days before deleting a scheduled key (AWS allows 7-30; 30 is AWS's default). */
  keyDeletionWindowDays: 30,
  /** Automatic yearly rotation of the key material (CIS AWS 3.8). */
  keyRotation: true,
  /** The key is usable; `false` disables it (DisableKey) without deleting anything. */
  keyEnabled: true,
  /**
   * The key policy's mode: `default` lets the account's IAM policies allow key use (KMS's own default key
   * policy); `strict` keeps key use to the key users (infra/policies/keyPolicy.ts).
   */
  keyPolicy: "default",
  /** Hash key attribute of the table. */
  hashKey: "pk",
  /** Attribute type of the hash and range keys. */
  keyAttributeType: "S",
  /** On-demand capacity: no throughput to size for an exercise or a spiky workload. */
  billingMode: "PAY_PER_REQUEST",
  /** Continuous backups: restores to any second of the last 35 days. */
  pointInTimeRecovery: true,
  /** Off so `pulumi destroy` can clean up a sandbox stack; turn on for data that matters. */
  deletionProtection: false,
  /**
   * `protect` on the key and the table: on for the production stack, so `pulumi destroy` (or a change
   * that would replace them) stops instead of deleting the data and the key that decrypts it
   * (Pulumi docs, "Resource options: protect").
   */
  protect: (stack: string): boolean => stack === PRODUCTION_STACK,
  /**
   * `retainOnDelete` on the key and the table: on for the production stack, so removing them from the
   * program leaves them in AWS (Pulumi docs, "Resource options: retainOnDelete").
   */
  retainOnDelete: (stack: string): boolean => stack === PRODUCTION_STACK,
  /** Table name when `tableName` is not set: one per stack. */
  tableName: (stack: string): string => `kms-dynamodb-${stack}`,
  /** Key alias when `keyAlias` is not set: one per stack. */
  keyAlias: (stack: string): string => `alias/kms-dynamodb-${stack}`,
  /** Key description when none is given. */
  keyDescription: (stack: string): string =>
    `kms-dynamodb ${stack}: customer-managed key of the DynamoDB table`,
} as const;
