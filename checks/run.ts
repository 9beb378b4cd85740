/**
 * Runs the data-access checks: for each user of the stack, with only that user's access key and fresh
 * clients, the calls of OPERATIONS against the stack's table, each compared with what the stack's intent
 * says it should do (expectations.ts). Every item written is deleted again, even when calls fail.
 */
import { randomInt, randomUUID } from "node:crypto";
import {
  DeleteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { isSessionOf } from "../infra/assumedRole";
import { stackPrincipals, type StackOutputs, type StackPrincipal } from "../infra/outputs";
import { PRINCIPAL_KINDS } from "../infra/principal";
import { classifyError } from "./classify";
import { UserError } from "../common/userError";
import {
  createClients,
  createUserClients,
  DEFAULT_CLIENT_TIMEOUTS,
  type ClientTimeouts,
  type UserClients,
} from "./clients";
import { expectedOutcome } from "./expectations";
import { checkItemKey, dataAttributeName, describeKey, keySchemaOf, type TableKeySchema } from "./item";
import { secretRedactor, type Redactor } from "./redact";
import { tableNameFor } from "./tableName";
import { withCredentialRetry, type CredentialState } from "./retry";
import type { CheckReport, CheckResult, Operation, RetryOptions } from "./types";

export interface RunChecksOptions {
  outputs: StackOutputs;
  /** The AWS endpoint for every call (the sandbox's URL); default the SDK's (AWS, or AWS_ENDPOINT_URL). */
  endpoint?: string;
  /** Progress lines, secrets removed. */
  log?: (line: string) => void;
  retry?: RetryOptions;
  /** Per-call and whole-run bounds; default DEFAULT_CLIENT_TIMEOUTS. */
  timeouts?: Partial<ClientTimeouts>;
  /**
   * Whether the key can be used (default true). False when it is disabled or scheduled for deletion:
   * every item call is then expected to be stopped by KMS (expectations.ts).
   */
  keyUsable?: boolean;
}

/** The run passed its total bound: the endpoint is not answering. One line, exit 2. */
export class ChecksTimeoutError extends UserError {}

interface UserSession {
  /** The principal the calls run as (infra/principal.ts), with its declared intent. */
  principal: StackPrincipal;
  index: number;
  /** For a principal that acts through sessions: why no trusted user could assume it, when none could. */
  unavailable?: string;
  clients: UserClients;
  credentials: CredentialState;
  results: CheckResult[];
}

/** What a call returns on success: a short note for the report, or nothing. */
type Call = () => Promise<string | undefined>;

/**
 * Runs the checks within `timeouts.totalMs`, and stops sooner when the endpoint gives no answer at all
 * (no HTTP response to any call) within `timeouts.firstAnswerMs`: an endpoint that accepts connections and
 * never answers is found on the first call, not after every call's attempts time out. Either way every
 * client is destroyed (which ends the calls in flight) and the run fails with ChecksTimeoutError, without
 * waiting for the clean-up of items.
 */
export async function runChecks(options: RunChecksOptions): Promise<CheckReport> {
  const timeouts = { ...DEFAULT_CLIENT_TIMEOUTS, ...options.timeouts };
  const where = options.endpoint ?? "the AWS endpoint";
  const timers: NodeJS.Timeout[] = [];
  const sessions: UserSession[] = [];
  let answered: () => void = () => undefined;
  const stop = new Promise<never>((_, reject) => {
    const stopWith = (message: string) => {
      sessions.forEach((session) => session.clients.destroy());
      reject(new ChecksTimeoutError(message));
    };
    timers.push(
      setTimeout(
        () =>
          stopWith(
            `the checks did not finish within ${timeouts.totalMs / 1000} s: ${where} accepts connections but does not answer`,
          ),
        timeouts.totalMs,
      ),
    );
    const silence = setTimeout(
      () =>
        stopWith(
          `${where} accepts connections but did not answer the first call within ${timeouts.firstAnswerMs / 1000} s: is it the endpoint of the stack?`,
        ),
      timeouts.firstAnswerMs,
    );
    timers.push(silence);
    answered = () => clearTimeout(silence);
  });
  const watched = (clients: UserClients): UserClients => Object.assign(clients, { onAnswer: answered });
  // The principals that sign with their own key run at once; those that act through sessions (roles) are
  // assumed first, with the run's id (runSessions).
  sessions.push(
    ...stackPrincipals(options.outputs)
      .filter((principal) => PRINCIPAL_KINDS[principal.kind].actsAs === "itself")
      .map((principal, index) => ({
        principal,
        index,
        clients: watched(
          createUserClients(keyOf(principal), options.outputs.region, options.endpoint, timeouts),
        ),
        credentials: { refusedAfterRetries: false },
        results: [],
      })),
  );
  const run = runSessions({ ...options, watched }, sessions);
  // A run cut off by a bound still settles (its calls fail once the clients are destroyed).
  run.catch(() => undefined);
  try {
    return await Promise.race([run, stop]);
  } finally {
    timers.forEach((timer) => clearTimeout(timer));
  }
}

/** The run's options, with how its clients report the endpoint's answers. */
type SessionOptions = RunChecksOptions & { watched: (clients: UserClients) => UserClients };

async function runSessions(options: SessionOptions, sessions: UserSession[]): Promise<CheckReport> {
  const { outputs } = options;
  const redact = secretRedactor(outputs);
  const log = (line: string) => options.log?.(redact(line));
  const run = { id: randomUUID(), number: randomInt(100_000_000_000, 1_000_000_000_000) };
  // Roles run as sessions assumed with a trusted user's key (AssumeRole needs the run's id and log).
  const signers = sessions.map((session) => session.principal);
  const assumed = stackPrincipals(outputs).filter(
    (principal) => PRINCIPAL_KINDS[principal.kind].actsAs === "session",
  );
  for (const [offset, principal] of assumed.entries()) {
    sessions.push(
      await roleSession(principal, signers, signers.length + offset, outputs, options, run.id, log),
    );
  }
  const written = new Map<UserSession, Record<string, AttributeValue>>();
  let schema: TableKeySchema | undefined;
  try {
    log(
      `checks ${run.id.slice(0, 8)}: ${sessions.length} user(s), table ${outputs.tableName} in ${outputs.region}${options.endpoint ? ` at ${options.endpoint}` : ""}`,
    );
    let schemaError = "no user could describe the table";
    for (const session of sessions) {
      const { name, kind, intent, accessKey } = session.principal;
      log(
        `${name} (${kind}, ${intent.dynamodbAccess}, ${intent.keyUser ? "key user" : "not a key user"}): checking${accessKey !== undefined ? ` with access key ${accessKey.accessKeyId}` : ` as a ${kind} session`}`,
      );
      await check(session, "GetCallerIdentity", options, log, async () => {
        const identity = await session.clients.sts.send(new GetCallerIdentityCommand({}));
        const { name, kind, arn } = session.principal;
        if (!runsAs(session, String(identity.Arn))) {
          throw new IdentityMismatch(
            `runs as ${String(identity.Arn)}, but the stack outputs say ${PRINCIPAL_KINDS[kind].stackKey}.${name}.arn is ${arn}`,
          );
        }
        log(`${name}: running as ${identity.Arn} (account ${String(identity.Account)})`);
        return identity.Arn;
      });
      await check(session, "DescribeTable", options, log, async () => {
        const { Table } = await session.clients.dynamodb.send(
          new DescribeTableCommand({ TableName: tableNameFor(session.principal, outputs) }),
        );
        if (!schema && Table) {
          try {
            schema = keySchemaOf(Table);
          } catch (err) {
            schemaError = (err as Error).message;
          }
        }
        return Table ? describeTable(Table) : undefined;
      });
    }
    for (const session of sessions) {
      await checkItem(session, schema, schemaError, run, written, options, log);
      const matched = session.results.filter((result) => result.actual === result.expected).length;
      log(`${session.principal.name}: ${matched} of ${session.results.length} as expected`);
    }
  } finally {
    if (schema) {
      await removeLeftovers(sessions, written, outputs, log);
    }
    for (const session of sessions) {
      session.clients.destroy();
    }
  }
  const results = sessions.flatMap((session) =>
    session.results.map((result) => redactResult(result, redact)),
  );
  return { ok: results.every((result) => result.actual === result.expected), results };
}

/**
 * A principal that acts through sessions (a role) is checked as a session: assumed (STS AssumeRole) with
 * the key of the first principal its trust policy lets in, trying the stack's signers in order; the
 * outputs do not say which ones it trusts.
 */
async function roleSession(
  principal: StackPrincipal,
  signers: readonly StackPrincipal[],
  index: number,
  outputs: StackOutputs,
  options: SessionOptions,
  runId: string,
  log: (line: string) => void,
): Promise<UserSession> {
  const session: Omit<UserSession, "clients"> = {
    principal,
    index,
    credentials: { refusedAfterRetries: false },
    results: [],
  };
  const refusals: string[] = [];
  const timeouts = { ...DEFAULT_CLIENT_TIMEOUTS, ...options.timeouts };
  for (const signer of signers) {
    const clients = options.watched(
      createUserClients(keyOf(signer), outputs.region, options.endpoint, timeouts),
    );
    try {
      const { Credentials } = await clients.sts.send(
        new AssumeRoleCommand({
          RoleArn: principal.arn,
          RoleSessionName: `kms-dynamodb-checks-${runId.slice(0, 8)}`,
        }),
      );
      if (Credentials?.AccessKeyId && Credentials.SecretAccessKey && Credentials.SessionToken) {
        log(`${principal.name}: assumed with ${signer.name}'s key`);
        return {
          ...session,
          clients: options.watched(
            createClients(
              {
                accessKeyId: Credentials.AccessKeyId,
                secretAccessKey: Credentials.SecretAccessKey,
                sessionToken: Credentials.SessionToken,
              },
              outputs.region,
              options.endpoint,
              timeouts,
            ),
          ),
        };
      }
    } catch (err) {
      refusals.push(`${signer.name}: ${classifyError(err).error ?? String(err)}`);
    } finally {
      clients.destroy();
    }
  }
  return {
    ...session,
    unavailable: `no user of the stack could assume the ${principal.kind} (${refusals.join("; ")})`,
    clients: options.watched(
      createUserClients(keyOf(signers[0]), outputs.region, options.endpoint, timeouts),
    ),
  };
}

/** The access key a principal signs with; the outputs give every user one (infra/outputs.ts). */
function keyOf(principal: StackPrincipal): { accessKeyId: string; secretAccessKey: string } {
  if (principal.accessKey === undefined) {
    throw new Error(`${principal.kind} ${principal.name} has no access key in the stack outputs`);
  }
  return principal.accessKey;
}

/** Whether GetCallerIdentity's ARN is the principal's: the user itself, or a session of the role. */
function runsAs(session: UserSession, arn: string): boolean {
  const principal = session.principal;
  return PRINCIPAL_KINDS[principal.kind].actsAs === "session"
    ? isSessionOf(arn, principal.arn)
    : arn === principal.arn;
}

/** Not an AWS error: no trusted user could assume the role, so none of its calls ran. */
class RoleUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RoleUnavailable";
  }
}

