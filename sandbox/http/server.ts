/**
 * The sandbox's one HTTP endpoint on 127.0.0.1, for every service, so a single AWS_ENDPOINT_URL serves
 * all clients. Requests are routed the way AWS's protocols identify them: `X-Amz-Target:
 * DynamoDB_20120810.<Op>` (JSON 1.0), `X-Amz-Target: TrentService.<Op>` (KMS, JSON 1.1), and a
 * form-encoded POST with `Action=` (STS query protocol).
 *
 * Each request is read whole (bounded), its SigV4 signature verified, then dispatched in process.
 * Faults stay with the request that caused them: an oversize body is answered 413 and its connection
 * closed; a slow or truncated request is cut off by Node's request timeout (408); the others are served.
 *
 * Connections are bounded in time and number, on wall-clock time: one with no request in progress (before
 * its first byte, or between requests) is closed after `idleTimeoutMs`; headers must arrive within
 * `requestTimeoutMs` (at most 60 s) of a request's start and the whole request within `requestTimeoutMs`;
 * and at most `maxConnections` are open at once. At the cap a new connection takes the place of the
 * oldest one with no request in flight (idle, or still sending its headers), so sockets held open without
 * requests cannot keep other clients out; only when every connection has a request in flight is a new
 * one refused. Requests pipelined on one connection are processed one after the other, in the order they
 * came (RFC 9112, section 9.3.2): a GetItem sent after a PutItem on the same connection sees its item.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  ADMIN_SIGNING_NAME,
  ADMIN_TARGET_PREFIX,
  isAdminOperation,
  type AdminOperation,
} from "../admin/operations";
import { handleAdmin, type AdminTarget } from "../admin/service";
import { isDynamoOperation, type DynamoOperation } from "../dynamodb/operations";
import type { DynamoDbService } from "../dynamodb/service";
import { AwsError } from "../errors";
import { KMS_OPERATIONS, type KmsOperation } from "../kms";
import { errorReply, jsonDepthExceeds, jsonReply, queryReply, type Protocol, type Reply } from "./protocols";
import { headerValue, INVALID_TOKEN, SigV4Verifier, type ReceivedRequest } from "./sigv4";
import { DurabilityError } from "../deploy/journal";
import { callerRequestKeys, type Caller, type LiveStack, type RequestHeaders } from "../deploy/stack";
import { handleSts, queryAction } from "../sts/service";
import { handleIam } from "../iamService";
import {
  handleOrganizations,
  isOrganizationsOperation,
  ORGANIZATIONS_TARGET_PREFIX,
  type OrganizationsOperation,
} from "../organizations";

export interface ServerOptions {
  /** 0 (default) for an ephemeral port. */
  port?: number;
  /** Largest request body accepted; DynamoDB's own limit is 16 MB per request. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Time allowed to receive a whole request, headers and body. Default 30 s. */
  requestTimeoutMs?: number;
  /** One line per request: method, operation, status, time, caller. Never secrets. */
  log?: (line: string) => void;
  /** How long close() lets requests in flight finish before it closes their connections. Default 2 s. */
  shutdownGraceMs?: number;
  /**
   * How long a connection with no request in progress stays open, before its first request or between
   * requests. Default 60 s: longer than the key-lifecycle drills hold a client's connection idle (the
   * table-key cache is per connection, sandbox/dynamodb/tableKeyCache.ts).
   */
  idleTimeoutMs?: number;
  /**
   * The most connections open at once. Default 1,024, or half the process's open-file limit when that is
   * lower: the sandbox must still be able to accept, and open its own files.
   */
  maxConnections?: number;
}

export interface ServerContext {
  /** The deployed stack requests run against; undefined until a plan is applied. */
  stack(): LiveStack | undefined;
  dynamodb: DynamoDbService;
  /**
   * Brings time-driven state up to date (deleted keys, archived tables) before a request runs; returns a
   * promise only when that needs asynchronous work.
   */
  settle?: () => Promise<void> | undefined;
  /** A client connection closed: DynamoDB's table keys cached for it go with it. */
  connectionClosed?: (connection: number) => void;
  /** The sandbox's admin operations (admin/service.ts); absent, they are unknown operations. */
  admin?: AdminTarget;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_SHUTDOWN_GRACE_MS = 2_000;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_CONNECTIONS = 1024;
const DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810.";
const KMS_TARGET_PREFIX = "TrentService.";

type Route =
  | { protocol: "dynamodb"; operation: DynamoOperation }
  | { protocol: "kms"; operation: KmsOperation }
  | { protocol: "admin"; operation: AdminOperation }
  | { protocol: "sts" }
  | { protocol: "iam" }
  | { protocol: "organizations"; operation: OrganizationsOperation };

/**
 * IAM and Organizations are global services: AWS signs them for us-east-1, and a client pointed at an
 * endpoint URL signs them for its own region. Their requests are verified for any region (the signature
 * itself must still match the scope it names).
 */
const GLOBAL_SERVICES: ReadonlySet<Protocol> = new Set(["iam", "organizations"]);

/** The AWS error each protocol uses for a failure of the sandbox itself (HTTP 500). */
const INTERNAL_ERROR_CODES: Record<Protocol, string> = {
  dynamodb: "InternalServerError",
  kms: "KMSInternalException",
  sts: "InternalFailure",
  iam: "ServiceFailure",
  organizations: "ServiceException",
};

export class SandboxServer {
  private constructor(
    private readonly server: http.Server,
    readonly port: number,
    private readonly shutdownGraceMs: number,
  ) {}

