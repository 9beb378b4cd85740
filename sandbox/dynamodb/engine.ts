/**
 * dynalite as an in-process storage engine. The sandbox must read a request's body before it can verify
 * the signature, so it calls dynalite's validation and operation modules directly over a dynalite store
 * instead of proxying to dynalite's HTTP server: a second HTTP hop would cost about as much as the
 * operation itself (docs/fieldNotes.md). In memory by default; LevelDB in a directory when one is given.
 */
import * as dynaliteDb from "dynalite/db";
import type { DynaliteError, DynaliteStore } from "dynalite/db";
import * as validations from "dynalite/validations";
import batchGetItem from "dynalite/actions/batchGetItem";
import batchWriteItem from "dynalite/actions/batchWriteItem";
import createTable from "dynalite/actions/createTable";
import deleteItem from "dynalite/actions/deleteItem";
import deleteTable from "dynalite/actions/deleteTable";
import describeTable from "dynalite/actions/describeTable";
import getItem from "dynalite/actions/getItem";
import listTables from "dynalite/actions/listTables";
import putItem from "dynalite/actions/putItem";
import query from "dynalite/actions/query";
import scan from "dynalite/actions/scan";
import updateItem from "dynalite/actions/updateItem";
import * as batchGetItemRules from "dynalite/validations/batchGetItem";
import * as batchWriteItemRules from "dynalite/validations/batchWriteItem";
import * as createTableRules from "dynalite/validations/createTable";
import * as deleteItemRules from "dynalite/validations/deleteItem";
import * as deleteTableRules from "dynalite/validations/deleteTable";
import * as describeTableRules from "dynalite/validations/describeTable";
import * as getItemRules from "dynalite/validations/getItem";
import * as listTablesRules from "dynalite/validations/listTables";
import * as putItemRules from "dynalite/validations/putItem";
import * as queryRules from "dynalite/validations/query";
import * as scanRules from "dynalite/validations/scan";
import * as updateItemRules from "dynalite/validations/updateItem";
import { AwsError } from "../errors";

type Action = (store: DynaliteStore, data: Record<string, unknown>, cb: dynaliteDb.DynaliteCallback) => void;

/** dynalite's validation rules for a request: its type declarations and its own checks. */
export interface ValidationRules {
  readonly types: unknown;
  readonly custom?: unknown;
}

interface Operation {
  action: Action;
  rules: ValidationRules;
}

/**
 * The operations of dynalite the sandbox runs, each with its action and validation modules, as
 * dynalite's own index.js pairs them. Which of them clients may call, and how each is authorized, is the
 * DynamoDB operation table's to say (operations.ts); CreateTable and DeleteTable serve deployments only.
 */
const STORE_OPERATIONS = {
  BatchGetItem: { action: batchGetItem, rules: batchGetItemRules },
  BatchWriteItem: { action: batchWriteItem, rules: batchWriteItemRules },
  CreateTable: { action: createTable, rules: createTableRules },
  DeleteItem: { action: deleteItem, rules: deleteItemRules },
  DeleteTable: { action: deleteTable, rules: deleteTableRules },
  DescribeTable: { action: describeTable, rules: describeTableRules },
  GetItem: { action: getItem, rules: getItemRules },
  ListTables: { action: listTables, rules: listTablesRules },
  PutItem: { action: putItem, rules: putItemRules },
  Query: { action: query, rules: queryRules },
  Scan: { action: scan, rules: scanRules },
  UpdateItem: { action: updateItem, rules: updateItemRules },
} satisfies Record<string, Operation>;

/** An operation dynalite runs itself. */
export type StoreOperation = keyof typeof STORE_OPERATIONS;

/** How long apply waits for a table to become ACTIVE or go; dynalite gets there on its next timer tick. */
const TABLE_STATUS_TIMEOUT_MS = 5000;

export class DynaliteEngine {
  private constructor(private readonly store: DynaliteStore) {}

  /**
   * Opens the store: LevelDB under `directory`, or in memory without one. Opening is eager so that a
   * directory another process holds fails here (LEVEL_DATABASE_NOT_OPEN, cause LEVEL_LOCKED), not later.
   */
  static async open(directory?: string): Promise<DynaliteEngine> {
    // Table state changes (CREATING -> ACTIVE) take dynalite 500 ms by default; the sandbox applies a plan
    // and then serves at once, as a finished `pulumi up` leaves tables ACTIVE.
    const store = dynaliteDb.create({
      path: directory,
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
    });
    await store.db.open();
    return new DynaliteEngine(store);
  }

  /** The account and region dynalite writes into the ARNs it returns (TableArn, IndexArn). */
  setAccount(accountId: string, region: string): void {
    this.store.tableDb.awsAccountId = accountId;
    this.store.tableDb.awsRegion = region;
  }

