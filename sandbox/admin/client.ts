/**
 * The client side of the sandbox's admin API (service.ts): a SigV4-signed JSON 1.1 POST, signed with the
 * deploying identity's key as any AWS SDK signs (service name `sandbox`). The whole call has a deadline
 * (connecting, sending, and receiving the whole answer), not only an idle timeout: a server that trickles
 * a byte every few seconds cannot hold it. The answer is bounded in size too.
 */
import * as http from "node:http";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { ChecksumConstructor, SourceData } from "@smithy/types";
import { ADMIN_SIGNING_NAME, ADMIN_TARGET_PREFIX, type AdminOperation } from "./operations";

const Sha256: ChecksumConstructor = class extends Hash {
  constructor(secret?: SourceData) {
    super("sha256", secret);
  }
};

export interface AdminCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface AdminReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Sends one admin operation; resolves with the HTTP status and the parsed JSON body. */
export async function callAdmin(options: {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: AdminCredentials;
  readonly operation: AdminOperation;
  readonly body: Record<string, unknown>;
  /** The deadline of the whole call, answer included. Default 10 s. */
  readonly timeoutMs?: number;
}): Promise<AdminReply> {
  const deadlineMs = options.timeoutMs ?? DEFAULT_DEADLINE_MS;
  const url = new URL(options.endpoint);
  const text = JSON.stringify(options.body);
  const signer = new SignatureV4({
    service: ADMIN_SIGNING_NAME,
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === "" ? undefined : Number(url.port),
    path: "/",
    headers: {
      host: url.host,
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `${ADMIN_TARGET_PREFIX}${options.operation}`,
    },
    body: text,
  });
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: "/",
        headers: signed.headers,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let received = 0;
        response.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_ANSWER_BYTES) {
            request.destroy(
              new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes: not the sandbox's`),
            );
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () => {
          clearTimeout(deadline);
          const raw = Buffer.concat(chunks).toString("utf8");
          let body: Record<string, unknown>;
          try {
            const parsed: unknown = JSON.parse(raw);
            body =
              typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
                ? (parsed as Record<string, unknown>)
                : { message: "the answer is not a JSON object" };
          } catch {
            body = { message: "the answer is not JSON" };
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
        response.on("error", reject);
      },
    );
    const deadline = setTimeout(
      () => request.destroy(new Error(`no complete answer within ${deadlineMs / 1000} s`)),
      deadlineMs,
    );
    request.on("error", (err) => {
      clearTimeout(deadline);
      reject(err);
    });
    request.end(text);
  });
}

/** The whole call's deadline: the sandbox answers in milliseconds. */
const DEFAULT_DEADLINE_MS = 10_000;
/** The admin answers are a few dozen bytes. */
const MAX_ANSWER_BYTES = 64 * 1024;