  static async listen(context: ServerContext, options: ServerOptions = {}): Promise<SandboxServer> {
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const idleTimeout = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const verifier = new SigV4Verifier();
    const handler = new RequestHandler(context, verifier, maxBodyBytes, options.log);
    const connections = new Connections(options.maxConnections ?? defaultMaxConnections(), options.log);
    const server = http.createServer(
      {
        requestTimeout,
        headersTimeout: Math.min(requestTimeout, 60_000),
        // How often Node looks for requests past their timeout; its default (30 s) would let a slow
        // client hold a connection long after requestTimeout.
        connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeout / 4))),
        // Between requests; before the first one, the socket timeout below.
        keepAliveTimeout: idleTimeout,
      },
      (req, res) => {
        const connection = connections.of(req.socket);
        connection.inFlight++;
        handler.handle(req, res, connection);
      },
    );
    // A connection that never sends a byte: Node's header and request timeouts start with a request.
    server.timeout = idleTimeout;
    server.on("connection", (socket: Socket) => {
      const connection = connections.add(socket);
      if (connection === undefined) {
        return;
      }
      socket.once("close", () => {
        connections.remove(socket);
        context.connectionClosed?.(connection.id);
      });
    });
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
    return new SandboxServer(
      server,
      (server.address() as AddressInfo).port,
      options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
    );
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Stops accepting connections and closes idle keep-alive sockets at once; requests in flight get
   * `shutdownGraceMs` to finish, then their connections are closed too. Bounded on purpose: once a
   * server is closing, Node no longer applies its request timeout, so a client that sent half a request
   * and stalls would otherwise hold the process (and a data dir's lock) forever
   * (https://nodejs.org/api/http.html#serverclosecallback, #servercloseallconnections).
   */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      const grace = setTimeout(() => this.server.closeAllConnections(), this.shutdownGraceMs);
      this.server.close((err) => {
        clearTimeout(grace);
        return err ? reject(err) : resolve();
      });
      this.server.closeIdleConnections();
    });
  }
}

/** A client connection: its id (the table-key cache's), its requests in flight and its queue. */
interface Connection {
  readonly id: number;
  /** Requests received and not yet answered (pipelined ones included). */
  inFlight: number;
  /** A request of this connection is being processed; the next ones wait in `waiting`, in order. */
  processing: boolean;
  readonly waiting: (() => void)[];
}

/**
 * The open connections, oldest first, at most `max`. At the cap, a new connection takes the place of the
 * oldest one with no request in flight; when every one has a request in flight, the new one is refused.
 */
class Connections {
  private readonly open = new Map<Socket, Connection>();
  private nextId = 0;

  constructor(
    private readonly max: number,
    private readonly log: ((line: string) => void) | undefined,
  ) {}

  /** Registers a new socket; undefined when it was refused (every connection busy). */
  add(socket: Socket): Connection | undefined {
    if (this.open.size >= this.max && !this.evictOne()) {
      this.log?.(`refused a connection: ${this.max} connections, each with a request in flight`);
      socket.destroy();
      return undefined;
    }
    const connection: Connection = { id: ++this.nextId, inFlight: 0, processing: false, waiting: [] };
    this.open.set(socket, connection);
    return connection;
  }

  of(socket: Socket): Connection {
    return this.open.get(socket) ?? { id: 0, inFlight: 0, processing: false, waiting: [] };
  }

  remove(socket: Socket): void {
    this.open.delete(socket);
  }

  /**
   * Closes the oldest connection with no request in flight, or one already closing (answered 408 or
   * 400 and ended, its close event still to come); false when there is none.
   */
  private evictOne(): boolean {
    for (const [socket, connection] of this.open) {
      if (connection.inFlight === 0 || socket.writableEnded || socket.destroyed) {
        this.open.delete(socket);
        socket.destroy();
        return true;
      }
    }
    return false;
  }
}

