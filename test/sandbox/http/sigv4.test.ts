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
import { parseAmzDate, SigV4Verifier } from "../../../sandbox/http/sigv4";
import { EXAMPLE_ACCESS_KEY_ID, EXAMPLE_SECRET_ACCESS_KEY } from "../../support/accounts";

const Sha256: ChecksumConstructor = class extends Hash {
  constructor(secret?: SourceData) {
    super("sha256", secret);
  }
};
const credentials = {
  accessKeyId: EXAMPLE_ACCESS_KEY_ID,
  secretAccessKey: EXAMPLE_SECRET_ACCESS_KEY,
};
const scope = {
  service: "dynamodb",
  region: "us-east-1",
  secretOf: (id: string) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
};

async function signed(path: string, extraHeaders: Record<string, string>, region = scope.region) {
  const body = JSON.stringify({ TableName: "t", Key: { pk: { S: "a" } } });
  const [pathname, search] = path.split("?");
  const query = Object.fromEntries(new URLSearchParams(search ?? ""));
  const request = await new SignatureV4({
    service: "dynamodb",
    region,
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
    ["a header value ending in a tab", "/", { "x-amz-meta-note": "tabbed\t" }],
    ["a header value with a run of spaces only", "/", { "x-amz-meta-note": "a   b" }],
    ["a header value with one leading space", "/", { "x-amz-meta-note": " leading" }],
    ["a header value with one trailing space", "/", { "x-amz-meta-note": "trailing " }],
    ["a header value with single inner spaces only", "/", { "x-amz-meta-note": "a b c" }],
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

  it("accepts a string to sign of any length (a long region name)", async () => {
    const region = `region-${"x".repeat(500)}`;
    expect(verifier.verify(await signed("/", {}, region), { ...scope, region }).region).to.equal(region);
  });

  it("refuses a request whose SignedHeaders names a header it does not have, even one named like an Object property", async () => {
    for (const name of ["constructor", "__proto__", "x-amz-absent"]) {
      const request = await signed("/", {});
      request.headers.authorization = request.headers.authorization.replace(
        "SignedHeaders=",
        `SignedHeaders=${name};`,
      );
      // A signed header the request lacks makes a canonical request the client did not sign: "The request
      // signature we calculated does not match the signature you provided" (IAM User Guide, "Troubleshoot
      // signing of AWS API requests"), never a server error.
      expect(() => verifier.verify(request, scope), name).to.throw(
        /does not match the signature you provided/,
      );
    }
  });

  it("refuses a root-path request whose signed header changed after signing", async () => {
    const request = await signed("/", { "x-amz-meta-note": "one" });
    request.headers["x-amz-meta-note"] = "two";
    // "The request signature we calculated does not match the signature you provided" (IAM User Guide,
    // "Troubleshoot signing of AWS API requests").
    expect(() => verifier.verify(request, scope)).to.throw(/does not match the signature you provided/);
  });
});

/**
 * The Authorization header's parts, read as DynamoDB reads them: AWS's errors and messages for each
 * malformed part (DynamoDB's own answers, quoted in dynalite's index.js; "Troubleshoot signing of AWS API
 * requests", IAM User Guide), and the header's format ("Authentication methods", IAM User Guide: "There
 * is no comma between the algorithm and Credential, but the other elements must be separated by commas").
 */
describe("sandbox SigV4 verifier: the Authorization header", () => {
  const verifier = new SigV4Verifier();

  /** A request signed by the SDK, its Authorization header rewritten by `edit`. */
  async function withAuthorization(edit: (authorization: string) => string) {
    const request = await signed("/", {});
    request.headers.authorization = edit(request.headers.authorization);
    return request;
  }

  function refusal(request: Parameters<SigV4Verifier["verify"]>[0]): { code: string; message: string } {
    try {
      verifier.verify(request, scope);
    } catch (err) {
      const { code, message } = err as { code: string; message: string };
      return { code, message };
    }
    throw new Error("the verifier accepted the request");
  }

  it("accepts elements separated by a comma alone, or by a comma and spaces", async () => {
    for (const separator of [",", ", ", " ,  "]) {
      const request = await withAuthorization((header) => header.replace(/, /g, separator));
      expect(verifier.verify(request, scope).accessKeyId, JSON.stringify(separator)).to.equal(
        credentials.accessKeyId,
      );
    }
  });

  it("accepts a Credential with trailing slashes, which DynamoDB ignores", async () => {
    const request = await withAuthorization((header) => header.replace("/aws4_request", "/aws4_request//"));
    expect(verifier.verify(request, scope).accessKeyId).to.equal(credentials.accessKeyId);
  });

  it("names each missing element, and a missing date, in one IncompleteSignatureException", async () => {
    const noSignature = await withAuthorization((header) => header.replace(/, Signature=[0-9a-f]+/, ""));
    expect(refusal(noSignature)).to.deep.equal({
      code: "IncompleteSignatureException",
      message: `Authorization header requires 'Signature' parameter. Authorization=${noSignature.headers.authorization}`,
    });
    const emptySignature = await withAuthorization((header) =>
      header.replace(/Signature=[0-9a-f]+/, "Signature="),
    );
    expect(refusal(emptySignature).message).to.equal(
      `Authorization header requires 'Signature' parameter. Authorization=${emptySignature.headers.authorization}`,
    );
    const bare = await withAuthorization(() => "AWS4-HMAC-SHA256 credential=x");
    delete bare.headers["x-amz-date"];
    expect(refusal(bare)).to.deep.equal({
      code: "IncompleteSignatureException",
      message:
        "Authorization header requires 'Credential' parameter. " +
        "Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. " +
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
        "Authorization=AWS4-HMAC-SHA256 credential=x",
    });
  });

  it("refuses another algorithm, a Credential of other than five elements and a wrong terminator", async () => {
    const sha512 = await withAuthorization((header) =>
      header.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"),
    );
    expect(refusal(sha512)).to.deep.equal({
      code: "IncompleteSignatureException",
      message: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ",
    });
    const four = await withAuthorization((header) => header.replace("/aws4_request", ""));
    const credential = /Credential=([^,]+)/.exec(four.headers.authorization)?.[1];
    expect(refusal(four)).to.deep.equal({
      code: "IncompleteSignatureException",
      message:
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, " +
        `got '${credential}'`,
    });
    const terminator = await withAuthorization((header) => header.replace("/aws4_request", "/aws5_request"));
    expect(refusal(terminator)).to.deep.equal({
      code: "InvalidSignatureException",
      message: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
    });
  });

  /** The request's header lines as Node's rawHeaders lists them, with `extra` lines inserted at `at`. */
  function withRawHeaders(request: Awaited<ReturnType<typeof signed>>, extra: string[], at: number) {
    const raw = Object.entries(request.headers).flatMap(([name, value]) => [name, value]);
    raw.splice(at * 2, 0, ...extra);
    return { ...request, rawHeaders: raw };
  }

  it("refuses two Authorization headers or two Host headers, whichever comes first", async () => {
    const request = await signed("/", {});
    const lines = Object.keys(request.headers).length;
    for (const at of [0, lines]) {
      // Node keeps the first of each in `headers`; the second is seen in the raw lines only.
      const twoAuthorizations = withRawHeaders(
        request,
        ["Authorization", "AWS4-HMAC-SHA256 Credential=x"],
        at,
      );
      expect(refusal(twoAuthorizations)).to.deep.equal({
        code: "IncompleteSignatureException",
        message: "The request has 2 Authorization headers; a signed request has exactly one.",
      });
      const twoHosts = withRawHeaders(request, ["HOST", "evil.example"], at);
      expect(refusal(twoHosts)).to.deep.equal({
        code: "IncompleteSignatureException",
        message:
          "The request has 2 Host headers; an HTTP/1.1 request has exactly one (RFC 9112, section 3.2).",
      });
    }
    expect(verifier.verify(withRawHeaders(request, [], 0), scope).accessKeyId).to.equal(
      credentials.accessKeyId,
    );
  });

  it("refuses an X-Amz-Date whose fields are out of range (hour 24, day 32, month 13) as not ISO 8601", () => {
    // Date.UTC reads hour 24 as midnight of the next day: such a date would pass the clock-skew check.
    for (const date of [
      "20250101T240000Z",
      "20250132T000000Z",
      "20251301T000000Z",
      "20250229T000000Z",
      "20250101T236000Z",
    ]) {
      expect(parseAmzDate(date), date).to.equal(undefined);
    }
    expect(parseAmzDate("20240229T235959Z")).to.equal(Date.UTC(2024, 1, 29, 23, 59, 59));
  });

  it("answers a request dated hour 24 with IncompleteSignatureException, as any date not in ISO 8601 basic format", async () => {
    const now = new Date();
    const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10).replace(/-/g, "");
    // Hour 24 of yesterday is midnight today: within 15 minutes of now just after midnight, and never valid.
    const request = await withAuthorization((header) => header);
    request.headers["x-amz-date"] = `${yesterday}T240000Z`;
    expect(refusal(request)).to.deep.include({ code: "IncompleteSignatureException" });
    expect(refusal(request).message).to.match(/^Date must be in ISO-8601 'basic format'/);
  });
});
