/**
 * The sandbox's one HTTP endpoint on 127.0.0.1, for every service, so a single AWS_ENDPOINT_URL serves
 * all clients. Requests are routed the way AWS's protocols identify them: `X-Amz-Target:
 * DynamoDB_20120810.<Op>` (JSON 1.0), `X-Amz-Target: TrentService.<Op>` (KMS, JSON 1.1), and a
 * form-encoded POST with `Action=` (STS query protocol).
 *
 * Each request is read whole (bounded), its SigV4 signature verified, then dispatched in process.
 * Faults stay with the request that caused them: an oversize body is answered 413 and its connection
 * closed; a slow or truncated request is cut off by Node's request timeout (408); the others are served.
 */
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { isDynamoOperation, type DynamoOperation } from "./dynamodb/engine";
import type { DynamoDbService } from "./dynamodb/service";
import { AwsError } from "./errors";
import { KMS_OPERATIONS, type KmsOperation } from "./kms";
import { errorReply, jsonReply, queryReply, type Protocol, type Reply } from "./protocols";
import { headerValue, INVALID_TOKEN, SigV4Verifier, type ReceivedRequest } from "./sigv4";
import type { Caller, DeployedStack } from "./stack";
import { handleSts, queryAction } from "./sts";

export interface ServerOptions {
  /** 0 (default) for an ephemeral port. */
  port?: number;
  /** Largest request body accepted; DynamoDB's own limit is 16 MB per request. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Time allowed to receive a whole request, headers and body. Default 30 s. */
  requestTimeoutMs?: number;
  /** One line per request: method, operation, status, time, caller. Never secrets. */
  log?: (line: string) => void;
}

export interface ServerContext {
  /** The deployed stack requests run against; undefined until a plan is applied. */
  stack(): DeployedStack | undefined;
  dynamodb: DynamoDbService;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810.";
const KMS_TARGET_PREFIX = "TrentService.";

type Route =
  | { protocol: "dynamodb"; operation: DynamoOperation }
  | { protocol: "kms"; operation: KmsOperation }
  | { protocol: "sts" };

/** The AWS error each protocol uses for a failure of the sandbox itself (HTTP 500). */
const INTERNAL_ERROR_CODES: Record<Protocol, string> = {
  dynamodb: "InternalServerError",
  kms: "KMSInternalException",
  sts: "InternalFailure",
};

export class SandboxServer {
  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  static async listen(context: ServerContext, options: ServerOptions = {}): Promise<SandboxServer> {
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const verifier = new SigV4Verifier();
    const handler = new RequestHandler(context, verifier, maxBodyBytes, options.log);
    const server = http.createServer(
      {
        requestTimeout,
        headersTimeout: Math.min(requestTimeout, 60_000),
        // How often Node looks for requests past their timeout; its default (30 s) would let a slow
        // client hold a connection long after requestTimeout.
        connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeout / 4))),
        keepAliveTimeout: 5_000,
      },
      (req, res) => handler.handle(req, res),
    );
    server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
      // Malformed HTTP or a timed-out request: answer if the socket still can, as Node would by default.
      if (socket.writable && !socket.destroyed) {
        const status = err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      } else {
        socket.destroy();
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    return new SandboxServer(server, (server.address() as AddressInfo).port);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops accepting connections, lets requests in flight finish, then closes idle keep-alive sockets. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
      this.server.closeIdleConnections();
    });
  }
}

