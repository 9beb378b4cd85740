/**
 * A deployed stack as the request path sees it: the model, its authorizer (principals and key policies
 * loaded, key policies validated as KMS validates them at deploy time) and the lookups every request does.
 * Built whole and then swapped in, so a request sees either the old stack or the new one, never a mix,
 * and a plan that fails validation leaves the running stack as it was.
 */
import { AwsError } from "./errors";
import { Authorizer, parsePolicyDocument, type PrincipalSpec } from "./iam";
import { KmsService } from "./kms";
import type { KeyRegistry } from "./kms/key-registry";
import { INVALID_TOKEN } from "./sigv4";
import { ADMINISTRATOR_ACCESS_ARN, type SandboxModel, type SandboxTable, type SandboxUser } from "./model";

/** An access key pair (the deployer's, for the drills). */
export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Who signed a request. */
export interface Caller {
  arn: string;
  accountId: string;
  userId: string;
  accessKeyId: string;
}

export class DeployedStack {
  private readonly callers = new Map<string, { caller: Caller; secret: string }>();
  private readonly tablesByName: Map<string, SandboxTable>;

  private constructor(
    readonly model: SandboxModel,
    readonly authorizer: Authorizer,
    readonly kms: KmsService,
    deployerKey: AccessKey | undefined,
  ) {
    for (const user of model.users) {
      for (const key of user.accessKeys) {
        const caller = {
          arn: user.arn,
          accountId: model.accountId,
          userId: user.userId,
          accessKeyId: key.accessKeyId,
        };
        this.callers.set(key.accessKeyId, { caller, secret: key.secretAccessKey });
      }
    }
    if (deployerKey !== undefined) {
      const caller = {
        arn: model.deployer.arn,
        accountId: model.accountId,
        userId: model.deployer.userId,
        accessKeyId: deployerKey.accessKeyId,
      };
      this.callers.set(deployerKey.accessKeyId, { caller, secret: deployerKey.secretAccessKey });
    }
    this.tablesByName = new Map(model.tables.map((table) => [table.name, table]));
  }

  /**
   * Loads the model into a new authorizer that reads keys from `keys`, their one owner: the deployer (an
   * administrator) and the users first, then each key policy is validated as CreateKey/PutKeyPolicy would
   * for the deployer (unknown principals, lockout). Throws AwsError MalformedPolicyDocumentException (or
   * NoSuchEntity for an unknown managed policy). Changes nothing in `keys`: the caller applies the
   * deployment's keys once everything else succeeded (kms/deploy-keys.ts).
   * `deployerKey` lets the deploying identity sign requests (key administration in the drills).
   */
  static async build(
    model: SandboxModel,
    keys: KeyRegistry,
    deployerKey?: AccessKey,
  ): Promise<DeployedStack> {
    const authorizer = new Authorizer({ keys });
    const kms = new KmsService(authorizer, keys);
    for (const arn of deployerPrincipals(model.deployer.arn)) {
      authorizer.putPrincipal({ arn, managedPolicyArns: [ADMINISTRATOR_ACCESS_ARN] });
    }
    for (const user of model.users) {
      authorizer.putPrincipal(principalSpec(user));
    }
    for (const key of model.keys) {
      try {
        await authorizer.validateKeyPolicy({
          keyArn: key.arn,
          policy: key.policy,
          callerArn: model.deployer.arn,
          bypassPolicyLockoutSafetyCheck: key.bypassPolicyLockoutSafetyCheck,
        });
      } catch (err) {
        if (err instanceof AwsError) {
          // As `pulumi up` reports a failed CreateKey/PutKeyPolicy: which key, then AWS's error.
          throw new AwsError(
            err.code,
            `creating KMS key ${key.arn}: ${err.code}: ${err.message}`,
            err.status,
          );
        }
        throw err;
      }
    }
    return new DeployedStack(model, authorizer, kms, deployerKey);
  }

  /** The secret of an active access key, or undefined when the key is unknown. */
  secretOf(accessKeyId: string): string | undefined {
    return this.callers.get(accessKeyId)?.secret;
  }

  callerOf(accessKeyId: string): Caller {
    const entry = this.callers.get(accessKeyId);
    if (entry === undefined) {
      throw new AwsError("UnrecognizedClientException", INVALID_TOKEN);
    }
    return entry.caller;
  }

  table(name: string): SandboxTable | undefined {
    return this.tablesByName.get(name);
  }

  /** The ARN of a table by name, whether or not it exists (IAM authorizes the ARN before DynamoDB looks). */
  tableArn(name: string): string {
    return (
      this.tablesByName.get(name)?.arn ??
      `arn:${this.model.partition}:dynamodb:${this.model.region}:${this.model.accountId}:table/${name}`
    );
  }
}

function principalSpec(user: SandboxUser): PrincipalSpec {
  return {
    arn: user.arn,
    inlinePolicies: user.inlinePolicies.map((policy) => ({
      name: policy.name,
      // IAM's PutUserPolicy answers MalformedPolicyDocument for a document it cannot read.
      document: parsePolicyDocument(
        policy.document,
        `${user.arn} inline policy ${policy.name}`,
        "MalformedPolicyDocument",
      ),
    })),
    managedPolicyArns: user.managedPolicyArns,
  };
}

/**
 * The deployer as a principal, and, when it is an assumed-role session, its role too: key policies name the
 * role (a session ARN is not a valid key-policy principal), so the role must exist for them to validate.
 */
function deployerPrincipals(arn: string): string[] {
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return session === null ? [arn] : [arn, `arn:${session[1]}:iam::${session[2]}:role/${session[3]}`];
}