/** Not an AWS error: the key works but belongs to someone else than the outputs say. */
class IdentityMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IdentityMismatch";
  }
}

async function checkItem(
  session: UserSession,
  schema: TableKeySchema | undefined,
  schemaError: string,
  run: { id: string; number: number },
  written: Map<UserSession, Record<string, AttributeValue>>,
  options: RunChecksOptions,
  log: (line: string) => void,
): Promise<void> {
  const itemOperations: Operation[] = ["PutItem", "GetItem", "Query", "UpdateItem", "DeleteItem"];
  if (!schema) {
    for (const operation of itemOperations) {
      session.results.push({
        user: session.principal.name,
        principalKind: session.principal.kind,
        operation,
        expected: expectedOutcome(session.principal.intent, operation, options.keyUsable),
        actual: "error",
        error: `not run: the table's key schema is unknown (${schemaError})`,
      });
    }
    return;
  }
  const TableName = tableNameFor(session.principal, options.outputs);
  const Key = checkItemKey(schema, run, session.index);
  const data = dataAttributeName(schema);
  const dynamodb = session.clients.dynamodb;
  const markWritten = (result: CheckResult) => {
    // A call that errored may still have written: only a denial proves it did not.
    if (!result.actual.startsWith("denied")) {
      written.set(session, Key);
    }
  };
  markWritten(
    await check(session, "PutItem", options, log, async () => {
      await dynamodb.send(
        new PutItemCommand({
          TableName,
          Item: { ...Key, [data]: { S: `written by ${session.principal.name} (checks run ${run.id})` } },
        }),
      );
      return describeKey(Key);
    }),
  );
  await check(session, "GetItem", options, log, async () => {
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));
    return Item ? "item found" : "no item";
  });
  await check(session, "Query", options, log, async () => {
    const { Count } = await dynamodb.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: "#hash = :hash",
        ExpressionAttributeNames: { "#hash": schema.hash.name },
        ExpressionAttributeValues: { ":hash": Key[schema.hash.name] },
        ConsistentRead: true,
      }),
    );
    return `${Count ?? 0} item(s)`;
  });
  markWritten(
    await check(session, "UpdateItem", options, log, async () => {
      await dynamodb.send(
        new UpdateItemCommand({
          TableName,
          Key,
          UpdateExpression: "SET #data = :data",
          ExpressionAttributeNames: { "#data": data },
          ExpressionAttributeValues: {
            ":data": { S: `updated by ${session.principal.name} (checks run ${run.id})` },
          },
        }),
      );
      return undefined;
    }),
  );
  const deleted = await check(session, "DeleteItem", options, log, async () => {
    await dynamodb.send(new DeleteItemCommand({ TableName, Key }));
    return undefined;
  });
  if (deleted.actual === "allowed") {
    written.delete(session);
  }
}

