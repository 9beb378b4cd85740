/**
 * The guard's Analyzer client: unary gRPC calls to a policy pack's Analyzer server over one HTTP/2
 * connection, framed as "gRPC over HTTP2" specifies (grpc/grpc, doc/PROTOCOL-HTTP2.md): a POST to
 * `/pulumirpc.Analyzer/<Method>` with `content-type: application/grpc` and `te: trailers`, the message behind
 * a 5-byte prefix (compressed flag 0, big-endian length), the answer's message the same way, and the outcome
 * in `grpc-status` / `grpc-message`, sent as trailers or, for an error with no message, in the only HEADERS
 * frame ("Trailers-Only").
 *
 * The engine's Go client does no more per call. @grpc/grpc-js's client, which this replaces, spent more CPU
 * per resource than the pack did (its channel, resolver, load balancer, retry and interceptor layers over the
 * same HTTP/2 stream), so at 10,000 resources the guard's own process was the bottleneck
 * (docs/development.md, Speed). The pack's side is untouched: @pulumi/policy's grpc-js server, started by
 * run-policy-pack.
 */
import * as http2 from "node:http2";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import {
  AnalyzeRequest,
  AnalyzeResponse,
  AnalyzerInfo,
  AnalyzerStackConfigureRequest,
  ConfigureAnalyzerRequest,
  RemediateResponse,
} from "@pulumi/pulumi/proto/analyzer_pb";

/** The Analyzer service's methods the guard calls (pulumi/proto/pulumi/analyzer.proto). */
export const ANALYZER_METHODS = {
  analyze: "/pulumirpc.Analyzer/Analyze",
  analyzeStack: "/pulumirpc.Analyzer/AnalyzeStack",
  remediate: "/pulumirpc.Analyzer/Remediate",
  getAnalyzerInfo: "/pulumirpc.Analyzer/GetAnalyzerInfo",
  configure: "/pulumirpc.Analyzer/Configure",
  configureStack: "/pulumirpc.Analyzer/ConfigureStack",
} as const;

/** gRPC status codes by number (grpc/grpc, doc/statuscodes.md), for messages. */
const STATUS_NAMES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;

const UNKNOWN = 2;
const INTERNAL = 13;
const UNAVAILABLE = 14;

/** A call that did not end in grpc-status 0: the pack's error (a policy that threw) or the connection's. */
export class AnalyzerCallError extends Error {
  constructor(
    readonly method: string,
    /** The gRPC status code. */
    readonly code: number,
    readonly details: string,
  ) {
    // One line: a pack's error text spans lines (its message, then the stack), and the run reports an
    // internal error as one line whose cause must be in it.
    const summary = details
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("at "))
      .join(" ");
    super(`${method}: ${code} ${STATUS_NAMES[code] ?? "UNKNOWN"}: ${summary}`);
    this.name = "AnalyzerCallError";
  }
}

export class AnalyzerClient {
  private session: http2.ClientHttp2Session | undefined;
  private inFlight = 0;
  private closed = false;

  /** `address` is the pack's 127.0.0.1:PORT. The connection opens on the first call. */
  constructor(readonly address: string) {}

  getAnalyzerInfo(): Promise<AnalyzerInfo> {
    return this.call(ANALYZER_METHODS.getAnalyzerInfo, new Empty().serializeBinary(), (bytes) =>
      AnalyzerInfo.deserializeBinary(bytes),
    );
  }

  async configure(request: ConfigureAnalyzerRequest): Promise<void> {
    await this.call(ANALYZER_METHODS.configure, request.serializeBinary(), () => undefined);
  }

  async configureStack(request: AnalyzerStackConfigureRequest): Promise<void> {
    await this.call(ANALYZER_METHODS.configureStack, request.serializeBinary(), () => undefined);
  }

  /** Analyze with the request, or its wire bytes (requests.ts writes them directly). */
  analyze(request: AnalyzeRequest | Uint8Array): Promise<AnalyzeResponse> {
    const message = request instanceof Uint8Array ? request : request.serializeBinary();
    return this.call(ANALYZER_METHODS.analyze, message, (bytes) => AnalyzeResponse.deserializeBinary(bytes));
  }

  remediate(request: AnalyzeRequest): Promise<RemediateResponse> {
    return this.call(ANALYZER_METHODS.remediate, request.serializeBinary(), (bytes) =>
      RemediateResponse.deserializeBinary(bytes),
    );
  }