class RequestHandler {
  constructor(
    private readonly context: ServerContext,
    private readonly verifier: SigV4Verifier,
    private readonly maxBodyBytes: number,
    private readonly log: ((line: string) => void) | undefined,
  ) {}

  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const started = Date.now();
    const requestId = randomUUID();
    const target = headerValue(req.headers, "x-amz-target");
    const protocol = protocolOf(target);
    const finish = (reply: Reply, caller?: Caller) => {
      send(res, reply);
      this.log?.(
        `${req.method ?? "?"} ${target ?? "sts"} ${reply.status} ${Date.now() - started}ms ${caller?.arn ?? "-"}`,
      );
    };
    const declaredLength = Number(headerValue(req.headers, "content-length") ?? "0");
    if (declaredLength > this.maxBodyBytes) {
      finish(this.tooLarge(protocol, declaredLength, requestId));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (refused) {
        return;
      }
      if (received > this.maxBodyBytes) {
        refused = true;
        chunks.length = 0;
        finish(this.tooLarge(protocol, received, requestId));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (refused) {
        return;
      }
      const request: ReceivedRequest = {
        method: req.method ?? "",
        url: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks, received),
      };
      this.respond(request, target, requestId).then(
        ({ reply, caller }) => finish(reply, caller),
        (err: unknown) => finish(this.internalError(protocol, err, requestId)),
      );
    });
    // A client that goes away mid-body (truncated request) leaves nothing to answer.
    req.on("error", () => res.destroy());
  }

  private async respond(
    request: ReceivedRequest,
    target: string | undefined,
    requestId: string,
  ): Promise<{ reply: Reply; caller?: Caller }> {
    let route: Route | undefined;
    let caller: Caller | undefined;
    try {
      route = routeOf(request, target);
      // One stack for the whole request, even if a deployment swaps in another meanwhile.
      const stack = this.context.stack();
      const signature = await this.verifier.verify(request, {
        service: route.protocol,
        region: stack?.model.region,
        secretOf: (accessKeyId) => stack?.secretOf(accessKeyId),
        sessionOf: (accessKeyId) => stack?.sessionOf(accessKeyId),
      });
      if (stack === undefined) {
        // Not reached: with nothing deployed no access key exists, and verify has refused the request.
        throw new AwsError("UnrecognizedClientException", INVALID_TOKEN);
      }
      caller = stack.callerOf(signature.accessKeyId);
      const reply = await this.dispatch(route, request, caller, stack, signature.region, requestId);
      return { reply, caller };
    } catch (err) {
      const protocol = route?.protocol ?? protocolOf(target);
      if (err instanceof AwsError) {
        return { reply: errorReply(protocol, err, requestId), caller };
      }
      return { reply: this.internalError(protocol, err, requestId), caller };
    }
  }

  private async dispatch(
    route: Route,
    request: ReceivedRequest,
    caller: Caller,
    stack: DeployedStack,
    region: string,
    requestId: string,
  ): Promise<Reply> {
    switch (route.protocol) {
      case "dynamodb": {
        const result = await this.context.dynamodb.handle(
          route.operation,
          request.body.toString("utf8"),
          caller,
          stack,
        );
        return jsonReply("dynamodb", result, requestId);
      }
      case "kms": {
        const result = await stack.kms.handle(route.operation, parseKmsBody(request.body), {
          arn: caller.arn,
          region,
        });
        return jsonReply("kms", result, requestId);
      }
      case "sts": {
        const form = new URLSearchParams(request.body.toString("utf8"));
        const action = queryAction(form);
        return queryReply(action, await handleSts(action, form, caller, stack), requestId);
      }
    }
  }

  private tooLarge(protocol: Protocol, bytes: number, requestId: string): Reply {
    const reply = errorReply(
      protocol,
      new AwsError(
        "RequestEntityTooLarge",
        `Request body of ${bytes} bytes exceeds the limit of ${this.maxBodyBytes} bytes`,
        413,
      ),
      requestId,
    );
    // The rest of the body is not read: close the connection rather than drain it.
    reply.headers.connection = "close";
    return reply;
  }

  private internalError(protocol: Protocol, err: unknown, requestId: string): Reply {
    this.log?.(
      `internal error ${requestId}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return errorReply(
      protocol,
      new AwsError(INTERNAL_ERROR_CODES[protocol], `The sandbox failed to serve request ${requestId}.`, 500),
      requestId,
    );
  }
}

/** The protocol to answer in, from X-Amz-Target alone (known before the body is read). */
function protocolOf(target: string | undefined): Protocol {
  if (target === undefined) {
    return "sts";
  }
  return target.startsWith(KMS_TARGET_PREFIX) ? "kms" : "dynamodb";
}

/** Which service and operation a request is for; UnknownOperationException when none, before any auth. */
function routeOf(request: ReceivedRequest, target: string | undefined): Route {
  if (target?.startsWith(DYNAMODB_TARGET_PREFIX)) {
    const operation = target.slice(DYNAMODB_TARGET_PREFIX.length);
    if (isDynamoOperation(operation)) {
      return { protocol: "dynamodb", operation };
    }
  } else if (target?.startsWith(KMS_TARGET_PREFIX)) {
    const operation = target.slice(KMS_TARGET_PREFIX.length);
    if ((KMS_OPERATIONS as readonly string[]).includes(operation)) {
      return { protocol: "kms", operation: operation as KmsOperation };
    }
  } else if (
    target === undefined &&
    request.method === "POST" &&
    (headerValue(request.headers, "content-type") ?? "").startsWith("application/x-www-form-urlencoded")
  ) {
    return { protocol: "sts" };
  }
  const what = target === undefined ? `${request.method} ${request.url}` : target;
  throw new AwsError("UnknownOperationException", `The sandbox does not serve ${what}.`);
}

function parseKmsBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new AwsError(
      "SerializationException",
      `The request body is not valid JSON: ${(err as Error).message}`,
    );
  }
}

function send(res: http.ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  res.writeHead(reply.status, { ...reply.headers, "content-length": Buffer.byteLength(reply.body) });
  res.end(reply.body);
  if (reply.headers.connection === "close") {
    // Node would otherwise keep reading (and discarding) the rest of an oversize body.
    res.on("finish", () => res.socket?.destroy());
  }
}