/** Sends one call (retrying an unrecognised key), classifies the outcome and records the result. */
async function check(
  session: UserSession,
  operation: Operation,
  options: RunChecksOptions,
  log: (line: string) => void,
  call: Call,
): Promise<CheckResult> {
  const unavailable = session.unavailable;
  const outcome =
    unavailable === undefined
      ? await withCredentialRetry(call, {
          retry: options.retry,
          state: session.credentials,
          onRetry: (line) => log(`${session.principal.name}: ${operation}: ${line}`),
        })
      : { error: new RoleUnavailable(unavailable), attempts: 1, value: undefined };
  const result: CheckResult = {
    user: session.principal.name,
    principalKind: session.principal.kind,
    operation,
    expected: expectedOutcome(session.principal.intent, operation, options.keyUsable),
    actual: "allowed",
  };
  if (outcome.error === undefined) {
    if (outcome.value !== undefined) {
      result.detail = outcome.value;
    }
  } else {
    const classified = classifyError(outcome.error);
    result.actual = classified.actual;
    result.error = classified.error;
    if (classified.stoppedBy) {
      result.stoppedBy = classified.stoppedBy;
    }
  }
  if (outcome.attempts > 1) {
    result.attempts = outcome.attempts;
  }
  session.results.push(result);
  return result;
}