  /** AnalyzeStack with the request's wire bytes (requests.ts builds them a resource at a time). */
  analyzeStack(requestBytes: Uint8Array): Promise<AnalyzeResponse> {
    return this.call(ANALYZER_METHODS.analyzeStack, requestBytes, (bytes) =>
      AnalyzeResponse.deserializeBinary(bytes),
    );
  }

  /** Closes the connection; calls in flight are cancelled (CANCELLED), later calls refused. */
  close(): void {
    this.closed = true;
    this.session?.destroy();
    this.session = undefined;
  }

  /** One unary call: the request message out, one response message and status 0 back. */
  call<T>(method: string, message: Uint8Array, decode: (bytes: Uint8Array) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed) {
        reject(new AnalyzerCallError(method, UNAVAILABLE, "the client is closed"));
        return;
      }
      const session = this.connection();
      const stream = session.request({
        ":method": "POST",
        ":path": method,
        "content-type": "application/grpc",
        te: "trailers",
      });
      this.started();
      const chunks: Buffer[] = [];
      let status: number | undefined;
      let details = "";
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (!settled) {
          settled = true;
          this.ended();
          outcome();
        }
      };
      // The status comes in the trailers, or in the response's only HEADERS frame when the server
      // answers an error without a message (Trailers-Only).
      const readStatus = (headers: http2.IncomingHttpHeaders): void => {
        const value = headers["grpc-status"];
        if (value !== undefined) {
          status = Number(value);
          details = decodeGrpcMessage(headers["grpc-message"]);
        }
      };
      stream.on("response", (headers) => {
        const httpStatus = headers[":status"];
        if (httpStatus !== 200) {
          // A gRPC server answers 200 always; anything else is not the Analyzer (PROTOCOL-HTTP2.md maps
          // such answers to UNKNOWN or UNAVAILABLE).
          stream.close(http2.constants.NGHTTP2_CANCEL);
          settle(() => reject(new AnalyzerCallError(method, UNKNOWN, `HTTP status ${String(httpStatus)}`)));
          return;
        }
        readStatus(headers);
      });
      stream.on("trailers", readStatus);
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (err: Error) =>
        settle(() => reject(new AnalyzerCallError(method, UNAVAILABLE, err.message))),
      );
      stream.on("close", () =>
        settle(() => {
          if (status === undefined) {
            reject(
              new AnalyzerCallError(
                method,
                stream.rstCode === http2.constants.NGHTTP2_CANCEL ? 1 : UNAVAILABLE,
                `the stream closed without a gRPC status (HTTP/2 code ${stream.rstCode ?? "none"})`,
              ),
            );
          } else if (status !== 0) {
            reject(new AnalyzerCallError(method, status, details));
          } else {
            try {
              resolve(decode(onlyMessage(method, Buffer.concat(chunks))));
            } catch (err) {
              reject(
                err instanceof AnalyzerCallError ? err : new AnalyzerCallError(method, INTERNAL, String(err)),
              );
            }
          }
        }),
      );
      stream.end(framed(message));
    });
  }

  private connection(): http2.ClientHttp2Session {
    if (this.session === undefined || this.session.closed || this.session.destroyed) {
      const session = http2.connect(`http://${this.address}`);
      // A session error reaches every stream of it as that stream's "error"; the session is then
      // replaced on the next call, as a channel reconnects.
      session.on("error", () => undefined);
      session.on("close", () => {
        if (this.session === session) {
          this.session = undefined;
        }
      });
      // Idle, the connection must not keep a process alive (a caller that never closes its client).
      session.unref();
      this.session = session;
    }
    return this.session;
  }

  private started(): void {
    if (this.inFlight++ === 0) {
      this.session?.ref();
    }
  }

  private ended(): void {
    if (--this.inFlight === 0) {
      this.session?.unref();
    }
  }
}

/** A message behind gRPC's length prefix: 1 byte compressed flag (0, no compression), 4 bytes length. */
function framed(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** The one message of a unary response. */
function onlyMessage(method: string, body: Buffer): Uint8Array {
  if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) {
    throw new AnalyzerCallError(
      method,
      INTERNAL,
      `the response is not one uncompressed gRPC message (${body.length} bytes)`,
    );
  }
  return new Uint8Array(body.buffer, body.byteOffset + 5, body.length - 5);
}

/** grpc-message is percent-encoded (PROTOCOL-HTTP2.md, "Status-Message"). */
function decodeGrpcMessage(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(",") : (value ?? "");
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
