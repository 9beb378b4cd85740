/**
 * Pulumi mocks that model what the AWS provider returns: outputs shaped like the real ones (ARNs in
 * AWS's formats, KMS key ids as UUIDs, 20-character access key ids, 40-character secrets) and the
 * invokes the program uses. One module for the offline plan, the sandbox, the scenario and the tests.
 *
 * Ids are derived from the stack and the resource's URN, so the same config gives the same plan;
 * only secret access keys are random, as AWS's are.
 */
import { createHash, randomBytes } from "node:crypto";
import { COMPUTED_INVOKES, partitionOf } from "./invokes/computed";

export { partitionOf };

export interface DeployerIdentity {
  accountId: string;
  /** The identity that runs `pulumi up`: a user or an assumed-role session ARN. */
  arn: string;
  userId: string;
}

export const DEFAULT_DEPLOYER: DeployerIdentity = {
  accountId: "111122223333",
  arn: "arn:aws:iam::111122223333:user/deployer",
  userId: "AIDAQDEPLOYEREXAMPLE1",
};

export interface AwsMocksOptions {
  stack: string;
  region: string;
  deployer?: DeployerIdentity;
}

export interface MockResourceRequest {
  type: string;
  name: string;
  urn: string;
  /** Plain input values (secrets and unknowns resolved by the caller). */
  inputs: Record<string, unknown>;
  /**
   * An update in place: the resource as deployed (physical id, plain outputs). The provider keeps its
   * id and what it computed once at creation (a key id, a secret access key) and recomputes the rest.
   */
  previous?: { id: string; outputs: Record<string, unknown> };
  /** A replacement: the id of the resource being replaced, so the new one gets another id. */
  replacing?: string;
}

export interface MockResourceResult {
  id: string;
  /** Computed outputs, merged over the inputs. */
  outputs: Record<string, unknown>;
}

