/**
 * Verifies AWS Signature Version 4 on a request the sandbox received, the way AWS front ends do: parse the
 * Authorization header, check its date and scope, look the access key up, then recompute the signature over
 * the request as received (with @smithy/signature-v4's canonicalization) and compare in constant time.
 *
 * Error codes and messages are AWS's own (DynamoDB's answers, also quoted in dynalite's index.js):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html
 */
import { createHmac, hash, timingSafeEqual } from "node:crypto";
import { Hash } from "@smithy/hash-node";
import { SignatureV4Base } from "@smithy/signature-v4";
import type { ChecksumConstructor, HeaderBag, HttpRequest, SourceData } from "@smithy/types";
import { AwsError } from "../errors";

/** The hash smithy's base class is configured with; only its canonicalization is used, which hashes nothing. */
const Sha256: ChecksumConstructor = class extends Hash {
  constructor(secret?: SourceData) {
    super("sha256", secret);
  }
};

/**
 * SHA-256 and HMAC-SHA256 are computed with Node's crypto synchronously: they are microseconds of work,
 * and the SDK's async Hash interface cost the sandbox more in promise turns than in hashing, on every
 * request. crypto.hash is Node's one-shot digest (Node >= 20.12), a third of createHash's cost.
 */
const sha256Hex = (data: string | Buffer): string => hash("sha256", data, "hex");
const hmac = (key: Buffer | string, data: string): Buffer => createHmac("sha256", key).update(data).digest();

const ALGORITHM = "AWS4-HMAC-SHA256";
const SHA256_BLOCK_BYTES = 64;
const SHA256_BYTES = 32;
/** Room after the inner pad for a string to sign (about 150 bytes: algorithm, date, scope, a hash). */
const HMAC_TEXT_ROOM = 448;
/** AWS rejects a request whose X-Amz-Date is more than 15 minutes away from its clock. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret " +
  "Access Key and signing method. Consult the service documentation for details.";
export const INVALID_TOKEN = "The security token included in the request is invalid.";
/** AWS's answer to a request signed with temporary credentials past their expiration (ExpiredTokenException). */
export const EXPIRED_TOKEN = "The security token included in the request is expired";

/** A request as read off the wire, header names in lower case (as Node gives them). */
export interface ReceivedRequest {
  method: string;
  /** The request target: path and query string. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /**
   * The header lines as received, names and values alternating (Node's `rawHeaders`): Node keeps only the
   * first of two Authorization or Host lines in `headers`, so a second one is found here.
   */
  rawHeaders?: readonly string[];
  body: Buffer;
  /** The address it came from (aws:SourceIp), when it came over a socket. */
  sourceIp?: string;
}

export interface VerifiedSignature {
  accessKeyId: string;
  region: string;
  service: string;
}

/** What a request is checked against: the service it addresses and the deployed access keys. */
export interface VerificationScope {
  /** The signing name of the service the request addresses (dynamodb, kms, sts). */
  service: string;
  /** The one region this endpoint serves; credential scopes must name it. Any, before a deployment. */
  region: string | undefined;
  /** The secret of an active access key, or undefined when no such key exists. */
  secretOf(accessKeyId: string): string | undefined;
  /**
   * For temporary credentials (an STS role session): the session token the request must carry in
   * X-Amz-Security-Token, and whether the credentials have expired. Undefined for a long-term key.
   */
  sessionOf?(accessKeyId: string): { readonly token: string; readonly expired: boolean } | undefined;
}

