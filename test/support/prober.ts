/**
 * The live side of the differential test: signs as every principal with credentials (the plan's users,
 * those of a second account included, and its roles through STS AssumeRole sessions obtained with a trusted user's key) and calls the sandbox over real HTTP with AWS SDK v3 clients, one call per cell of the matrix, and
 * reports what AWS's answer says: allowed, denied-by-iam or denied-by-kms (checks/classify.ts reads the
 * same messages the checks read on AWS).
 */
import { randomBytes } from "node:crypto";
import * as dynamodbSdk from "@aws-sdk/client-dynamodb";
import { DynamoDBClient, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { DecryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { classifyError } from "../../checks/classify";
import { DIRECT_DECRYPT, TABLE_OPERATIONS } from "../../access/operations";
import type { AccessReport } from "../../access/types";
import type { CloudModel } from "../../sandbox/deploy/model";
import {
  isDynamoOperation,
  operationSpec,
  type DynamoOperation,
  type ProbeTarget,
} from "../../sandbox/dynamodb/operations";
import { sealBlob } from "../../sandbox/kms/ciphertext";
import { DEFAULT_SHAPE, probeRequest, type RequestShape } from "./fineGrained";

export interface Observation {
  readonly table: string;
  readonly principal: string;
  readonly operation: string;
  readonly observed: string;
  readonly error?: string;
  /** The request's shape (test/support/fineGrained.ts): `default` for the operation table's probe. */
  readonly shape: RequestShape["name"];
}

/** The operations this prober sends over the wire: every operation of the matrix. */
export const PROBED_OPERATIONS: ReadonlySet<string> = new Set<string>([...TABLE_OPERATIONS, DIRECT_DECRYPT]);

/** An SDK v3 command class, as `@aws-sdk/client-dynamodb` exports one per operation. */
type CommandClass = new (input: Record<string, unknown>) => dynamodbSdk.GetItemCommand;

/**
 * The SDK v3 command of a DynamoDB operation: the client's `<Operation>Command`, with the operation
 * table's probe as its input (sandbox/dynamodb/operations.ts).
 */
export function sdkCommand(
  operation: DynamoOperation,
  target: ProbeTarget,
  input: Record<string, unknown> = operationSpec(operation).probe(target),
): dynamodbSdk.GetItemCommand {
  const Command = (dynamodbSdk as unknown as Record<string, CommandClass | undefined>)[`${operation}Command`];
  if (Command === undefined) {
    throw new Error(`@aws-sdk/client-dynamodb has no ${operation}Command`);
  }
  return new Command(input);
}

/** The signer's aws:userid, as GetCallerIdentity's UserId gives it (IAM User Guide, "IAM identifiers"). */
export async function callerUserId(endpoint: string, region: string, signer: Signer): Promise<string> {
  const sts = new STSClient({ endpoint, region, credentials: credentialsOf(signer), maxAttempts: 1 });
  try {
    const { UserId } = await sts.send(new GetCallerIdentityCommand({}));
    if (UserId === undefined) {
      throw new Error(`GetCallerIdentity as ${signer.arn} returned no UserId`);
    }
    return UserId;
  } finally {
    sts.destroy();
  }
}

function credentialsOf(signer: Signer) {
  return {
    accessKeyId: signer.accessKeyId,
    secretAccessKey: signer.secretAccessKey,
    ...(signer.sessionToken === undefined ? {} : { sessionToken: signer.sessionToken }),
  };
}

export interface Signer {
  /** The matrix principal it signs as: a user's ARN, or a role's ARN for a session of that role. */
  readonly arn: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** A role session's token (STS AssumeRole, Credentials.SessionToken). */
  readonly sessionToken?: string;
}

/**
 * A session of `roleArn` through STS AssumeRole (SDK v3), signed with `user`'s key: the credentials a
 * prober signs the role's cells with (IAM user guide, "Switch to an IAM role (AWS API)").
 */
export async function assumeRole(input: {
  readonly endpoint: string;
  readonly region: string;
  readonly user: Signer;
  readonly roleArn: string;
  /** AssumeRole's session policies (`Policy`, `PolicyArns`), when the session is to have some. */
  readonly policy?: string;
  readonly policyArns?: readonly string[];
  readonly sessionName?: string;
}): Promise<Signer> {
  const sts = new STSClient({
    endpoint: input.endpoint,
    region: input.region,
    credentials: { accessKeyId: input.user.accessKeyId, secretAccessKey: input.user.secretAccessKey },
    maxAttempts: 1,
  });
  try {
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: input.roleArn,
        RoleSessionName: input.sessionName ?? "access-prober",
        ...(input.policy === undefined ? {} : { Policy: input.policy }),
        ...(input.policyArns === undefined ? {} : { PolicyArns: input.policyArns.map((arn) => ({ arn })) }),
      }),
    );
    if (Credentials?.AccessKeyId === undefined || Credentials.SecretAccessKey === undefined) {
      throw new Error(`AssumeRole ${input.roleArn} returned no credentials`);
    }
    return {
      arn: input.roleArn,
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      ...(Credentials.SessionToken === undefined ? {} : { sessionToken: Credentials.SessionToken }),
    };
  } finally {
    sts.destroy();
  }
}

