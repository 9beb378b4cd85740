/**
 * The three wire protocols the sandbox speaks, and how each one shapes answers and errors, so that AWS SDK
 * v3 clients and the AWS CLI read them exactly as they read AWS's:
 * - DynamoDB: AWS JSON 1.0. Errors are `{"__type": "NAMESPACE#Code", "message"}`; every response carries
 *   `x-amz-crc32`, the CRC32 of the body, which botocore (the AWS CLI) checks.
 * - KMS: AWS JSON 1.1. Errors are `{"__type": "Code", "message"}`.
 * - STS: the query protocol (form-encoded request, XML answer), errors in `<ErrorResponse>`, and STS's own
 *   codes for authentication failures (InvalidClientTokenId, SignatureDoesNotMatch, HTTP 403).
 * SDK v3 takes the error name from `x-amzn-errortype` or `__type` (after `#`); both are set.
 */
import { crc32 } from "node:zlib";
import { AwsError } from "../errors";

/** `iam` is the query protocol as STS speaks it, in IAM's namespace; `organizations` is JSON 1.1 as KMS. */
export type Protocol = "dynamodb" | "kms" | "sts" | "iam" | "organizations";

/** The XML namespace of each query-protocol service's answers (its API version's). */
const QUERY_NAMESPACES: Record<"sts" | "iam", string> = {
  sts: "https://sts.amazonaws.com/doc/2011-06-15/",
  iam: "https://iam.amazonaws.com/doc/2010-05-08/",
};

export interface Reply {
  status: number;
  /** Every header the answer carries, Content-Length included. */
  headers: Record<string, string>;
  /** The body, encoded once: its CRC32, its length and the bytes sent all come from this buffer. */
  body: Buffer;
}

/** DynamoDB's errors come from three namespaces; SDKs ignore the namespace, the AWS CLI prints it. */
const CORAL_SERVICE_ERRORS = new Set([
  "AccessDeniedException",
  "IncompleteSignatureException",
  "InvalidSignatureException",
  "MissingAuthenticationTokenException",
  "RequestEntityTooLarge",
  "SerializationException",
  "UnknownOperationException",
  "UnrecognizedClientException",
]);

/** STS answers authentication failures with its own codes and HTTP 403 (STS API reference, Common Errors). */
const STS_AUTH_ERRORS: Record<string, { code: string; status: number }> = {
  MissingAuthenticationTokenException: { code: "MissingAuthenticationToken", status: 403 },
  IncompleteSignatureException: { code: "IncompleteSignature", status: 400 },
  UnrecognizedClientException: { code: "InvalidClientTokenId", status: 403 },
  InvalidSignatureException: { code: "SignatureDoesNotMatch", status: 403 },
  ExpiredTokenException: { code: "ExpiredToken", status: 403 },
};

const CONTENT_TYPES: Record<Protocol, string> = {
  dynamodb: "application/x-amz-json-1.0",
  kms: "application/x-amz-json-1.1",
  sts: "text/xml",
  iam: "text/xml",
  organizations: "application/x-amz-json-1.1",
};

/** A successful JSON answer (DynamoDB or KMS). */
export function jsonReply(
  protocol: "dynamodb" | "kms" | "organizations",
  payload: unknown,
  requestId: string,
): Reply {
  return withBody(protocol, 200, JSON.stringify(payload), requestId);
}

/** A successful STS or IAM answer: `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>`. */
export function queryReply(
  action: string,
  resultXml: string,
  requestId: string,
  protocol: "sts" | "iam" = "sts",
): Reply {
  const body =
    `<${action}Response xmlns="${QUERY_NAMESPACES[protocol]}">\n` +
    `  <${action}Result>\n${resultXml}  </${action}Result>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</${action}Response>\n`;
  return withBody(protocol, 200, body, requestId);
}

/** The error answer for `error` in the protocol's own shape. */
export function errorReply(protocol: Protocol, error: AwsError, requestId: string): Reply {
  if (protocol === "sts" || protocol === "iam") {
    const mapped = STS_AUTH_ERRORS[error.code] ?? { code: error.code, status: error.status };
    const type = mapped.status >= 500 ? "Receiver" : "Sender";
    const body =
      `<ErrorResponse xmlns="${QUERY_NAMESPACES[protocol]}">\n` +
      `  <Error>\n    <Type>${type}</Type>\n    <Code>${xmlEscape(mapped.code)}</Code>\n` +
      `    <Message>${xmlEscape(error.message)}</Message>\n  </Error>\n` +
      `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
    return withBody(protocol, mapped.status, body, requestId, mapped.code);
  }
  const type =
    protocol === "kms" || protocol === "organizations"
      ? error.code
      : `${dynamoDbNamespace(error.code)}#${error.code}`;
  const body = JSON.stringify({ __type: type, message: error.message, ...error.details });
  return withBody(protocol, error.status, body, requestId, error.code);
}

function dynamoDbNamespace(code: string): string {
  if (code === "ValidationException") {
    return "com.amazon.coral.validate";
  }
  return CORAL_SERVICE_ERRORS.has(code) ? "com.amazon.coral.service" : "com.amazonaws.dynamodb.v20120810";
}

/** The answer's headers and body; an error's code also goes in `x-amzn-errortype`. */
function withBody(
  protocol: Protocol,
  status: number,
  body: string,
  requestId: string,
  errorType?: string,
): Reply {
  const bytes = Buffer.from(body, "utf8");
  const headers: Record<string, string> = {
    "content-type": CONTENT_TYPES[protocol],
    "x-amzn-requestid": requestId,
  };
  if (errorType !== undefined) {
    headers["x-amzn-errortype"] = errorType;
  }
  if (protocol === "dynamodb") {
    headers["x-amz-crc32"] = String(crc32(bytes));
  }
  headers["content-length"] = String(bytes.length);
  return { status, headers, body: bytes };
}

const XML_ENTITIES: Record<string, string> = {
  "<": "&lt;",
  ">": "&gt;",
  "&": "&amp;",
  "'": "&apos;",
  '"': "&quot;",
};

export function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => XML_ENTITIES[char]);
}

/** Whether a parsed JSON value nests objects and arrays deeper than `maxDepth` (walked without recursion). */
export function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, depth] = next;
    if (typeof current !== "object" || current === null) {
      continue;
    }
    if (depth >= maxDepth) {
      return true;
    }
    for (const member of Array.isArray(current) ? current : Object.values(current)) {
      pending.push([member, depth + 1]);
    }
  }
  return false;
}