function describeTable(table: TableDescription): string {
  const sse = table.SSEDescription;
  const encryption = sse ? `SSE ${sse.Status ?? "?"} ${sse.SSEType ?? ""}`.trim() : "no SSEDescription";
  return `${table.TableStatus ?? "?"}, ${encryption}`;
}

/**
 * Deletes the items a user wrote but could not delete itself, as any user whose own DeleteItem was
 * allowed in this run. What no one can delete is named in the log, to be removed by hand.
 */
async function removeLeftovers(
  sessions: UserSession[],
  written: Map<UserSession, Record<string, AttributeValue>>,
  outputs: StackOutputs,
  log: (line: string) => void,
): Promise<void> {
  const { tableName } = outputs;
  const deleters = sessions.filter((session) =>
    session.results.some((result) => result.operation === "DeleteItem" && result.actual === "allowed"),
  );
  for (const [owner, Key] of written) {
    let removed = false;
    for (const deleter of deleters) {
      try {
        await deleter.clients.dynamodb.send(
          new DeleteItemCommand({ TableName: tableNameFor(deleter.principal, outputs), Key }),
        );
        log(
          `cleanup: deleted ${owner.principal.name}'s check item (${describeKey(Key)}) as ${deleter.principal.name}`,
        );
        removed = true;
        break;
      } catch (err) {
        log(
          `cleanup: ${deleter.principal.name} could not delete ${owner.principal.name}'s check item: ${classifyError(err).error}`,
        );
      }
    }
    if (!removed) {
      log(
        `cleanup: ${owner.principal.name}'s check item may remain in ${tableName} (${describeKey(Key)}): no user could delete it; remove it by hand`,
      );
    }
  }
}

function redactResult(result: CheckResult, redact: Redactor): CheckResult {
  return {
    ...result,
    ...(result.error !== undefined ? { error: redact(result.error) } : {}),
    ...(result.detail !== undefined ? { detail: redact(result.detail) } : {}),
  };
}