  /** Checks a request's types and values as DynamoDB does; returns the normalized request. */
  validate(operation: StoreOperation, request: Record<string, unknown>): Record<string, unknown> {
    return this.validateWith(STORE_OPERATIONS[operation].rules, request);
  }

  /** Runs a validated request. Throws AwsError with DynamoDB's code, message and status. */
  execute(operation: StoreOperation, validated: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.run(STORE_OPERATIONS[operation].action, validated);
  }

  /**
   * Validates one part of a transaction as the single-item operation it resembles (Put as PutItem, Update
   * as UpdateItem, Delete and ConditionCheck as DeleteItem, Get as GetItem): the same rules apply to its
   * key, item and expressions.
   */
  validatePart(
    operation: "PutItem" | "UpdateItem" | "DeleteItem" | "GetItem",
    request: Record<string, unknown>,
  ): Record<string, unknown> {
    return this.validate(operation, request);
  }

  /** The item stored under `key`, or undefined. */
  async currentItem(
    tableName: string,
    key: Record<string, unknown>,
  ): Promise<Record<string, unknown> | undefined> {
    const result = await this.run(getItem, { TableName: tableName, Key: key, ConsistentRead: true });
    return result.Item as Record<string, unknown> | undefined;
  }

  /** Whether a validated request's condition holds for `existing` (dynalite's own condition evaluation). */
  conditionHolds(validated: Record<string, unknown>, existing: Record<string, unknown> | undefined): boolean {
    return dynaliteDb.checkConditional(validated, existing) === null;
  }

  /** The key attributes of `item` under the table's key schema. */
  async keyOf(tableName: string, item: Record<string, unknown>): Promise<Record<string, unknown>> {
    const table = await this.describeTable(tableName);
    const schema = (table?.KeySchema as { AttributeName: string }[] | undefined) ?? [];
    return Object.fromEntries(schema.map(({ AttributeName }) => [AttributeName, item[AttributeName]]));
  }

  /** Creates a table from a CreateTable request and waits until it is ACTIVE. */
  async createTable(request: Record<string, unknown>): Promise<void> {
    await this.execute("CreateTable", this.validate("CreateTable", request));
    await this.waitFor(String(request.TableName), (table) => table?.TableStatus === "ACTIVE");
  }

  /** Deletes a table and its items, and waits until the name is free again. */
  async deleteTable(tableName: string): Promise<void> {
    await this.execute("DeleteTable", this.validate("DeleteTable", { TableName: tableName }));
    await this.waitFor(tableName, (table) => table === undefined);
  }

  /** The table's description as dynalite keeps it, or undefined when there is no such table. */
  describeTable(tableName: string): Promise<Record<string, unknown> | undefined> {
    return new Promise((resolve, reject) => {
      this.store.getTable(tableName, false, (err, table) => {
        if (err) {
          if (err.name === "NotFoundError") {
            resolve(undefined);
          } else {
            reject(err);
          }
        } else {
          resolve(table);
        }
      });
    });
  }

  /** Waits for pending writes, then closes the store (and LevelDB's files). */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.store.lifecycleManager.gracefulClose((err) => (err ? reject(err) : resolve()));
    });
  }

  private async waitFor(
    tableName: string,
    done: (table: Record<string, unknown> | undefined) => boolean,
  ): Promise<void> {
    const deadline = Date.now() + TABLE_STATUS_TIMEOUT_MS;
    while (!done(await this.describeTable(tableName))) {
      if (Date.now() > deadline) {
        throw new Error(
          `table ${tableName} did not reach the expected status in ${TABLE_STATUS_TIMEOUT_MS} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * Checks a request against `rules` written in dynalite's terms (validations/*.js), with dynalite's
   * wording for what fails: how an operation dynalite lacks validates its request as DynamoDB does.
   */
  validateWith(rules: ValidationRules, request: Record<string, unknown>): Record<string, unknown> {
    try {
      const typed = validations.checkTypes(request, rules.types);
      validations.checkValidations(typed, rules.types, rules.custom, this.store);
      return typed;
    } catch (err) {
      throw toAwsError(err as DynaliteError);
    }
  }

  private run(action: Action, validated: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      action(this.store, validated, (err, result) => {
        if (err) {
          reject(toAwsError(err));
        } else {
          resolve(result ?? {});
        }
      });
    });
  }
}

/** dynalite's errors carry AWS's JSON body; anything else is the engine failing (HTTP 500). */
function toAwsError(err: DynaliteError): Error {
  if (err.statusCode === undefined || err.body === undefined) {
    return err;
  }
  const code = err.body.__type.slice(err.body.__type.indexOf("#") + 1);
  return new AwsError(code, err.body.message ?? err.body.Message ?? "", err.statusCode);
}
