/**
 * TransactWriteItems and TransactGetItems, which dynalite does not implement, over its store: each part is
 * validated as the single-item operation it resembles, authorized with that part's own IAM action and the
 * table key's KMS check, and the writes are all-or-nothing (DynamoDB developer guide, "Amazon DynamoDB
 * Transactions: how it works"; API reference, TransactWriteItems and TransactGetItems).
 *
 * All-or-nothing here: every condition is checked against the current items before anything is written; if
 * one fails the request is cancelled (TransactionCanceledException with one CancellationReason per part,
 * in order) and nothing changes; if a write then fails, the parts already written are restored from the
 * items read first. Transactions run one at a time; single-item writes are not held back meanwhile
 * (DynamoDB's own isolation between a transaction and a concurrent PutItem is not modelled).
 */
import { AwsError } from "../errors";
import type { DynaliteEngine } from "./engine";

/** TransactItems holds 1 to 100 parts (API reference, TransactWriteItems, TransactItems). */
const MAX_PARTS = 100;

type PartKind = "Put" | "Update" | "Delete" | "ConditionCheck" | "Get";

/** One validated part, with what authorizing it needs. */
export interface TransactionPart {
  readonly kind: PartKind;
  readonly tableName: string;
  /** The IAM action this part needs (DynamoDB developer guide, "Using IAM with DynamoDB transactions"). */
  readonly action: string;
  readonly validated: Record<string, unknown>;
  readonly returnOldOnFailure: boolean;
}

/** The single-item operation whose rules validate each kind of part. */
const SINGLE_ITEM_RULES = {
  Put: "PutItem",
  Update: "UpdateItem",
  Delete: "DeleteItem",
  ConditionCheck: "DeleteItem",
  Get: "GetItem",
} as const;

function isPartKind(kind: string): kind is PartKind {
  return Object.hasOwn(SINGLE_ITEM_RULES, kind);
}

/**
 * Parses and validates a TransactWriteItems or TransactGetItems request into its parts. `actions` names
 * the kinds of part the operation takes and the IAM action of each (the operation table's `iam.parts`).
 */
export async function transactionParts(
  engine: DynaliteEngine,
  actions: Readonly<Record<string, string>>,
  request: Record<string, unknown>,
): Promise<TransactionPart[]> {
  const items = request.TransactItems;
  if (!Array.isArray(items) || items.length === 0) {
    throw validation("transactItems", "Member must have length greater than or equal to 1");
  }
  if (items.length > MAX_PARTS) {
    throw validation("transactItems", `Member must have length less than or equal to ${MAX_PARTS}`);
  }
  const kinds = Object.keys(actions).filter(isPartKind);
  const parts: TransactionPart[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of items.entries()) {
    const present = kinds.filter((kind) => isRecord(entry) && isRecord(entry[kind]));
    if (present.length !== 1) {
      throw new AwsError(
        "ValidationException",
        `TransactItems[${index}] must hold exactly one of ${kinds.join(", ")}`,
      );
    }
    const kind = present[0];
    const { ReturnValuesOnConditionCheckFailure: returnValues, ...body } = (entry as Record<string, unknown>)[
      kind
    ] as Record<string, unknown>;
    if (kind === "ConditionCheck" && typeof body.ConditionExpression !== "string") {
      throw new AwsError("ValidationException", "ConditionCheck requires a ConditionExpression");
    }
    const validated = engine.validatePart(SINGLE_ITEM_RULES[kind], body);
    const tableName = String(validated.TableName);
    const key =
      kind === "Put"
        ? await engine.keyOf(tableName, validated.Item as Record<string, unknown>)
        : validated.Key;
    const identity = `${tableName}\n${JSON.stringify(key)}`;
    if (seen.has(identity)) {
      throw new AwsError(
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
      );
    }
    seen.add(identity);
    parts.push({
      kind,
      tableName,
      action: actions[kind],
      validated: { ...validated, Key: key },
      returnOldOnFailure: returnValues === "ALL_OLD",
    });
  }
  return parts;
}

/**
 * Runs the write parts all-or-nothing. Serialized: `queue` is the engine's transaction lock, kept by the
 * caller, so two transactions never interleave their check and write phases.
 */
export async function executeWrite(engine: DynaliteEngine, parts: readonly TransactionPart[]): Promise<void> {
  const before = await Promise.all(
    parts.map((part) => engine.currentItem(part.tableName, part.validated.Key as Record<string, unknown>)),
  );
  const reasons = parts.map((part, index) =>
    engine.conditionHolds(part.validated, before[index])
      ? { Code: "None" }
      : {
          Code: "ConditionalCheckFailed",
          Message: "The conditional request failed",
          ...(part.returnOldOnFailure && before[index] !== undefined ? { Item: before[index] } : {}),
        },
  );
  if (reasons.some((reason) => reason.Code !== "None")) {
    throw cancelled(reasons);
  }
  const written: number[] = [];
  try {
    for (const [index, part] of parts.entries()) {
      if (part.kind === "ConditionCheck") {
        continue;
      }
      const { Key: key, ...withoutKey } = part.validated;
      const operation =
        part.kind === "Put" ? "PutItem" : part.kind === "Update" ? "UpdateItem" : "DeleteItem";
      await engine.execute(operation, part.kind === "Put" ? withoutKey : { ...withoutKey, Key: key });
      written.push(index);
    }
  } catch (err) {
    // Restore, newest first, what the parts already written changed.
    for (const index of written.reverse()) {
      const part = parts[index];
      const old = before[index];
      if (old === undefined) {
        await engine.execute(
          "DeleteItem",
          engine.validatePart("DeleteItem", { TableName: part.tableName, Key: part.validated.Key }),
        );
      } else {
        await engine.execute(
          "PutItem",
          engine.validatePart("PutItem", { TableName: part.tableName, Item: old }),
        );
      }
    }
    throw err;
  }
}

/** Reads every Get part; TransactGetItems answers one response per part, in order. */
export async function executeGet(
  engine: DynaliteEngine,
  parts: readonly TransactionPart[],
): Promise<Record<string, unknown>> {
  const responses = await Promise.all(
    parts.map(async (part) => {
      const { Key: key, ...rest } = part.validated;
      const result = await engine.execute("GetItem", { ...rest, Key: key, ConsistentRead: true });
      return result.Item === undefined ? {} : { Item: result.Item };
    }),
  );
  return { Responses: responses };
}

/** API reference, TransactWriteItems, TransactionCanceledException: the reasons, one per part in order. */
function cancelled(reasons: readonly Record<string, unknown>[]): AwsError {
  return new AwsError(
    "TransactionCanceledException",
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => String(reason.Code)).join(", ")}]`,
    400,
    { CancellationReasons: reasons },
  );
}

function validation(member: string, constraint: string): AwsError {
  return new AwsError(
    "ValidationException",
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
