/**
 * The sandbox's KMS (JSON 1.1, TrentService): its operation table (operations.ts) and the service the
 * server dispatches to, authorized through sandbox/iam as direct calls (no kms:ViaService).
 *
 *   const kms = new KmsService(authorizer, keys, grants); // the authorizer reads the same keys and grants
 *   kms.importKeyMaterial(saved);                  // when reloading persisted state, before putKey
 *   kms.putKey({ arn, policy: policyJsonText, description, state: "Enabled" });
 *   kms.putAlias("alias/app", keyArn);
 *   const out = await kms.handle("Encrypt", parsedJsonBody, { arn: callerArn, region });  // throws AwsError
 *   saveWithMode0600(kms.exportKeyMaterial());
 */
export { KmsService, type KmsCaller, type KmsKeyDefinition } from "./service";
export { isKmsOperation, KMS_OPERATION_TABLE, KMS_OPERATIONS, type KmsOperation } from "./operations";
export type { ExportedKeyMaterial } from "./keyRegistry";
export { GrantStore } from "./grants";
