/**
 * The KMS operations the sandbox serves (JSON 1.1, `X-Amz-Target: TrentService.<Operation>`): one table,
 * as the DynamoDB operations have theirs (sandbox/dynamodb/operations.ts). The server routes the names of
 * this table to the KmsService (service.ts), which runs each through its `handler` with the operation's
 * IAM action; docs/sandbox.md's "What it serves" is generated from `docs` (`npm run docs`).
 *
 * Every operation is authorized as a direct call to KMS (no kms:ViaService): the key policy, IAM where the
 * key policy allows the account, and grants (KMS developer guide, "Authentication and access control").
 */
import type { RequestMembers } from "../http/requestMembers";
import type { Authorizer, KmsDecision, KmsRequestContext } from "../iam";
import type { ContextRecord } from "../iam/evaluation";
import { listAliases, listKeys } from "./aliasOperations";
import { decrypt, encrypt, generateDataKey } from "./cryptoOperations";
import { createGrant, listGrants, listRetirableGrants, retireGrant, revokeGrant } from "./grantOperations";
import type { GrantStore } from "./grants";
import type { KeyRegistry, KmsKeyRecord } from "./keyRegistry";
import {
  cancelKeyDeletion,
  describeKey,
  disableKey,
  enableKey,
  getKeyPolicy,
  putKeyPolicy,
  scheduleKeyDeletion,
} from "./keyStateOperations";
import type { RequestBody } from "./requests";

/** One KMS request as a handler sees it: who calls, for which action, and KMS's state. */
export interface KmsCall {
  readonly callerArn: string;
  /** The region of the request's credential scope. */
  readonly region: string;
  /** The IAM action of the operation (its entry's `iamAction`). */
  readonly action: string;
  readonly authorizer: Authorizer;
  /** The keys' one owner. */
  readonly registry: KeyRegistry;
  /** The grants' one owner, which the authorizer reads too. */
  readonly grants: GrantStore;
  /**
   * The global keys the request's caller and connection fix (deploy/stack.ts, callerRequestKeys), for the
   * decisions made without `authorize` (IAM policies alone: ListAliases, ListKeys, ListRetirableGrants,
   * RetireGrant's IAM side).
   */
  readonly requestKeys: ContextRecord;
  /**
   * The key a KeyId names in the caller's account and region: a key id or key ARN, and unless `aliases`
   * is false an alias name or alias ARN. NotFoundException when there is none.
   */
  resolveKey(keyId: string, options?: { readonly aliases: boolean }): KmsKeyRecord;
  /**
   * Authorizes the operation's action on `key` as a direct call: KMS's error when it is refused
   * (AccessDeniedException, or DisabledException / KMSInvalidStateException for a key that is not usable).
   */
  authorize(key: KmsKeyRecord, context?: KmsRequestContext): Promise<KmsDecision>;
}

export interface KmsOperationSpec {
  readonly handler: (request: RequestBody, call: KmsCall) => Promise<Record<string, unknown>>;
  /** The IAM action the operation is authorized as (Service Authorization Reference, AWS KMS). */
  readonly iamAction: string;
  /**
   * What decides it: `key`, the key's policy (with IAM where it allows the account, and grants);
   * `account`, the caller's IAM policies alone; `grant`, the grant itself (its retiring principal, a
   * grantee it allows RetireGrant, or its account: KMS developer guide, "Retiring and revoking grants").
   */
  readonly on: "key" | "account" | "grant";
  /** A column of the access matrix (`npm run access`): asked directly on each table's key. */
  readonly accessMatrix: boolean;
  /** One line for docs/sandbox.md. */
  readonly docs: string;
  /**
   * Every input member of the operation in the KMS API model, as modelled, answer-shaping or refused
   * (sandbox/http/requestMembers.ts; a test walks the AWS model against it).
   */
  readonly members: RequestMembers;
}

/**
 * GrantTokens: the sandbox's grants are effective at once, and it does not check a token against its
 * grant, so a request carrying tokens is refused (an empty list is the same as none).
 */
