/**
 * The client side of the sandbox's admin API (service.ts): a SigV4-signed JSON 1.1 POST, signed with the
 * deploying identity's key as any AWS SDK signs (service name `sandbox`), with a bounded wait.
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
  /** Default 10 s. */
  readonly timeoutMs?: number;
}): Promise<AdminReply> {
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
        timeout: options.timeoutMs ?? 10_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          let body: Record<string, unknown>;
          try {
            body = JSON.parse(raw) as Record<string, unknown>;
          } catch {
            body = { message: raw.slice(0, 200) };
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer from ${options.endpoint} in time`)));
    request.on("error", reject);
    request.end(text);
  });
}
