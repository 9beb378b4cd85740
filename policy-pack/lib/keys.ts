/**
 * Recognising a KMS key reference in any of the four forms DynamoDB accepts for its key ("To specify
 * a key, use its key ID, Amazon Resource Name (ARN), alias name, or alias ARN", CloudFormation
 * AWS::DynamoDB::Table SSESpecification.KMSMasterKeyId), and telling AWS managed keys apart.
 *
 * AWS reserves alias names that begin with `alias/aws/` for AWS managed keys (KMS developer guide,
 * "Aliases in AWS KMS"), so an alias name or alias ARN under `aws/` is an AWS managed key whoever
 * writes it. A bare key id or key ARN does not say who manages the key: only KMS DescribeKey
 * (KeyManager) does, which a policy cannot call. The allowed-keys config closes that gap.
 */

export type KeyReferenceForm = "key id" | "key ARN" | "alias name" | "alias ARN";

export type KeyReference =
  | { kind: "customer"; form: KeyReferenceForm }
  | { kind: "aws-managed"; form: "alias name" | "alias ARN"; alias: string }
  | { kind: "malformed" };

const KEY_ID =
  "(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})";
const ALIAS_NAME = "alias/[a-zA-Z0-9/_-]+";
// Partitions: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, ...
const ARN_PREFIX = "arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:";

const KEY_ID_RE = new RegExp(`^${KEY_ID}$`);
const KEY_ARN_RE = new RegExp(`^${ARN_PREFIX}key/${KEY_ID}$`);
const ALIAS_NAME_RE = new RegExp(`^(${ALIAS_NAME})$`);
const ALIAS_ARN_RE = new RegExp(`^${ARN_PREFIX}(${ALIAS_NAME})$`);

/** The prefix of every alias AWS creates for its managed keys, e.g. `alias/aws/dynamodb`. */
export const AWS_MANAGED_ALIAS_PREFIX = "alias/aws/";

export function classifyKeyReference(reference: string): KeyReference {
  if (KEY_ID_RE.test(reference)) {
    return { kind: "customer", form: "key id" };
  }
  if (KEY_ARN_RE.test(reference)) {
    return { kind: "customer", form: "key ARN" };
  }
  const aliasName = ALIAS_NAME_RE.exec(reference);
  if (aliasName) {
    return aliasKind(aliasName[1], "alias name");
  }
  const aliasArn = ALIAS_ARN_RE.exec(reference);
  if (aliasArn) {
    return aliasKind(aliasArn[1], "alias ARN");
  }
  return { kind: "malformed" };
}

function aliasKind(alias: string, form: "alias name" | "alias ARN"): KeyReference {
  if (alias.startsWith(AWS_MANAGED_ALIAS_PREFIX)) {
    return { kind: "aws-managed", form, alias };
  }
  return { kind: "customer", form };
}

/** The allowed-keys config shared by the table rules: a list of references and/or a pattern. */
export interface AllowedKeys {
  /** Key ARNs (or any other reference form) that tables may use. Default: [] (any customer-managed key). */
  allowedKeys: string[];
  /** A regular expression a key reference must match. Default: "" (no pattern). */
  allowedKeyPattern: string;
}

export const ALLOWED_KEYS_DEFAULTS: AllowedKeys = { allowedKeys: [], allowedKeyPattern: "" };

export const ALLOWED_KEYS_SCHEMA = {
  allowedKeys: {
    type: "array",
    items: { type: "string" },
    default: [],
    description:
      "Key ARNs (or key ids, alias names, alias ARNs) that tables may use; empty allows any customer-managed key.",
  },
  allowedKeyPattern: {
    type: "string",
    default: "",
    description:
      "A regular expression every key reference must match, e.g. ^arn:aws:kms:[a-z0-9-]+:111122223333:key/; empty for none.",
  },
} as const;

/**
 * Returns undefined when `reference` is allowed by the config, else a sentence saying why not.
 * With neither a list nor a pattern configured, every customer-managed key is allowed.
 */
export function checkAllowedKey(reference: string, config: AllowedKeys): string | undefined {
  const { allowedKeys, allowedKeyPattern } = config;
  if (allowedKeys.length === 0 && allowedKeyPattern === "") {
    return undefined;
  }
  if (allowedKeys.includes(reference)) {
    return undefined;
  }
  if (allowedKeyPattern !== "" && compilePattern(allowedKeyPattern).test(reference)) {
    return undefined;
  }
  const accepted: string[] = [];
  if (allowedKeys.length > 0) {
    accepted.push(`one of allowedKeys (${allowedKeys.join(", ")})`);
  }
  if (allowedKeyPattern !== "") {
    accepted.push(`a match for allowedKeyPattern /${allowedKeyPattern}/`);
  }
  return `${JSON.stringify(reference)} is not ${accepted.join(" or ")}`;
}

/**
 * The last allowedKeyPattern compiled: the config holds one pattern for the whole stack, and every
 * table of it is checked against it, so it is compiled once rather than once per table.
 */
let lastPattern: { source: string; compiled: RegExp } | undefined;

function compilePattern(pattern: string): RegExp {
  if (lastPattern?.source === pattern) {
    return lastPattern.compiled;
  }
  try {
    const compiled = new RegExp(pattern);
    lastPattern = { source: pattern, compiled };
    return compiled;
  } catch (err) {
    throw new Error(
      `policy config allowedKeyPattern: ${JSON.stringify(pattern)} is not a valid regular expression (${(err as Error).message})`,
      { cause: err },
    );
  }
}

/** How messages name a KMS key resource. */
export function keySubject(args: { name: string; type: string }): string {
  return `KMS key "${args.name}" (${args.type})`;
}
