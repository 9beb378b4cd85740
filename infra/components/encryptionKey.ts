import * as kms from "@pulumi/aws/kms";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { buildKeyPolicy, KEY_POLICY_MODES, type KeyPolicyMode } from "../policies/keyPolicy";
import { ConfigError, requireIntegerInRange, requireKeyAlias, requireOneOf } from "../validation";

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
   * Principal ARNs granted encrypt/decrypt through DynamoDB (restricted with kms:ViaService), beside those
   * the tables on the key grant (`EncryptedTable.grantReadData` and its siblings, which call
   * `grantEncryptDecrypt`). Changing this list updates the key policy in place.
   * @default [] (the key users are the principals the tables grant)
   */
  readonly keyUsers?: pulumi.Input<string>[];
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
  /**
   * `default`: the account root statement allows every KMS action, so an IAM policy of the account can allow
   * key use (KMS's default key policy). `strict`: the root statement allows key administration only, and
   * key use (Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*) is denied to every principal but the key users
   * and the AWS services acting through their grants (DynamoDB's for the table). Changing this updates the
   * key policy in place.
   * @default "default"
   */
  readonly keyPolicy?: KeyPolicyMode;
}

/**
 * A key whose key policy a program writes, so that a table's grant can make a principal one of its key
 * users (AWS CDK's `IKey.grantEncryptDecrypt`). EncryptionKey is one; EncryptedTable accepts any.
 */
export interface KeyWithUsers {
  readonly arn: pulumi.Input<string>;
  /** Lists `principal` as a key user, through DynamoDB only; twice is the same as once. */
  grantEncryptDecrypt(principal: { readonly arn: pulumi.Input<string> }): void;
}

/**
 * A symmetric customer-managed KMS key, its alias and its key policy (account root, administrators,
 * key users through DynamoDB).
 *
 * The key users are known before the key is registered: the key policy is an input of the key (as every
 * stack deployed so far has it), and its key users are the `keyUsers` argument plus every principal a table
 * grants while the program declares its resources. The key is registered with its policy once the program's
 * current run of declarations ends (the turn of the event loop in which the key was declared), so grants
 * made right after `new EncryptionKey` and `new EncryptedTable` count; a grant after that (the program
 * awaited something in between) is refused with an error, never lost. Why not an `aws.kms.KeyPolicy`
 * child: it would move the policy out of the key of every deployed stack (an update plus a new resource
 * on each), and a new key would exist for a moment with KMS's default policy (the account may use it
 * through IAM) until the KeyPolicy is applied; keeping the policy on the key has no such window.
 */
export class EncryptionKey extends pulumi.ComponentResource implements KeyWithUsers {
  public readonly key: kms.Key;
  public readonly alias: kms.Alias;
  public readonly arn: pulumi.Output<string>;
  public readonly keyId: pulumi.Output<string>;
  /** The key policy document as JSON text. */
  public readonly policy: pulumi.Output<string>;
  private readonly grantedUsers: pulumi.Input<string>[] = [];
  private grantsClosed = false;
  private readonly componentName: string;

  constructor(name: string, args: EncryptionKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kms-dynamodb:kms:EncryptionKey", name, {}, opts);
    this.componentName = name;
    const deletionWindowInDays = requireIntegerInRange(
      "EncryptionKeyArgs.deletionWindowInDays",
      args.deletionWindowInDays ?? DEFAULTS.keyDeletionWindowDays,
      7,
      30,
    );
    const aliasName = requireKeyAlias("EncryptionKeyArgs.aliasName", args.aliasName);
    const mode = requireOneOf(
      "EncryptionKeyArgs.keyPolicy",
      args.keyPolicy ?? DEFAULTS.keyPolicy,
      KEY_POLICY_MODES,
    );
    if (args.administrators.length === 0) {
      throw new ConfigError(
        `EncryptionKeyArgs.administrators: [] is empty; name at least one key administrator`,
      );
    }

    const [grantedUsers, closeGrants] = pulumi.deferredOutput<string[]>();
    setImmediate(() => {
      this.grantsClosed = true;
      closeGrants(pulumi.all(this.grantedUsers));
    });
    this.policy = pulumi
      .all([
        args.partition,
        args.accountId,
        args.region,
        pulumi.all(args.administrators),
        pulumi.all(args.keyUsers ?? []),
        grantedUsers,
      ])
      .apply(([partition, accountId, region, administrators, keyUsers, granted]) =>
        JSON.stringify(
          buildKeyPolicy({
            partition,
            accountId,
            region,
            administrators,
            keyUsers: [...keyUsers, ...granted],
            mode,
          }),
        ),
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

  /**
   * Lists `principal` as a key user in the key policy: Encrypt, Decrypt, ReEncrypt*, GenerateDataKey* and
   * DescribeKey through DynamoDB only (kms:ViaService), as the tables' grants need. Granting twice is the
   * same as once (the policy lists each ARN once). Throws once the key's policy is registered (see the class).
   */
  grantEncryptDecrypt(principal: { readonly arn: pulumi.Input<string> }): void {
    if (this.grantsClosed) {
      throw new ConfigError(
        `EncryptionKey ${this.componentName}: its key policy is already registered, so it cannot list another ` +
          "key user; grant the tables' data in the same run of declarations as the key (no await in between), " +
          "or list the principal in EncryptionKeyArgs.keyUsers",
      );
    }
    this.grantedUsers.push(principal.arn);
  }
}