interface AuthorizationFields {
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Exposes smithy's canonical-request and string-to-sign builders, which SignatureV4Base keeps protected. */
class Canonicalizer extends SignatureV4Base {
  constructor() {
    super({ service: "", region: "", credentials: { accessKeyId: "", secretAccessKey: "" }, sha256: Sha256 });
  }
  canonicalRequest(request: HttpRequest, headers: HeaderBag, payloadHash: string): string {
    return this.createCanonicalRequest(request, headers, payloadHash);
  }
}

/**
 * The string to sign: the algorithm, the request date, the credential scope and the hex SHA-256 of the
 * canonical request, one per line (IAM User Guide, "Create a signed AWS API request", step 2).
 */
function stringToSign(longDate: string, credentialScope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${longDate}\n${credentialScope}\n${sha256Hex(canonicalRequest)}`;
}

/**
 * HMAC-SHA256 under one key, prepared once: the key XORed with the inner and outer pads (RFC 2104,
 * section 2; SHA-256's block is 64 bytes, and a 32-byte signing key needs no hashing first). Signing is
 * then two one-shot digests, H(K ^ opad || H(K ^ ipad || text)): no native Hmac object per request,
 * whose construction was the verifier's largest single cost under load. Each pad sits at the start of a
 * buffer kept with the key, the text (or the inner digest) written after it, so a signature allocates
 * only its digests; signing is synchronous, so no two requests share the buffers at once.
 */
class PreparedHmac {
  private readonly inner = Buffer.alloc(SHA256_BLOCK_BYTES + HMAC_TEXT_ROOM, 0x36);
  private readonly outer = Buffer.alloc(SHA256_BLOCK_BYTES + SHA256_BYTES, 0x5c);

  constructor(key: Buffer) {
    if (key.length > SHA256_BLOCK_BYTES) {
      throw new Error(`an HMAC key of ${key.length} bytes must be hashed first`);
    }
    for (let i = 0; i < key.length; i++) {
      this.inner[i] ^= key[i];
      this.outer[i] ^= key[i];
    }
  }

  hex(text: string): string {
    // A UTF-16 code unit is at most 3 bytes of UTF-8: a text that might not fit is joined to a copy.
    const innerText =
      text.length * 3 <= HMAC_TEXT_ROOM
        ? this.inner.subarray(0, SHA256_BLOCK_BYTES + this.inner.write(text, SHA256_BLOCK_BYTES, "utf8"))
        : Buffer.concat([this.inner.subarray(0, SHA256_BLOCK_BYTES), Buffer.from(text, "utf8")]);
    // The inner digest as a "binary" (latin1) string, one character per byte, written back as bytes:
    // crypto.hash's "buffer" output costs about four times its string outputs (~1.4 vs ~0.34 µs, Node 20).
    this.outer.write(hash("sha256", innerText, "binary"), SHA256_BLOCK_BYTES, "binary");
    return hash("sha256", this.outer, "hex");
  }
}

/**
 * The signing key: HMAC-SHA256 chained from "AWS4" + the secret over the date, region, service and
 * "aws4_request" (IAM User Guide, "Create a signed AWS API request", step 3).
 */
function deriveSigningKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  const dateKey = hmac(`AWS4${secret}`, shortDate);
  return hmac(hmac(hmac(dateKey, region), service), "aws4_request");
}

export class SigV4Verifier {
  private readonly canonicalizer = new Canonicalizer();
  /** Signing keys per access key, day, region and service: they change once a day, not per request. */
  private readonly signingKeys = new Map<string, { secret: string; key: PreparedHmac }>();
  /** The last X-Amz-Date read, and its time: a client sends the same one for every request in a second. */
  private lastDate: { text: string; time: number | undefined } = { text: "", time: undefined };

  /** Checks the request's signature; throws the AwsError AWS would answer with. */
  verify(request: ReceivedRequest, scope: VerificationScope): VerifiedSignature {
    refuseRepeatedHeaders(request.rawHeaders);
    const authorization = headerValue(request.headers, "authorization");
    if (authorization === undefined || !authorization.trim().startsWith("AWS4-")) {
      if (hasQueryAuth(request.url)) {
        throw new AwsError(
          "IncompleteSignatureException",
          "This endpoint accepts only the Authorization header, not query-string (presigned) authentication.",
        );
      }
      throw new AwsError("MissingAuthenticationTokenException", "Request is missing Authentication Token");
    }
    const amzDate = headerValue(request.headers, "x-amz-date");
    const fields = parseAuthorization(authorization, amzDate);
    this.checkDate(amzDate as string, fields);
    checkScope(fields, scope);
    if (!fields.signedHeaders.includes("host")) {
      throw new AwsError(
        "InvalidSignatureException",
        "'Host' must be a 'SignedHeader' in the AWS Authorization.",
      );
    }
    if (
      headerValue(request.headers, "x-amz-target") !== undefined &&
      !fields.signedHeaders.includes("x-amz-target")
    ) {
      // X-Amz-Target names the operation: unsigned, anyone on the path could turn a GetItem into a
      // DeleteItem. SigV4 signs every x-amz-* header a request carries ("Create a signed AWS API
      // request", IAM User Guide); the message follows AWS's for an unsigned Host, just above.
      throw new AwsError(
        "InvalidSignatureException",
        "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
      );
    }
    const secret = scope.secretOf(fields.accessKeyId);
    const session = scope.sessionOf?.(fields.accessKeyId);
    const presentedToken = headerValue(request.headers, "x-amz-security-token");
    // Temporary credentials work only with their own session token, and long-term keys with none (IAM
    // User Guide, "Use temporary credentials with AWS resources": the token goes in X-Amz-Security-Token).
    if (
      secret === undefined ||
      (session === undefined ? presentedToken !== undefined : !tokensEqual(presentedToken, session.token))
    ) {
      throw new AwsError("UnrecognizedClientException", INVALID_TOKEN);
    }
    const payloadHash = this.payloadHash(request);
    const canonicalRequest = this.canonicalRequest(request, fields.signedHeaders, payloadHash);
    const credentialScope = `${fields.shortDate}/${fields.region}/${fields.service}/aws4_request`;
    const toSign = stringToSign(amzDate as string, credentialScope, canonicalRequest);
    const expected = this.signingKey(fields, secret).hex(toSign);
    if (!constantTimeEquals(expected, fields.signature)) {
      throw new AwsError(
        "InvalidSignatureException",
        `${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
          `The String-to-Sign should have been\n'${toSign}'\n`,
      );
    }
    if (session?.expired) {
      // Checked once the signature is known good: only the credentials' holder learns they expired.
      throw new AwsError("ExpiredTokenException", EXPIRED_TOKEN);
    }
    return { accessKeyId: fields.accessKeyId, region: fields.region, service: fields.service };
  }

  /**
   * The canonical request ("Create a signed AWS API request", step 1, IAM User Guide): the method, the
   * canonical URI, the canonical query string, one `name:value` line per signed header (names in lower
   * case and sorted, values trimmed with inner runs of spaces made one), the signed header names, and the
   * payload's hash. Every JSON and query protocol request (DynamoDB, KMS, STS) is a POST to the root
   * path with no query string, whose canonical URI is "/" and query string empty: those are assembled
   * here directly, for a third of the verifier's CPU per request. Any other target takes its canonical
   * URI and query string from smithy's canonicalization, which normalizes and encodes paths and sorts
   * query parameters. test/sandbox/http/sigv4.test.ts signs both kinds with the SDK's own signer.
   */
  private canonicalRequest(request: ReceivedRequest, signedHeaders: string[], payloadHash: string): string {
    if (request.url !== "/") {
      // Null prototype: a header named __proto__ is a header like any other.
      const headers: HeaderBag = Object.create(null) as HeaderBag;
      for (const name of signedHeaders) {
        headers[name] = canonicalHeaderValue(headerValue(request.headers, name) ?? "");
      }
      return this.canonicalizer.canonicalRequest(toSmithyRequest(request), headers, payloadHash);
    }
    // Every signed header, sorted, each once. One the request does not carry is signed with an empty
    // value, as AWS builds the canonical request from SignedHeaders: a name added to SignedHeaders after
    // signing, or a header dropped on the way, no longer matches the client's signature.
    const names = signedHeaders.slice().sort();
    let lines = "";
    let list = "";
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (i > 0 && name === names[i - 1]) {
        continue;
      }
      lines += `${name}:${canonicalHeaderValue(headerValue(request.headers, name) ?? "")}\n`;
      list += list === "" ? name : `;${name}`;
    }
    return `${request.method}\n/\n\n${lines}\n${list}\n${payloadHash}`;
  }

  private checkDate(amzDate: string, fields: AuthorizationFields): void {
    if (amzDate !== this.lastDate.text) {
      this.lastDate = { text: amzDate, time: parseAmzDate(amzDate) };
    }
    const signedAt = this.lastDate.time;
    if (signedAt === undefined) {
      throw new AwsError(
        "IncompleteSignatureException",
        `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      );
    }
    if (fields.shortDate !== amzDate.slice(0, 8)) {
      throw new AwsError(
        "InvalidSignatureException",
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
          `'${fields.shortDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    }
    const now = Date.now();
    if (signedAt < now - MAX_CLOCK_SKEW_MS) {
      throw new AwsError(
        "InvalidSignatureException",
        `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - MAX_CLOCK_SKEW_MS)} ` +
          `(${formatAmzDate(now)} - 15 min.)`,
      );
    }
    if (signedAt > now + MAX_CLOCK_SKEW_MS) {
      throw new AwsError(
        "InvalidSignatureException",
        `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + MAX_CLOCK_SKEW_MS)} ` +
          `(${formatAmzDate(now)} + 15 min.)`,
      );
    }
  }

  /** The body's SHA-256; a signed x-amz-content-sha256 that disagrees with the body is refused. */
  private payloadHash(request: ReceivedRequest): string {
    const actual = sha256Hex(request.body);
    const declared = headerValue(request.headers, "x-amz-content-sha256");
    if (declared !== undefined && declared !== actual) {
      throw new AwsError(
        "InvalidSignatureException",
        `The provided 'x-amz-content-sha256' header does not match what was computed: ${declared}`,
      );
    }
    return actual;
  }

  private signingKey(fields: AuthorizationFields, secret: string): PreparedHmac {
    const cacheKey = `${fields.accessKeyId}/${fields.shortDate}/${fields.region}/${fields.service}`;
    const cached = this.signingKeys.get(cacheKey);
    if (cached !== undefined && cached.secret === secret) {
      return cached.key;
    }
    if (this.signingKeys.size > 1000) {
      this.signingKeys.clear();
    }
    const key = new PreparedHmac(deriveSigningKey(secret, fields.shortDate, fields.region, fields.service));
    this.signingKeys.set(cacheKey, { secret, key });
    return key;
  }
}

/**
 * Two Authorization lines, or two Host lines, whatever their order: which one was signed, and which one
 * names the endpoint, would depend on which the reader keeps (Node keeps the first). RFC 9112, section
 * 3.2: a request with more than one Host line is answered 400; a signature is checked against one
 * Authorization header ("Authentication methods", IAM User Guide), so two are an incomplete signature.
 */
function refuseRepeatedHeaders(rawHeaders: readonly string[] | undefined): void {
  if (rawHeaders === undefined) {
    return;
  }
  let hosts = 0;
  let authorizations = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    // Only names of the two lengths are compared, without lower-casing every name.
    if (name.length === 4 && name.toLowerCase() === "host") {
      hosts++;
    } else if (name.length === 13 && name.toLowerCase() === "authorization") {
      authorizations++;
    }
  }
  if (authorizations > 1) {
    throw new AwsError(
      "IncompleteSignatureException",
      `The request has ${authorizations} Authorization headers; a signed request has exactly one.`,
    );
  }
  if (hosts > 1) {
    throw new AwsError(
      "IncompleteSignatureException",
      `The request has ${hosts} Host headers; an HTTP/1.1 request has exactly one (RFC 9112, section 3.2).`,
    );
  }
}

