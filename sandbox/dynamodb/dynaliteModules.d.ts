/**
 * Types for the parts of dynalite (Apache-2.0, plain JavaScript) the sandbox calls in process: its store
 * (`dynalite/db`), its request validation (`dynalite/validations`) and its operations (`dynalite/actions/*`).
 * Only what the sandbox uses is declared.
 */
declare module "dynalite/db" {
  /** An error dynalite answers with: the HTTP status and AWS's JSON error body. */
  export interface DynaliteError extends Error {
    statusCode?: number;
    body?: { __type: string; message?: string; Message?: string };
  }
  export type DynaliteCallback = (
    err: DynaliteError | null | undefined,
    result?: Record<string, unknown>,
  ) => void;
  export interface DynaliteStore {
    options: Record<string, unknown>;
    /** The LevelDB (classic-level or memory-level) under every table. */
    db: { open(): Promise<void> };
    tableDb: { awsAccountId: string; awsRegion: string };
    getTable(name: string, checkStatus: boolean, cb: DynaliteCallback): void;
    lifecycleManager: { gracefulClose(cb: (err?: Error | null) => void): void };
  }
  /** null when the request's condition (ConditionExpression or Expected) holds for the item, else the error. */
  export function checkConditional(
    data: Record<string, unknown>,
    existingItem: Record<string, unknown> | undefined,
  ): DynaliteError | null;
  export function create(options: {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }): DynaliteStore;
}

declare module "dynalite/validations" {
  import type { DynaliteStore } from "dynalite/db";
  export function checkTypes(data: Record<string, unknown>, types: unknown): Record<string, unknown>;
  export function checkValidations(
    data: Record<string, unknown>,
    types: unknown,
    custom: unknown,
    store: DynaliteStore,
  ): void;
}

declare module "dynalite/validations/*" {
  export const types: unknown;
  export const custom: unknown;
}

declare module "dynalite/actions/*" {
  import type { DynaliteCallback, DynaliteStore } from "dynalite/db";
  const action: (store: DynaliteStore, data: Record<string, unknown>, cb: DynaliteCallback) => void;
  export = action;
}

declare module "dynalite" {
  import type { Server } from "node:http";
  /** dynalite's own HTTP server (the benchmark's baseline). */
  function dynalite(options?: { path?: string; createTableMs?: number; deleteTableMs?: number }): Server;
  export = dynalite;
}
