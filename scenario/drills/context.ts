/**
 * What the lifecycle drills share: the scenario's step runner, the sandbox (on its simulated clock),
 * the deploying identity's KMS client (the key administrator), fresh checks as each user, and how long
 * each thing would take on AWS.
 */
import {
  DescribeTableCommand,
  GetItemCommand,
  type AttributeValue,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import { classifyError, runChecks } from "../../checks";
import { createUserClients, type UserClients } from "../../checks/clients";
import { formatCheckTable } from "../../checks/format";
import { waitForChecks } from "../../checks/wait";
import type { CheckReport } from "../../checks/types";
import type { StackOutputs } from "../../infra/outputs";
import type { Plan } from "../../plan/types";
import type { Sandbox } from "../../sandbox";

export type Notes = string[];

export interface DrillContext {
  /** Runs one numbered step of the scenario; it fails the scenario when `body` answers false. */
  step(title: string, body: (notes: Notes) => Promise<boolean>): Promise<void>;
  /** Prints a line under the current step and keeps it in the step's notes. */
  say(notes: Notes, line: string): void;
  /** Adds a phase (contracts.md section 5) to the report. */
  addPhase(name: string, report: CheckReport): void;
  sandbox: Sandbox;
  projectDir: string;
  /** The plan deployed last. */
  plan: Plan;
  /** The check results of the phase before the drills (after the grant). */
  lastChecks: CheckReport;
  /** Whether app-user still reads the item written before the grant. */
  seedReadable(): Promise<boolean>;
}

/** The key administrator: the deploying identity, whose key the sandbox gives the drills. */
export function keyAdministrator(sandbox: Sandbox, region: string): KMSClient {
  const { accessKeyId, secretAccessKey } = sandbox.deployerCredentials();
  return new KMSClient({ region, endpoint: sandbox.endpoint, credentials: { accessKeyId, secretAccessKey } });
}

/** The checks as each user on fresh connections; `keyUsable` false when the key is disabled or pending deletion. */
export async function checkPhase(
  context: DrillContext,
  notes: Notes,
  name: string,
  keyUsable: boolean,
): Promise<CheckReport> {
  const report = await runChecks({
    outputs: context.sandbox.outputs(),
    endpoint: context.sandbox.endpoint,
    keyUsable,
  });
  context.addPhase(name, report);
  context.say(notes, formatCheckTable(report));
  context.lastChecks = report;
  return report;
}

/**
 * --wait-for-revoke on the simulated clock: each pause between runs moves the sandbox's clock instead
 * of sleeping, so the wait costs what the checks cost.
 */
export async function waitOnSimulatedClock(
  context: DrillContext,
  notes: Notes,
  name: string,
): Promise<CheckReport> {
  const { sandbox } = context;
  const report = await waitForChecks({
    outputs: sandbox.outputs(),
    endpoint: sandbox.endpoint,
    direction: "revoke",
    baseline: context.lastChecks,
    now: () => sandbox.clock.now(),
    sleep: (ms) => sandbox.advanceClock(ms),
    log: (line) => {
      if (line.startsWith("wait-for-revoke")) {
        context.say(notes, line);
      }
    },
  });
  context.addPhase(name, report);
  context.say(notes, formatCheckTable(report));
  context.lastChecks = report;
  return report;
}

/** The table as DynamoDB describes it (status, SSEDescription, ArchivalSummary). */
export async function describeTable(context: DrillContext): Promise<TableDescription> {
  return asUser(context, "app-user", async (clients) => {
    const outputs = context.sandbox.outputs();
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: outputs.tableName }));
    if (Table === undefined) {
      throw new Error(`DescribeTable ${outputs.tableName} answered no table`);
    }
    return Table;
  });
}

export function tableLine(table: TableDescription): string {
  const since = table.SSEDescription?.InaccessibleEncryptionDateTime;
  return `table ${table.TableName ?? "?"}: ${table.TableStatus ?? "?"}${since ? ` (InaccessibleEncryptionDateTime ${since.toISOString()})` : ""}`;
}

/** Runs `use` with fresh clients of one user of the stack, closed afterwards. */
export async function asUser<T>(
  context: DrillContext,
  user: string,
  use: (clients: UserClients) => Promise<T>,
): Promise<T> {
  const outputs: StackOutputs = context.sandbox.outputs();
  const clients = createUserClients(outputs.users[user], outputs.region, context.sandbox.endpoint);
  try {
    return await use(clients);
  } finally {
    clients.destroy();
  }
}

/** A GetItem that needs no item to exist: whether the caller gets the table key, classified as the checks do. */
export async function probeRead(
  clients: UserClients,
  tableName: string,
  key: Record<string, AttributeValue>,
): Promise<string> {
  try {
    await clients.dynamodb.send(new GetItemCommand({ TableName: tableName, Key: key }));
    return "allowed";
  } catch (err) {
    return classifyError(err).actual;
  }
}

/** "5 minutes", "7 days": how long something takes, for people. */
export function duration(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 120) {
    return `${Math.round(minutes)} minute${Math.round(minutes) === 1 ? "" : "s"}`;
  }
  const days = ms / 86_400_000;
  return days < 2 ? `${Math.round(minutes / 60)} hours` : `${Math.round(days)} days`;
}