function checkScope(fields: AuthorizationFields, scope: VerificationScope): void {
  const problems: string[] = [];
  if (scope.region !== undefined && fields.region !== scope.region) {
    problems.push(`Credential should be scoped to a valid region, not '${fields.region}'. `);
  }
  if (fields.service !== scope.service) {
    problems.push(`Credential should be scoped to correct service: '${scope.service}'. `);
  }
  if (problems.length > 0) {
    throw new AwsError("InvalidSignatureException", problems.join(""));
  }
}

/**
 * The Authorization header's parts: the algorithm, then `Name=value` elements separated by commas and
 * white space ("Authentication methods", IAM User Guide: "There is no comma between the algorithm and
 * Credential, but the other elements must be separated by commas"); an element named twice counts once,
 * the last one. The three elements are kept in variables, not a Map built per request.
 */
function parseAuthorization(authorization: string, amzDate: string | undefined): AuthorizationFields {
  const trimmed = authorization.trim();
  const algorithm = trimmed.split(/\s/, 1)[0];
  let credential = "";
  let signedHeaders = "";
  let signature = "";
  for (const part of trimmed.slice(algorithm.length).split(ELEMENT_SEPARATOR)) {
    const equals = part.indexOf("=");
    if (equals > 0) {
      const value = part.slice(equals + 1);
      if (isElement(part, equals, "Credential")) {
        credential = value;
      } else if (isElement(part, equals, "SignedHeaders")) {
        signedHeaders = value;
      } else if (isElement(part, equals, "Signature")) {
        signature = value;
      }
    }
  }
  let missing = "";
  if (credential === "") {
    missing += "Authorization header requires 'Credential' parameter. ";
  }
  if (signature === "") {
    missing += "Authorization header requires 'Signature' parameter. ";
  }
  if (signedHeaders === "") {
    missing += "Authorization header requires 'SignedHeaders' parameter. ";
  }
  if (amzDate === undefined) {
    missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (missing !== "") {
    throw new AwsError("IncompleteSignatureException", `${missing}Authorization=${authorization}`);
  }
  if (algorithm !== ALGORITHM) {
    throw new AwsError(
      "IncompleteSignatureException",
      `Unsupported AWS 'algorithm': '${algorithm}' (only ${ALGORITHM} for now). `,
    );
  }
  // Trailing slashes are ignored (as DynamoDB does, dynalite's index.js).
  const scope = (credential.endsWith("/") ? credential.replace(/\/+$/, "") : credential).split("/");
  if (scope.length !== 5) {
    throw new AwsError(
      "IncompleteSignatureException",
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, " +
        `got '${credential}'`,
    );
  }
  if (scope[4] !== "aws4_request") {
    throw new AwsError(
      "InvalidSignatureException",
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${scope[4]}'. `,
    );
  }
  return {
    accessKeyId: scope[0],
    shortDate: scope[1],
    region: scope[2],
    service: scope[3],
    signedHeaders: signedHeaders.toLowerCase().split(";"),
    signature,
  };
}

const ELEMENT_SEPARATOR = /[,\s]+/;

/** Whether the part before `equals` is the element name `name`, without slicing it out. */
function isElement(part: string, equals: number, name: string): boolean {
  return equals === name.length && part.startsWith(name);
}

/** The request in smithy's shape, for its canonical URI and query string. */
function toSmithyRequest(request: ReceivedRequest): HttpRequest {
  const queryStart = request.url.indexOf("?");
  const rawPath = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
  const query: Record<string, string | string[]> = {};
  if (queryStart >= 0) {
    for (const [name, value] of new URLSearchParams(request.url.slice(queryStart + 1))) {
      const existing = query[name];
      query[name] = existing === undefined ? value : [...[existing].flat(), value];
    }
  }
  return {
    method: request.method,
    protocol: "http:",
    hostname: headerValue(request.headers, "host") ?? "",
    // The path as sent, encoded once: smithy encodes it again, as SigV4 does for every service but S3
    // ("Each path segment must be URI-encoded twice", IAM User Guide, "Create a signed AWS API request").
    path: rawPath,
    query,
    // The canonical headers are the verifier's own (canonicalRequest); smithy reads only the URI and query.
    headers: {},
    body: request.body,
  };
}

/**
 * A header value as the canonical request holds it: line breaks and runs of spaces or tabs made one space,
 * trimmed of one space at each end (as smithy's getCanonicalHeaders). Most values (every one the SDK sends)
 * have none of these, and one test finds that instead of three replacements.
 */
function canonicalHeaderValue(value: string): string {
  if (!NEEDS_CANONICALIZING.test(value)) {
    return value;
  }
  return value
    .replace(/[\r\n]/g, " ")
    .replace(/[ \t]+/g, " ")
    .replace(/^ | $/g, "");
}

/** What canonicalHeaderValue changes: a tab or line break, two spaces in a row, a space at either end. */
const NEEDS_CANONICALIZING = /[\t\r\n]| {2}|^ | $/;

function hasQueryAuth(url: string): boolean {
  return /[?&]X-Amz-Algorithm=/i.test(url);
}

/**
 * A header's value, repeated ones joined by commas. Node's `req.headers` inherits from Object.prototype,
 * and the names come from the client (SignedHeaders): `constructor` or `toString` is a header the request
 * does not have, not an inherited function.
 */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name];
  return typeof value === "string" ? value : Array.isArray(value) ? value.join(",") : undefined;
}

function tokensEqual(presented: string | undefined, expected: string): boolean {
  return presented !== undefined && constantTimeEquals(expected, presented);
}

function constantTimeEquals(expectedHex: string, providedHex: string): boolean {
  const expected = Buffer.from(expectedHex, "utf8");
  const provided = Buffer.from(providedHex, "utf8");
  return expected.length === provided.length && timingSafeEqual(expected, provided);
}

/**
 * Parses ISO-8601 basic format, `YYYYMMDD'T'HHMMSS'Z'`, as SigV4 requires. Every field must be in range:
 * Date.UTC would read hour 24 as midnight of the next day, and month 13 as January, which is not a
 * valid timestamp (ISO 8601 keeps 24:00 for the end of a day, which no clock reads).
 */
export function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) {
    return undefined;
  }
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(time);
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return exact ? time : undefined;
}

function formatAmzDate(time: number): string {
  return new Date(time)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}