export async function probe(input: {
  readonly endpoint: string;
  readonly region: string;
  readonly model: CloudModel;
  readonly report: AccessReport;
  readonly signers: readonly Signer[];
  /**
   * The request shapes to probe each of a signer's cells on a table with (test/support/fineGrained.ts): by default
   * the operation table's probe only. A direct kms:Decrypt is sent once, whatever the shapes.
   */
  readonly shapesOf?: (signer: Signer, table: string) => readonly RequestShape[];
}): Promise<Observation[]> {
  const observations: Observation[] = [];
  for (const signer of input.signers) {
    const config = {
      endpoint: input.endpoint,
      region: input.region,
      credentials: credentialsOf(signer),
      maxAttempts: 1,
    };
    const dynamodb = new DynamoDBClient(config);
    const kms = new KMSClient(config);
    try {
      for (const table of input.report.tables) {
        const deployed = input.model.tables.find((candidate) => candidate.name === table.name);
        if (deployed === undefined) {
          throw new Error(`table ${table.name} of the report is not deployed`);
        }
        const shapes = input.shapesOf?.(signer, table.name) ?? [DEFAULT_SHAPE];
        const key = itemKey(deployed.createRequest);
        const sortKey = (
          deployed.createRequest.KeySchema as { AttributeName: string; KeyType: string }[]
        ).find((entry) => entry.KeyType === "RANGE")?.AttributeName;
        // A bare name names a table of the caller's own account: another account's signer names the
        // table by its ARN (DynamoDB Developer Guide, "Cross-account access with resource-based policies
        // in DynamoDB", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-cross-account-access.html).
        const tableName = accountOf(signer.arn) === accountOf(deployed.arn) ? table.name : deployed.arn;
        const hashName = Object.keys(key)[0];
        for (const operation of table.operations.filter((op) => PROBED_OPERATIONS.has(op))) {
          for (const shape of isDynamoOperation(operation) ? shapes : [shapes[0]]) {
            const call = (): Promise<unknown> => {
              if (isDynamoOperation(operation)) {
                const target = { tableName, tableArn: deployed.arn, key, hashKey: hashName };
                return dynamodb.send(
                  sdkCommand(operation, target, probeRequest(operation, target, shape, sortKey)),
                );
              }
              // A ciphertext of the sandbox's format that names the table's key, sealed with other key
              // material: KMS authorizes Decrypt before it opens the blob, so InvalidCiphertextException
              // means the caller got past authorization (KMS API reference, Decrypt: errors).
              return kms.send(
                new DecryptCommand({
                  CiphertextBlob: sealBlob(table.keyArn as string, randomBytes(32), Buffer.from("probe"), {}),
                }),
              );
            };
            observations.push({
              table: table.name,
              principal: signer.arn,
              operation,
              shape: shape.name,
              ...(await observe(operation, call)),
            });
          }
        }
      }
    } finally {
      dynamodb.destroy();
      kms.destroy();
    }
  }
  return observations;
}

/**
 * Every observation whose answer differs from the report's decision of its cell, one line each: what a
 * differential test expects to be empty.
 */
export function differencesOf(observations: readonly Observation[], report: AccessReport): string[] {
  return observations.flatMap((observation) => {
    const cell = report.cells.find(
      (candidate) =>
        candidate.principal === observation.principal &&
        candidate.operation === observation.operation &&
        candidate.table === observation.table,
    );
    return cell?.decision === observation.observed
      ? []
      : [
          `${observation.table} ${observation.principal} ${observation.operation}: static ${cell?.decision ?? "none"}, live ${observation.observed}`,
        ];
  });
}

async function observe(
  operation: string,
  call: () => Promise<unknown>,
): Promise<{ observed: string; error?: string }> {
  try {
    await call();
    return { observed: "allowed" };
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    if (operation === "kms:Decrypt" && name === "InvalidCiphertextException") {
      return { observed: "allowed" };
    }
    if (
      operation === "kms:Decrypt" &&
      (name === "DisabledException" || name === "KMSInvalidStateException")
    ) {
      return { observed: "denied-by-kms", error: name };
    }
    const classified = classifyError(err);
    return { observed: classified.actual, error: classified.error };
  }
}

/** A key of the table's schema (hash and range key), with a value of each attribute's type. */
function itemKey(createRequest: Record<string, unknown>): Record<string, AttributeValue> {
  const schema = createRequest.KeySchema as { AttributeName: string }[];
  const definitions = createRequest.AttributeDefinitions as {
    AttributeName: string;
    AttributeType: string;
  }[];
  const key: Record<string, AttributeValue> = {};
  for (const { AttributeName } of schema) {
    const type = definitions.find((definition) => definition.AttributeName === AttributeName)?.AttributeType;
    key[AttributeName] =
      type === "N" ? { N: "1" } : type === "B" ? { B: Buffer.from("probe") } : { S: "access-probe" };
  }
  return key;
}

/** The account an ARN names (its fifth field). */
function accountOf(arn: string): string {
  return arn.split(":")[4] ?? "";
}