/** Invoke tokens computed offline (plan/invokes/computed.ts); `AwsMocks.call` refuses any other. */
export const MOCKED_INVOKES = Object.keys(COMPUTED_INVOKES);

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export class AwsMocks {
  readonly deployer: DeployerIdentity;
  readonly partition: string;
  readonly region: string;

  constructor(private readonly options: AwsMocksOptions) {
    this.deployer = options.deployer ?? DEFAULT_DEPLOYER;
    this.partition = partitionOf(options.region).partition;
    this.region = options.region;
  }

  /**
   * Answers a computed invoke (plan/invokes/computed.ts), or throws naming the token: the plan engine's
   * invoke layer (plan/invokes) answers the others from recorded results or the stack's state.
   */
  call(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const computed = COMPUTED_INVOKES[token];
    if (computed === undefined) {
      throw new Error(
        `the offline plan has no mock for invoke ${token} (computed: ${MOCKED_INVOKES.join(", ")}); record its result with --invokes`,
      );
    }
    return computed(inputs, { region: this.options.region, deployer: this.deployer });
  }

  /** Returns the id and computed outputs the AWS provider would give a created resource. */
  newResource(request: MockResourceRequest): MockResourceResult {
    const { inputs } = request;
    const account = this.deployer.accountId;
    const region = this.options.region;
    const p = this.partition;
    // A replacement is a new physical resource: its generated ids must differ from the replaced one's.
    const generation = request.replacing === undefined ? "" : `#replacing:${request.replacing}`;
    const seed = (label: string) => this.digest(`${request.urn}${generation}#${label}`);
    const previous = request.previous;
    const name = (key: string, fallback: string) =>
      typeof inputs[key] === "string" ? (inputs[key] as string) : fallback;
    switch (request.type) {
      case "aws:kms/key:Key": {
        const keyId = previous?.id ?? uuidFrom(seed("keyId"));
        return {
          id: keyId,
          outputs: {
            keyId,
            arn: `arn:${p}:kms:${region}:${account}:key/${keyId}`,
            keyUsage: inputs.keyUsage ?? "ENCRYPT_DECRYPT",
            customerMasterKeySpec: inputs.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT",
            isEnabled: inputs.isEnabled ?? true,
            multiRegion: inputs.multiRegion ?? false,
            rotationPeriodInDays: inputs.enableKeyRotation ? 365 : undefined,
          },
        };
      }
      case "aws:kms/externalKey:ExternalKey": {
        // A key whose material the program imports: a KMS key like any other, with a key ARN and id
        // (KMS Developer Guide, "Importing key material"); it is PendingImport until material is given.
        const keyId = previous?.id ?? uuidFrom(seed("keyId"));
        return {
          id: keyId,
          outputs: {
            arn: `arn:${p}:kms:${region}:${account}:key/${keyId}`,
            keyUsage: inputs.keyUsage ?? "ENCRYPT_DECRYPT",
            keySpec: inputs.keySpec ?? "SYMMETRIC_DEFAULT",
            keyState: inputs.keyMaterialBase64 === undefined ? "PendingImport" : "Enabled",
            enabled: inputs.keyMaterialBase64 !== undefined,
            expirationModel:
              inputs.validTo === undefined ? "KEY_MATERIAL_DOES_NOT_EXPIRE" : "KEY_MATERIAL_EXPIRES",
            multiRegion: inputs.multiRegion ?? false,
          },
        };
      }
      case "aws:kms/alias:Alias": {
        const aliasName = name("name", `alias/${request.name}`);
        return {
          id: aliasName,
          outputs: {
            arn: `arn:${p}:kms:${region}:${account}:${aliasName}`,
            targetKeyArn: `arn:${p}:kms:${region}:${account}:key/${String(inputs.targetKeyId)}`,
          },
        };
      }
      case "aws:dynamodb/table:Table": {
        const tableName = name("name", previous?.id ?? `${request.name}-${hex(seed("name")).slice(0, 7)}`);
        return {
          id: tableName,
          outputs: { name: tableName, arn: `arn:${p}:dynamodb:${region}:${account}:table/${tableName}` },
        };
      }
      case "aws:iam/user:User": {
        const userName = name("name", request.name);
        const path = name("path", "/");
        return {
          id: userName,
          outputs: {
            name: userName,
            path,
            arn: `arn:${p}:iam::${account}:user${path}${userName}`,
            // IAM keeps a user's unique id across renames (UpdateUser).
            uniqueId: previous?.outputs.uniqueId ?? `AIDA${base32(seed("uniqueId"), 17)}`,
          },
        };
      }
      case "aws:iam/role:Role": {
        // Without an explicit name the provider auto-names it, as every other resource: NAME-1234abc.
        const roleName = name("name", previous?.id ?? `${request.name}-${hex(seed("name")).slice(0, 7)}`);
        const path = name("path", "/");
        return {
          id: roleName,
          outputs: {
            name: roleName,
            path,
            arn: `arn:${p}:iam::${account}:role${path}${roleName}`,
            uniqueId: `AROA${base32(seed("uniqueId"), 17)}`,
            maxSessionDuration: inputs.maxSessionDuration ?? 3600,
          },
        };
      }
      case "aws:iam/rolePolicy:RolePolicy":
        return { id: `${String(inputs.role)}:${name("name", request.name)}`, outputs: {} };
      case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
        return { id: `${String(inputs.role)}-${hex(seed("id")).slice(0, 26)}`, outputs: {} };
      case "aws:kms/grant:Grant": {
        // KMS grant ids are 64 hex characters; the provider's id is KEY_ID:GRANT_ID.
        const grantId = hex(seed("grantId"));
        return {
          id: `${String(inputs.keyId)}:${grantId}`,
          outputs: { grantId, grantToken: randomSecret(40) },
        };
      }
      case "aws:iam/userPolicy:UserPolicy":
        return { id: `${String(inputs.user)}:${name("name", request.name)}`, outputs: {} };
      case "aws:iam/userPolicyAttachment:UserPolicyAttachment":
        return { id: previous?.id ?? `${String(inputs.user)}-${hex(seed("id")).slice(0, 26)}`, outputs: {} };
      case "aws:iam/accessKey:AccessKey":
        return {
          id: previous?.id ?? `AKIA${base32(seed("id"), 16)}`,
          outputs: {
            // Real secrets are random; a deterministic one would be guessable from the plan. IAM shows a
            // secret once, at creation: an update keeps it.
            secret: previous?.outputs.secret ?? randomSecret(40),
            status: inputs.status ?? "Active",
            createDate: previous?.outputs.createDate ?? "2026-01-01T00:00:00Z",
          },
        };
      default:
        return this.otherResource(request, seed);
    }
  }

  /**
   * Every other @pulumi/aws type (a team's own program: Lambda functions, roles, buckets...): the
   * outputs nearly every AWS resource has, plausible enough for policies and for dependents to use.
   * An explicit name is kept; otherwise the name is the resource name with a random-looking suffix, as
   * the provider's autonaming does. The ARN follows the common `arn:PARTITION:SERVICE:REGION:ACCOUNT:
   * RESOURCE/NAME` layout (IAM and S3 are global: no region; IAM and S3 have no account in S3's case).
   */
  private otherResource(request: MockResourceRequest, seed: (label: string) => Buffer): MockResourceResult {
    const previous = request.previous;
    const token = /^aws:([^/]+)\/([^:]+):(.+)$/.exec(request.type);
    if (token === null) {
      // Not an AWS resource (policy fixtures, benchmarks): echo the inputs under a stable id.
      return { id: previous?.id ?? `${request.name}-${hex(seed("id")).slice(0, 8)}`, outputs: {} };
    }
    const [, service, module, typeName] = token;
    const explicit = ["name", "functionName", "bucket", "roleName"]
      .map((key) => request.inputs[key])
      .find((value): value is string => typeof value === "string" && value !== "");
    const resourceName = explicit ?? previous?.id ?? `${request.name}-${hex(seed("name")).slice(0, 7)}`;
    const region = service === "iam" || service === "s3" ? "" : this.options.region;
    const account = service === "s3" ? "" : this.deployer.accountId;
    const kind = module.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const arnService = service === "cloudwatch" && kind === "log-group" ? "logs" : service;
    const path = typeof request.inputs.path === "string" ? request.inputs.path : "/";
    const resource =
      service === "s3"
        ? resourceName
        : service === "iam"
          ? `${kind}${path}${resourceName}`
          : service === "lambda"
            ? `function:${resourceName}`
            : `${kind}/${resourceName}`;
    const arn = `arn:${this.partition}:${arnService}:${region}:${account}:${resource}`;
    const outputs: Record<string, unknown> = { arn, name: resourceName };
    if (service === "lambda" && typeName === "Function") {
      outputs.invokeArn = `arn:${this.partition}:apigateway:${this.options.region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
      outputs.qualifiedArn = `${arn}:$LATEST`;
      outputs.version = "$LATEST";
    }
    if (service === "iam") {
      outputs.uniqueId = previous?.outputs.uniqueId ?? `AROA${base32(seed("uniqueId"), 17)}`;
    }
    // Most AWS resources' provider ids are their names (Lambda functions, roles, buckets, log groups).
    return { id: previous?.id ?? resourceName, outputs };
  }

  private digest(text: string): Buffer {
    return createHash("sha256").update(`${this.options.stack}\n${text}`).digest();
  }
}

function hex(bytes: Buffer): string {
  return bytes.toString("hex");
}

function uuidFrom(bytes: Buffer): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x40; // version 4 layout, as KMS key ids are
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function base32(bytes: Buffer, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    out += UPPER_ALNUM[bytes[i % bytes.length] % UPPER_ALNUM.length];
  }
  return out;
}

function randomSecret(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) {
    out += SECRET_ALPHABET[bytes[i] % SECRET_ALPHABET.length];
  }
  return out;
}
