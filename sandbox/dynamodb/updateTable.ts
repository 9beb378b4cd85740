/**
 * UpdateTable, for the settings the sandbox models: the table's encryption key (SSESpecification) and its
 * deletion protection (DeletionProtectionEnabled). Every other member (capacity, indexes, streams,
 * replicas, table class) is refused as not modelled by the operation's entry (operations.ts).
 *
 * DynamoDB API reference, UpdateTable and SSESpecification
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_SSESpecification.html):
 * - TableName is the table's name or its ARN; a table that does not exist is ResourceNotFoundException.
 * - SSESpecification.Enabled: "If enabled (true), server-side encryption type is set to KMS and an AWS
 *   managed key is used (AWS KMS charges apply). If disabled (false) or not specified, server-side
 *   encryption is set to AWS owned key."
 * - KMSMasterKeyId: "To specify a key, use its key ID, Amazon Resource Name (ARN), alias name, or alias
 *   ARN. Note that you should only provide this parameter if the key is different from the default
 *   DynamoDB key alias/aws/dynamodb." SSEType: "The only supported value is: KMS".
 * DynamoDB Developer Guide, "Managing encrypted tables in DynamoDB", Updating an encryption key
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.tutorial.html): an existing
 * table switches between the AWS owned key, the AWS managed key and a customer managed key.
 *
 * Who may switch a table to a customer managed key: DynamoDB uses the key "on behalf of the principal
 * who made the choice" and "DynamoDB requires the following permissions" on it, among them
 * kms:DescribeKey (to check the key) and kms:CreateGrant (the grant it makes for the table), called
 * through DynamoDB (KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS", Authorizing use of your KMS
 * key, https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html#dynamodb-authz). So the
 * caller must be allowed both on the new key, as kms:ViaService dynamodb.REGION.amazonaws.com, and the key
 * must be Enabled (KMS refuses CreateGrant on a key that is not). A refusal is DynamoDB's
 * AccessDeniedException wrapping KMS's error, as for an item request. The AWS owned key and the AWS
 * managed key need no permission of the caller (the model treats the AWS managed key as the AWS owned key:
 * every principal of the account may use it through DynamoDB, deploy/model.ts).
 *
 * The switch takes effect at once: the table reads and writes under its new key from the next request
 * (the table key each connection cached belonged to the old key, tableKeyCache.ts), DynamoDB's grant moves
 * to the new key, and DescribeTable's SSEDescription names it. AWS re-encrypts in the background, with the
 * table UPDATING meanwhile; the sandbox has nothing to re-encrypt. A change is made only once it is
 * durable in the data dir (deploy/tableSettings.ts), so it outlives a restart; it lasts until the next
 * deployment, which puts the table back as the plan declares it.
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../errors";
import { NOT_MODELLED } from "../http/requestMembers";
import { kmsAccessDeniedViaDynamoDbMessage, type KmsDecision } from "../iam";
import { callerRequestKeys, tableKeyGrant } from "../deploy/stack";
import { changeTableSettings } from "../deploy/tableSettings";
import type { ValidationRules } from "./engine";
import type { OperationContext } from "./operations";
import { describeTableAnswer } from "./tableDescription";

/** The members UpdateTable is served with, in dynalite's terms (API reference, UpdateTable). */
export const UPDATE_TABLE_RULES: ValidationRules = {
  types: {
    TableName: { type: "String", required: true, lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 1024 },
    SSESpecification: {
      type: "FieldStruct<SSESpecification>",
      children: {
        Enabled: { type: "Boolean" },
        SSEType: { type: "String", enum: ["AES256", "KMS"] },
        KMSMasterKeyId: { type: "String" },
      },
    },
    DeletionProtectionEnabled: { type: "Boolean" },
  },
  custom: (data: Record<string, unknown>): string | undefined => {
    if (data.SSESpecification === undefined && data.DeletionProtectionEnabled === undefined) {
      return "At least one of SSESpecification or DeletionProtectionEnabled is required (the settings of UpdateTable the sandbox serves)";
    }
    return undefined;
  },
};

