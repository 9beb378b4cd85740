/**
 * The verifier's canonical request against the SDK's own signer (@smithy/signature-v4, what SDK v3
 * clients sign with): every request below is signed by it, so the verifier accepts it only if it builds
 * the same canonical request ("Create a signed AWS API request", IAM User Guide: header values trimmed,
 * inner runs of spaces made one, names sorted). Root-path requests take the verifier's direct
 * construction; other paths take smithy's canonicalization.
 */
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { ChecksumConstructor, SourceData } from "@smithy/types";
import { expect } from "chai";
import { SigV4Verifier } from "../../sandbox/sigv4";

const Sha256: ChecksumConstructor = class extends Hash {
  constructor(secret?: SourceData) {
    super("sha256", secret);
  }
};
const credentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const scope = {
  service: "dynamodb",
  region: "us-east-1",
  secretOf: (id: string) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
};

async function signed(path: string, extraHeaders: Record<string, string>) {
  const body = JSON.stringify({ TableName: "t", Key: { pk: { S: "a" } } });
  const [pathname, search] = path.split("?");
  const query = Object.fromEntries(new URLSearchParams(search ?? ""));
  const request = await new SignatureV4({
    service: "dynamodb",
    region: "us-east-1",
    credentials,
    sha256: Sha256,
  }).sign({
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 8000,
    path: pathname,
    query,
    headers: {
      host: "127.0.0.1:8000",
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "DynamoDB_20120810.GetItem",
      ...extraHeaders,
    },
    body,
  });
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return { method: "POST", url: path, headers, body: Buffer.from(body) };
}

describe("sandbox SigV4 verifier: canonical requests as the SDK signs them", () => {
  const verifier = new SigV4Verifier();
  const cases: [string, string, Record<string, string>][] = [
    ["the root path, the SDK's own headers", "/", {}],
    ["header values with inner runs of spaces and tabs", "/", { "x-amz-meta-note": "a   b\t\tc" }],
    ["header values with spaces at both ends", "/", { "x-amz-meta-note": "  padded  " }],
    ["a signed header whose name sorts before host", "/", { "amz-sdk-request": "attempt=1; max=3" }],
    ["a path below the root", "/a/b%20c", {}],
    ["a query string", "/?b=2&a=1", {}],
  ];
  for (const [what, path, headers] of cases) {
    it(`accepts ${what}`, async () => {
      expect(verifier.verify(await signed(path, headers), scope).accessKeyId).to.equal(
        credentials.accessKeyId,
      );
    });
  }

  it("refuses a root-path request whose signed header changed after signing", async () => {
    const request = await signed("/", { "x-amz-meta-note": "one" });
    request.headers["x-amz-meta-note"] = "two";
    // "The request signature we calculated does not match the signature you provided" (IAM User Guide,
    // "Troubleshoot signing of AWS API requests").
    expect(() => verifier.verify(request, scope)).to.throw(/does not match the signature you provided/);
  });
});
