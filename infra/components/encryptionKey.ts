import * as kms from "@pulumi/aws/kms";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { buildKeyPolicy } from "../policies/keyPolicy";
import { ConfigError, requireIntegerInRange, requireKeyAlias } from "../validation";

/**
 * No input of this component replaces the key itself: the key's replace-on-change inputs
 * (plan/replaceOnChange.ts: keyUsage, customerMasterKeySpec, ...) are fixed by the component. Only the
 * alias name replaces the alias (test/infra/components/argsDocs.test.ts holds these docs to that list).
 */
export interface EncryptionKeyArgs {
  /**
   * Partition of the key (from the provider's invokes), for the key policy's ARNs. Changing this updates
   * the key policy in place.
   * @default none (required)
   */
  readonly partition: pulumi.Input<string>;
  /**
   * Account of the key, for the key policy's root principal. Changing this updates the key policy in
   * place.
   * @default none (required)
   */
  readonly accountId: pulumi.Input<string>;
  /**
   * Region of the key, for the key policy's kms:ViaService condition. Changing this updates the key
   * policy in place.
   * @default none (required)
   */
  readonly region: pulumi.Input<string>;
  /**
   * Principals that manage the key; at least one. Changing this list updates the key policy in place.
   * @default none (required)
   */
  readonly administrators: pulumi.Input<string>[];
  /**
   * Principals granted encrypt/decrypt through DynamoDB (CDK's `grantEncryptDecrypt`, restricted
   * with kms:ViaService). Changing this list updates the key policy in place.
   * @default none (required)
   */
  readonly keyUsers: pulumi.Input<string>[];
  /**
   * Alias name, `alias/...`. Required: the component never invents physical names. Changing this
   * replaces the resource's alias (a new alias on the same key; the key stays).
   * @default none (required)
   */
  readonly aliasName: string;
  /**
   * Description shown in the KMS console. Changing this updates the key in place.
   * @default none (required)
   */
  readonly description: string;
  /**
   * Days KMS waits before deleting the key once scheduled, 7-30. Changing this updates the key in place.
   * @default 30
   */
  readonly deletionWindowInDays?: number;
  /**
   * Yearly automatic rotation of the key material. Changing this updates the key in place.
   * @default true
   */
  readonly enableKeyRotation?: boolean;
  /**
   * Whether the key can be used (aws.kms.Key isEnabled): false disables it in place (DisableKey), and
   * every table on it becomes inaccessible until it is enabled again. Changing this updates the key in
   * place.
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * A symmetric customer-managed KMS key, its alias and its key policy (account root, administrators,
 * key users through DynamoDB).
 */
export class EncryptionKey extends pulumi.ComponentResource {
  public readonly key: kms.Key;
  public readonly alias: kms.Alias;
  public readonly arn: pulumi.Output<string>;
  public readonly keyId: pulumi.Output<string>;
  /** The key policy document as JSON text. */
  public readonly policy: pulumi.Output<string>;

  constructor(name: string, args: EncryptionKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kms-dynamodb:kms:EncryptionKey", name, {}, opts);
    const deletionWindowInDays = requireIntegerInRange(
      "EncryptionKeyArgs.deletionWindowInDays",
      args.deletionWindowInDays ?? DEFAULTS.keyDeletionWindowDays,
      7,
      30,
    );
    const aliasName = requireKeyAlias("EncryptionKeyArgs.aliasName", args.aliasName);
    if (args.administrators.length === 0) {
      throw new ConfigError(
        `EncryptionKeyArgs.administrators: [] is empty; name at least one key administrator`,
      );
    }

    this.policy = pulumi
      .all([
        args.partition,
        args.accountId,
        args.region,
        pulumi.all(args.administrators),
        pulumi.all(args.keyUsers),
      ])
      .apply(([partition, accountId, region, administrators, keyUsers]) =>
        JSON.stringify(buildKeyPolicy({ partition, accountId, region, administrators, keyUsers })),
      );

    this.key = new kms.Key(
      name,
      {
        description: args.description,
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        enableKeyRotation: args.enableKeyRotation ?? DEFAULTS.keyRotation,
        deletionWindowInDays,
        isEnabled: args.enabled ?? DEFAULTS.keyEnabled,
        // The policy is an in-place update of the key: granting or revoking a user never replaces
        // the key (a new key would leave every item encrypted under the old one unreadable).
        policy: this.policy,
        bypassPolicyLockoutSafetyCheck: false,
      },
      { parent: this, protect: opts?.protect, retainOnDelete: opts?.retainOnDelete },
    );
    this.alias = new kms.Alias(name, { name: aliasName, targetKeyId: this.key.keyId }, { parent: this });
    this.arn = this.key.arn;
    this.keyId = this.key.keyId;
    this.registerOutputs({ arn: this.arn, keyId: this.keyId, aliasName: this.alias.name });
  }
}