interface SseSpecification {
  readonly Enabled?: boolean;
  readonly SSEType?: string;
  readonly KMSMasterKeyId?: string;
}

export async function updateTable(
  request: Record<string, unknown>,
  context: OperationContext,
): Promise<Record<string, unknown>> {
  const [tableName] = context.tables;
  const table = context.stack.table(tableName);
  const stored = table === undefined ? undefined : await context.engine.describeTable(tableName);
  if (table === undefined || stored === undefined) {
    throw new AwsError(
      "ResourceNotFoundException",
      `Requested resource not found: Table: ${tableName} not found`,
    );
  }
  const sse = request.SSESpecification as SseSpecification | undefined;
  // Everything is checked before anything changes: a refused request leaves the table as it was.
  const newKey = sse === undefined ? undefined : await chosenKey(sse, table, context);
  // Durable first (tableSettings.ts): a change that cannot be stored is not made.
  changeTableSettings(context.stack, table, {
    ...(newKey === undefined ? {} : { keyArn: newKey.keyArn ?? null }),
    ...(typeof request.DeletionProtectionEnabled === "boolean"
      ? { deletionProtection: request.DeletionProtectionEnabled }
      : {}),
  });
  const description = await context.engine.execute("DescribeTable", { TableName: table.name });
  describeTableAnswer(description, context);
  return { TableDescription: description.Table };
}

/**
 * The key an SSESpecification chooses: a customer managed key's ARN, or undefined for the AWS owned or
 * AWS managed key; the caller's permissions on a customer managed key checked.
 */
async function chosenKey(
  sse: SseSpecification,
  table: { readonly name: string; readonly arn: string },
  context: OperationContext,
): Promise<{ readonly keyArn: string | undefined }> {
  if (sse.SSEType !== undefined && sse.SSEType !== "KMS") {
    throw new AwsError(
      "ValidationException",
      `SSESpecification.SSEType: "${sse.SSEType}" is not supported; the only supported value is KMS`,
    );
  }
  if (sse.Enabled !== true) {
    if (sse.KMSMasterKeyId !== undefined) {
      throw new AwsError(
        "ValidationException",
        "SSESpecification.KMSMasterKeyId is given with Enabled false or absent: set Enabled to true and SSEType to KMS to use that key",
      );
    }
    return { keyArn: undefined };
  }
  const keyId = sse.KMSMasterKeyId;
  if (keyId === undefined || /(^|:)alias\/aws\//.test(keyId)) {
    return { keyArn: undefined };
  }
  if (sse.SSEType !== "KMS") {
    throw new AwsError("ValidationException", "SSEType KMS is required if KMSMasterKeyId is specified");
  }
  const { stack, caller } = context;
  const { region, accountId } = stack.model;
  let keyArn: string;
  try {
    keyArn = stack.kms.registry.resolve(keyId, { region, accountId }).arn;
  } catch (err) {
    if (err instanceof AwsError) {
      // As for an item request on a key that is gone: DynamoDB reports KMS's NotFoundException inside
      // its own AccessDeniedException (service.ts).
      refuse({
        allowed: false,
        outcome: "ImplicitlyDenied",
        keyStateError: { code: err.code, message: err.message },
      });
    }
    throw err;
  }
  const { request } = tableKeyGrant(stack.model, table, keyArn);
  for (const [action, grant] of [
    ["kms:DescribeKey", undefined],
    ["kms:CreateGrant", request],
  ] as const) {
    const decision = await stack.authorizer.authorizeKms(caller.arn, action, keyArn, {
      requestKeys: callerRequestKeys(caller),
      viaService: request.viaService,
      ...(grant === undefined ? {} : { grant }),
    });
    if (decision.notModelledKeys !== undefined) {
      throw new AwsError(NOT_MODELLED, decision.message ?? `${action} on ${keyArn} is not modelled`);
    }
    if (!decision.allowed) {
      refuse(decision);
    }
  }
  return { keyArn };
}

function refuse(decision: KmsDecision): never {
  throw new AwsError("AccessDeniedException", kmsAccessDeniedViaDynamoDbMessage(decision, randomUUID()));
}