const GRANT_TOKENS = {
  GrantTokens: { refused: "grant tokens are not checked against their grants", inert: ["[]"] },
} as const;
/**
 * Recipient (a Nitro Enclaves attestation document): KMS would return the result encrypted for the
 * enclave only (CiphertextForRecipient); the sandbox has no attestation, and answering in clear would
 * hand out what AWS keeps wrapped (KMS API reference, Decrypt, Recipient).
 */
const RECIPIENT = {
  Recipient: { refused: "attested enclaves (CiphertextForRecipient) are not modelled" },
  "Recipient.KeyEncryptionAlgorithm": { refused: "attested enclaves are not modelled" },
  "Recipient.AttestationDocument": { refused: "attested enclaves are not modelled" },
} as const;

export const KMS_OPERATION_TABLE = {
  Encrypt: {
    handler: encrypt,
    iamAction: "kms:Encrypt",
    on: "key",
    accessMatrix: false,
    docs: "Encrypts up to 4 KB under a symmetric key (AES-256-GCM, bound to the key and the encryption context).",
    members: {
      KeyId: "modelled",
      Plaintext: "modelled",
      EncryptionContext: "modelled",
      EncryptionAlgorithm: "modelled",
      ...GRANT_TOKENS,
      DryRun: "modelled",
    },
  },
  Decrypt: {
    handler: decrypt,
    iamAction: "kms:Decrypt",
    on: "key",
    accessMatrix: true,
    docs: "Decrypts a ciphertext of the sandbox's KMS, with the encryption context it was made with.",
    members: {
      CiphertextBlob: "modelled",
      EncryptionContext: "modelled",
      KeyId: "modelled",
      EncryptionAlgorithm: "modelled",
      ...GRANT_TOKENS,
      ...RECIPIENT,
      DryRun: "modelled",
      // IGNORE_CIPHERTEXT (authorize without a valid ciphertext) is not served.
      DryRunModifiers: { refused: "DryRunModifiers (IGNORE_CIPHERTEXT) are not served", inert: ["[]"] },
    },
  },
  GenerateDataKey: {
    handler: generateDataKey,
    iamAction: "kms:GenerateDataKey",
    on: "key",
    accessMatrix: false,
    docs: "Returns a fresh data key, in plaintext and encrypted under the key.",
    members: {
      KeyId: "modelled",
      EncryptionContext: "modelled",
      NumberOfBytes: "modelled",
      KeySpec: "modelled",
      ...GRANT_TOKENS,
      ...RECIPIENT,
      DryRun: "modelled",
    },
  },
  DescribeKey: {
    handler: describeKey,
    iamAction: "kms:DescribeKey",
    on: "key",
    accessMatrix: false,
    docs: "Describes the key: its ARN, state, deletion date.",
    members: { KeyId: "modelled", ...GRANT_TOKENS },
  },
  GetKeyPolicy: {
    handler: getKeyPolicy,
    iamAction: "kms:GetKeyPolicy",
    on: "key",
    accessMatrix: false,
    docs: "Returns the key policy.",
    members: { KeyId: "modelled", PolicyName: "modelled" },
  },
  DisableKey: {
    handler: disableKey,
    iamAction: "kms:DisableKey",
    on: "key",
    accessMatrix: false,
    docs: "Disables the key: cryptographic operations and DynamoDB's use of it stop ([key lifecycle](#key-lifecycle)).",
    members: { KeyId: "modelled" },
  },
  EnableKey: {
    handler: enableKey,
    iamAction: "kms:EnableKey",
    on: "key",
    accessMatrix: false,
    docs: "Enables a disabled key.",
    members: { KeyId: "modelled" },
  },
  ScheduleKeyDeletion: {
    handler: scheduleKeyDeletion,
    iamAction: "kms:ScheduleKeyDeletion",
    on: "key",
    accessMatrix: false,
    docs: "Schedules the key's deletion after 7 to 30 days (default 30).",
    members: { KeyId: "modelled", PendingWindowInDays: "modelled" },
  },
  CancelKeyDeletion: {
    handler: cancelKeyDeletion,
    iamAction: "kms:CancelKeyDeletion",
    on: "key",
    accessMatrix: false,
    docs: "Cancels a scheduled deletion; the key is left Disabled.",
    members: { KeyId: "modelled" },
  },
  PutKeyPolicy: {
    handler: putKeyPolicy,
    iamAction: "kms:PutKeyPolicy",
    on: "key",
    accessMatrix: false,
    docs: "Replaces the key policy, checked as CreateKey checks it (principals, lockout safety check).",
    members: {
      KeyId: "modelled",
      PolicyName: "modelled",
      Policy: "modelled",
      BypassPolicyLockoutSafetyCheck: "modelled",
    },
  },
  CreateGrant: {
    handler: createGrant,
    iamAction: "kms:CreateGrant",
    on: "key",
    accessMatrix: false,
    docs: "Creates a grant on the key ([authorization.md](authorization.md)).",
    members: {
      KeyId: "modelled",
      GranteePrincipal: "modelled",
      RetiringPrincipal: "modelled",
      Operations: "modelled",
      Constraints: "modelled",
      "Constraints.EncryptionContextSubset": "modelled",
      "Constraints.EncryptionContextEquals": "modelled",
      Name: "modelled",
      DryRun: "modelled",
      ...GRANT_TOKENS,
    },
  },
  ListGrants: {
    handler: listGrants,
    iamAction: "kms:ListGrants",
    on: "key",
    accessMatrix: false,
    docs: "Lists the key's grants.",
    members: {
      Limit: "shape",
      Marker: "shape",
      KeyId: "modelled",
      GrantId: "shape",
      GranteePrincipal: "shape",
    },
  },
  ListRetirableGrants: {
    handler: listRetirableGrants,
    iamAction: "kms:ListRetirableGrants",
    on: "account",
    accessMatrix: false,
    docs: "Lists the grants a principal may retire.",
    members: { Limit: "shape", Marker: "shape", RetiringPrincipal: "modelled" },
  },
  RetireGrant: {
    handler: retireGrant,
    iamAction: "kms:RetireGrant",
    on: "grant",
    accessMatrix: false,
    docs: "Retires (deletes) a grant.",
    members: { GrantToken: "modelled", KeyId: "modelled", GrantId: "modelled", DryRun: "modelled" },
  },
  ListAliases: {
    handler: listAliases,
    iamAction: "kms:ListAliases",
    on: "account",
    accessMatrix: false,
    docs: "Lists the aliases of the account and region, or of one key.",
    members: { KeyId: "modelled", Limit: "shape", Marker: "shape" },
  },
  ListKeys: {
    handler: listKeys,
    iamAction: "kms:ListKeys",
    on: "account",
    accessMatrix: false,
    docs: "Lists the keys of the account and region.",
    members: { Limit: "shape", Marker: "shape" },
  },
  RevokeGrant: {
    handler: revokeGrant,
    iamAction: "kms:RevokeGrant",
    on: "key",
    accessMatrix: false,
    docs: "Revokes a grant.",
    members: { KeyId: "modelled", GrantId: "modelled", DryRun: "modelled" },
  },
} as const satisfies Record<string, KmsOperationSpec>;

export type KmsOperation = keyof typeof KMS_OPERATION_TABLE;

/** The operations the sandbox serves (TrentService.<Operation>), in the table's order. */
export const KMS_OPERATIONS = Object.keys(KMS_OPERATION_TABLE) as KmsOperation[];

export function isKmsOperation(name: string): name is KmsOperation {
  return Object.hasOwn(KMS_OPERATION_TABLE, name);
}

/** The entry of an operation. */
export function kmsOperationSpec(operation: KmsOperation): KmsOperationSpec {
  return (KMS_OPERATION_TABLE as Record<KmsOperation, KmsOperationSpec>)[operation];
}
