/**
 * One pair of SDK clients per user per run, each with its own HTTP agents, so no run reuses another's
 * keep-alive connection. DynamoDB caches a caller's decrypted table key and asks KMS again (checking the key
 * policy anew) only after about five minutes of inactivity
 * (https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html, "Table key"); the project's
 * field notes (docs/fieldNotes.md) put that cache per connection. A fresh connection per run is the part the
 * checks control; the rest is waited out with `--wait-for-grant` (wait.ts).
 */
import http from "node:http";
import https from "node:https";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { STSClient } from "@aws-sdk/client-sts";
import type { DeserializeMiddleware } from "@smithy/types";
import type { AccessKeyOutputs } from "../infra/outputs";

export interface UserClients {
  dynamodb: DynamoDBClient;
  sts: STSClient;
  /** Closes both clients' sockets. */
  destroy(): void;
  /**
   * Called when the endpoint answers a call (any HTTP response, an AWS error included): how a run tells
   * an endpoint that answers from one that accepts connections and says nothing (run.ts).
   */
  onAnswer?: () => void;
}

/**
 * Bounds on every call, so an endpoint that accepts connections and never answers cannot hang a run.
 * `connectionMs` and `requestMs` are NodeHttpHandler's connectionTimeout and requestTimeout; `maxAttempts` is
 * the SDK's retry bound (its default is 3: "Retry behavior", AWS SDKs and Tools Reference Guide,
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 */
export interface ClientTimeouts {
  connectionMs: number;
  requestMs: number;
  maxAttempts: number;
  /** The bound of a whole check run (run.ts). */
  totalMs: number;
  /**
   * The bound on the endpoint's first answer: a run in which no call got any answer by then stops
   * (run.ts), well within a minute, rather than after every call's attempts time out one by one.
   */
  firstAnswerMs: number;
}

export const DEFAULT_CLIENT_TIMEOUTS: ClientTimeouts = {
  connectionMs: 5_000,
  requestMs: 30_000,
  maxAttempts: 3,
  totalMs: 300_000,
  firstAnswerMs: 20_000,
};

export function createUserClients(
  user: AccessKeyOutputs,
  region: string,
  endpoint?: string,
  timeouts: ClientTimeouts = DEFAULT_CLIENT_TIMEOUTS,
): UserClients {
  return createClients(
    { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
    region,
    endpoint,
    timeouts,
  );
}

/** Clients for given credentials: a user's key, or a role session's temporary credentials (with its token). */
export function createClients(
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  region: string,
  endpoint?: string,
  timeouts: ClientTimeouts = DEFAULT_CLIENT_TIMEOUTS,
): UserClients {
  const base = {
    region,
    maxAttempts: timeouts.maxAttempts,
    // Only these credentials: never the environment's or a profile's.
    credentials,
    // Without an explicit endpoint the SDK itself honours AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_DYNAMODB, …_STS).
    ...(endpoint ? { endpoint } : {}),
  };
  const agents = () => ({
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
    connectionTimeout: timeouts.connectionMs,
    requestTimeout: timeouts.requestMs,
    // Without it a request past requestTimeout is only logged as a warning and keeps waiting
    // (@smithy/types NodeHttpHandlerOptions.throwOnRequestTimeout).
    throwOnRequestTimeout: true,
  });
  const dynamodb = new DynamoDBClient({ ...base, requestHandler: agents() });
  const sts = new STSClient({ ...base, requestHandler: agents() });
  const clients: UserClients = {
    dynamodb,
    sts,
    destroy() {
      // NodeHttpHandler.destroy() destroys the agents handed to it as well.
      dynamodb.destroy();
      sts.destroy();
    },
  };
  const where = { step: "deserialize", name: "kmsDynamodbChecksAnswerWatch" } as const;
  dynamodb.middlewareStack.add(answerWatch(clients), where);
  sts.middlewareStack.add(answerWatch(clients), where);
  return clients;
}

/**
 * Reports the endpoint's answers to `clients.onAnswer`, per attempt (the deserialize step runs inside the
 * retries): an HTTP response of any status is an answer; a timeout or a refused connection is not.
 */
function answerWatch<I extends object, O extends object>(clients: UserClients): DeserializeMiddleware<I, O> {
  return (next) => async (args) => {
    try {
      const output = await next(args);
      clients.onAnswer?.();
      return output;
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined) {
        clients.onAnswer?.();
      }
      throw err;
    }
  };
}