/**
 * Half the soft open-file limit (Linux: /proc/self/limits), at most DEFAULT_MAX_CONNECTIONS: past the
 * limit accept() fails, and every client is kept out, not only the newest.
 */
function defaultMaxConnections(): number {
  try {
    const limits = readFileSync("/proc/self/limits", "utf8");
    const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1]);
    if (Number.isSafeInteger(soft) && soft > 0) {
      return Math.max(16, Math.min(DEFAULT_MAX_CONNECTIONS, Math.floor(soft / 2)));
    }
  } catch {
    // Not Linux, or no /proc: the default.
  }
  return DEFAULT_MAX_CONNECTIONS;
}

class RequestHandler {
  constructor(
    private readonly context: ServerContext,
    private readonly verifier: SigV4Verifier,
    private readonly maxBodyBytes: number,
    private readonly log: ((line: string) => void) | undefined,
  ) {}

  handle(req: http.IncomingMessage, res: http.ServerResponse, connection: Connection): void {
    const started = Date.now();
    const requestId = randomUUID();
    const target = headerValue(req.headers, "x-amz-target");
    const protocol = protocolOf(target);
    // Each request leaves the connection's count once: answered, or its client gone mid-body.
    let inFlight = true;
    const release = () => {
      if (inFlight) {
        inFlight = false;
        connection.inFlight--;
      }
    };
    const finish = (reply: Reply, caller?: Caller) => {
      send(res, reply);
      release();
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
        rawHeaders: req.rawHeaders,
        sourceIp: sourceIpOf(req.socket.remoteAddress),
        // A body that came in one chunk (every small request) is used as Node read it, without a copy.
        body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received),
      };
      inOrder(connection, (done) => {
        void this.respond(request, target, requestId, connection.id).then(
          ({ reply, caller }) => {
            finish(reply, caller);
            done();
          },
          (err: unknown) => {
            finish(this.internalError(protocol, err, requestId));
            done();
          },
        );
      });
    });
    // A client that goes away mid-body (truncated request) leaves nothing to answer.
    req.on("error", () => {
      release();
      res.destroy();
    });
  }

  private async respond(
    request: ReceivedRequest,
    target: string | undefined,
    requestId: string,
    connection: number,
  ): Promise<{ reply: Reply; caller?: Caller }> {
    let route: Route | undefined;
    let caller: Caller | undefined;
    try {
      route = routeOf(request, target, this.context.admin !== undefined);
      const settling = this.context.settle?.();
      if (settling !== undefined) {
        await settling;
      }
      // One stack for the whole request, even if a deployment swaps in another meanwhile.
      const stack = this.context.stack();
      const signature = this.verifier.verify(request, {
        service: route.protocol === "admin" ? ADMIN_SIGNING_NAME : route.protocol,
        region: GLOBAL_SERVICES.has(route.protocol as Protocol) ? undefined : stack?.model.region,
        secretOf: (accessKeyId) => stack?.secretOf(accessKeyId),
        sessionOf: (accessKeyId) => stack?.sessionOf(accessKeyId),
      });
      if (stack === undefined) {
        // Not reached: with nothing deployed no access key exists, and verify has refused the request.
        throw new AwsError("UnrecognizedClientException", INVALID_TOKEN);
      }
      caller = stack.callerOf(signature.accessKeyId, request.sourceIp, requestHeadersOf(request));
      const reply = await this.dispatch(route, request, caller, stack, {
        region: signature.region,
        requestId,
        connection,
      });
      return { reply, caller };
    } catch (err) {
      const protocol = replyProtocol(route) ?? protocolOf(target);
      if (err instanceof AwsError) {
        return { reply: errorReply(protocol, err, requestId), caller };
      }
      if (err instanceof DurabilityError) {
        // The change was not made (it takes effect only once durable): the service's internal error,
        // which AWS documents as safe to retry (e.g. KMSInternalException, "The request can be retried").
        this.log?.(`request ${requestId}: ${err.message}; the change was not made`);
        const message = `The sandbox could not store the change (${err.code}); it was not made. The request can be retried.`;
        return {
          reply: errorReply(protocol, new AwsError(INTERNAL_ERROR_CODES[protocol], message, 500), requestId),
          caller,
        };
      }
      return { reply: this.internalError(protocol, err, requestId), caller };
    }
  }

  private async dispatch(
    route: Route,
    request: ReceivedRequest,
    caller: Caller,
    stack: LiveStack,
    { region, requestId, connection }: { region: string; requestId: string; connection: number },
  ): Promise<Reply> {
    switch (route.protocol) {
      case "dynamodb": {
        const result = await this.context.dynamodb.handle(
          route.operation,
          request.body.toString("utf8"),
          caller,
          stack,
          connection,
        );
        return jsonReply("dynamodb", result, requestId);
      }
      case "admin": {
        const admin = this.context.admin as AdminTarget;
        const result = await handleAdmin(route.operation, parseKmsBody(request.body), caller.arn, admin);
        return jsonReply("kms", result, requestId);
      }
      case "kms": {
        const result = await stack.kms.handle(route.operation, parseKmsBody(request.body), {
          arn: caller.arn,
          region,
          requestKeys: callerRequestKeys(caller),
        });
        return jsonReply("kms", result, requestId);
      }
      case "sts": {
        const form = new URLSearchParams(request.body.toString("utf8"));
        const action = queryAction(form);
        return queryReply(action, await handleSts(action, form, caller, stack), requestId);
      }
      case "iam": {
        const form = new URLSearchParams(request.body.toString("utf8"));
        const action = queryAction(form);
        return queryReply(action, await handleIam(action, form, caller, stack), requestId, "iam");
      }
      case "organizations": {
        const result = await handleOrganizations(route.operation, parseKmsBody(request.body), caller, stack);
        return jsonReply("organizations", result, requestId);
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

/**
 * Runs `work` once the connection's earlier requests are done (pipelining: RFC 9112, section 9.3.2, "A
 * server MAY process a sequence of pipelined requests in parallel if they all have safe methods", and
 * these are POSTs). With nothing ahead, which is every request of a client that waits for its answers,
 * it runs at once.
 */
function inOrder(connection: Connection, work: (done: () => void) => void): void {
  const done = () => {
    const next = connection.waiting.shift();
    if (next === undefined) {
      connection.processing = false;
    } else {
      next();
    }
  };
  if (connection.processing) {
    connection.waiting.push(() => work(done));
    return;
  }
  connection.processing = true;
  work(done);
}

/** The protocol to answer in, from X-Amz-Target alone (known before the body is read). */
function protocolOf(target: string | undefined): Protocol {
  if (target === undefined) {
    return "sts";
  }
  if (target.startsWith(ORGANIZATIONS_TARGET_PREFIX)) {
    return "organizations";
  }
  // The admin API speaks JSON 1.1, as KMS does.
  return target.startsWith(KMS_TARGET_PREFIX) || target.startsWith(ADMIN_TARGET_PREFIX) ? "kms" : "dynamodb";
}

function replyProtocol(route: Route | undefined): Protocol | undefined {
  return route?.protocol === "admin" ? "kms" : route?.protocol;
}

/**
 * The Content-Types each JSON protocol accepts (parameters such as charset aside). DynamoDB is awsJson1_0
 * and also takes application/json; any other type is 404 UnknownOperationException (as dynalite, which
 * mirrors DynamoDB's answers, index.js). KMS is awsJson1_1 (its Smithy model; botocore's kms
 * service-2.json "jsonVersion": "1.1"). SDK v3 and the AWS CLI send exactly these.
 */
const JSON_CONTENT_TYPES: Record<"dynamodb" | "kms" | "organizations", readonly string[]> = {
  dynamodb: ["application/x-amz-json-1.0", "application/json"],
  kms: ["application/x-amz-json-1.1"],
  organizations: ["application/x-amz-json-1.1"],
};

function requireContentType(
  request: ReceivedRequest,
  protocol: "dynamodb" | "kms" | "organizations",
  target: string,
): void {
  const accepted = JSON_CONTENT_TYPES[protocol];
  const header = headerValue(request.headers, "content-type");
  if (header !== undefined && accepted.includes(header)) {
    // Exactly an accepted type, as clients send it: nothing to strip or fold.
    return;
  }
  const type = (header ?? "").split(";")[0].trim().toLowerCase();
  if (!accepted.includes(type)) {
    throw new AwsError(
      "UnknownOperationException",
      `The sandbox does not serve ${target} with Content-Type ${JSON.stringify(type)}.`,
      404,
    );
  }
}

/** Which service and operation a request is for; UnknownOperationException when none, before any auth. */
function routeOf(request: ReceivedRequest, target: string | undefined, admin: boolean): Route {
  if (target?.startsWith(DYNAMODB_TARGET_PREFIX)) {
    const operation = target.slice(DYNAMODB_TARGET_PREFIX.length);
    if (isDynamoOperation(operation)) {
      requireContentType(request, "dynamodb", target);
      return { protocol: "dynamodb", operation };
    }
  } else if (target?.startsWith(KMS_TARGET_PREFIX)) {
    const operation = target.slice(KMS_TARGET_PREFIX.length);
    if ((KMS_OPERATIONS as readonly string[]).includes(operation)) {
      requireContentType(request, "kms", target);
      return { protocol: "kms", operation: operation as KmsOperation };
    }
  } else if (target?.startsWith(ORGANIZATIONS_TARGET_PREFIX)) {
    const operation = target.slice(ORGANIZATIONS_TARGET_PREFIX.length);
    if (isOrganizationsOperation(operation)) {
      requireContentType(request, "organizations", target);
      return { protocol: "organizations", operation };
    }
  } else if (admin && target?.startsWith(ADMIN_TARGET_PREFIX)) {
    const operation = target.slice(ADMIN_TARGET_PREFIX.length);
    if (isAdminOperation(operation)) {
      return { protocol: "admin", operation };
    }
  } else if (
    target === undefined &&
    request.method === "POST" &&
    (headerValue(request.headers, "content-type") ?? "").startsWith("application/x-www-form-urlencoded")
  ) {
    // STS and IAM both speak the query protocol: the signature's credential scope names the service.
    return { protocol: signedService(request) === "iam" ? "iam" : "sts" };
  }
  const what = target === undefined ? `${request.method} ${request.url}` : target;
  throw new AwsError("UnknownOperationException", `The sandbox does not serve ${what}.`);
}

/** The service a request's SigV4 credential scope names (KEY/DATE/REGION/SERVICE/aws4_request), if any. */
function signedService(request: ReceivedRequest): string | undefined {
  const authorization = headerValue(request.headers, "authorization") ?? "";
  const scope =
    /Credential=[^/,\s]+\/[^/,\s]+\/[^/,\s]+\/([^/,\s]+)\/aws4_request/.exec(authorization) ??
    /X-Amz-Credential=[^&/]+(?:\/|%2F)[^&/%]+(?:\/|%2F)[^&/%]+(?:\/|%2F)([^&/%]+)(?:\/|%2F)aws4_request/i.exec(
      request.url ?? "",
    );
  return scope?.[1];
}

/**
 * No KMS input nests deeper than three levels (CreateGrant's Constraints.EncryptionContextEquals, KMS API
 * reference); a body nested deeper than this is not any operation's input. Refused here, before a handler
 * walks a member (or quotes it in an error) recursively and overflows the stack (HTTP 500).
 */
const MAX_KMS_JSON_DEPTH = 16;

function parseKmsBody(body: Buffer): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new AwsError(
      "SerializationException",
      `The request body is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (jsonDepthExceeds(parsed, MAX_KMS_JSON_DEPTH)) {
    throw new AwsError(
      "SerializationException",
      `The request body nests objects and lists more than ${MAX_KMS_JSON_DEPTH} levels deep, which no KMS input does.`,
    );
  }
  return parsed;
}

function send(res: http.ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
  if (reply.headers.connection === "close") {
    // Node would otherwise keep reading (and discarding) the rest of an oversize body.
    res.on("finish", () => res.socket?.destroy());
  }
}

/**
 * aws:SourceIp of a request: the TCP peer's address, an IPv4-mapped IPv6 address as its IPv4 form (how
 * Node reports an IPv4 client of a dual-stack socket), as IAM's IpAddress operator takes it.
 */
function sourceIpOf(address: string | undefined): string | undefined {
  return address?.startsWith("::ffff:") === true && address.includes(".") ? address.slice(7) : address;
}

/**
 * The headers aws:UserAgent and aws:referer come from (IAM User Guide, "AWS global condition context
 * keys": each "is included in the request context only if the value was provided by the caller in an HTTP
 * header"): User-Agent and Referer, each only when the request has it. A client sends the same ones on
 * every request: the last object made is handed out again while they stay, so the request path makes one
 * when they change, not one per request (the caller, and its keys, are kept per headers: stack.callerOf).
 */
function requestHeadersOf(request: ReceivedRequest): RequestHeaders {
  const userAgent = joinedHeader(request.headers["user-agent"]);
  const referer = joinedHeader(request.headers.referer);
  const last = lastHeaders;
  if (last.userAgent === userAgent && last.referer === referer) {
    return last;
  }
  lastHeaders = {
    ...(userAgent === undefined ? {} : { userAgent }),
    ...(referer === undefined ? {} : { referer }),
  };
  return lastHeaders;
}

let lastHeaders: RequestHeaders = {};

function joinedHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}
