/**
 * What the resource policies of a model name about principals, to choose the representatives of every
 * class of principal the policies can tell apart (docs/access.md, "Every principal class"):
 * - the AWS principals of every statement's Principal and NotPrincipal (IAM User Guide, "AWS JSON policy
 *   elements: Principal"): an account (its id or root ARN), a user, a role or a session ARN;
 * - the values of conditions on the caller's identity: aws:PrincipalArn (with wildcards under ArnLike or
 *   StringLike), aws:PrincipalAccount and kms:CallerAccount ("AWS global condition context keys"; KMS
 *   Developer Guide, "AWS KMS condition keys");
 * - the service principals of Principal.Service and aws:PrincipalServiceName, and the grantees of the
 *   grants DynamoDB creates for its tables (KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS").
 * - the member accounts of the organization a condition on aws:PrincipalOrgID or aws:PrincipalOrgPaths
 *   reads, when the model knows them (sandbox/deploy/organizationTree.ts): a principal of a member account
 *   decides otherwise than one of an account outside it.
 * The resource policies read are the key policies, the roles' trust policies and the tables' policies.
 */
import type { CloudModel } from "../sandbox/engine";

/** Where a name comes from: "key policy of KEY Sid X" or "trust policy of ROLE #2". */
export interface NamedBy {
  readonly value: string;
  readonly where: string;
}

export interface PolicyNames {
  /** ARNs or ARN patterns (with `*` and `?`) of IAM principals, as policies name them. */
  readonly principalPatterns: readonly NamedBy[];
  /** Account ids named by an account principal or an account condition. */
  readonly accounts: readonly NamedBy[];
  /** Service principals named, lower-cased. */
  readonly services: readonly NamedBy[];
}

const ARN_KEYS = new Set(["aws:principalarn"]);
const ACCOUNT_KEYS = new Set(["aws:principalaccount", "kms:calleraccount"]);
const SERVICE_KEYS = new Set(["aws:principalservicename", "aws:principalservicenameslist"]);
const ORGANIZATION_KEYS = new Set(["aws:principalorgid", "aws:principalorgpaths"]);

export function policyNames(model: CloudModel): PolicyNames {
  const principalPatterns: NamedBy[] = [];
  const accounts: NamedBy[] = [];
  const services: NamedBy[] = [];
  const documents = [
    ...model.keys.map((key) => ({ text: key.policy, of: `key policy of ${key.arn}` })),
    ...model.principals.flatMap((principal) =>
      principal.trust === undefined
        ? []
        : [{ text: principal.trust.policy, of: `trust policy of ${principal.arn}` }],
    ),
    ...model.tables.flatMap((table) =>
      table.resourcePolicy === undefined
        ? []
        : [{ text: table.resourcePolicy.document, of: `resource policy of ${table.arn}` }],
    ),
  ];
  const members = (model.organizationTree?.accounts ?? []).map((account) => account.id);
  for (const document of documents) {
    statementsOf(document.text).forEach((statement, index) => {
      const sid =
        typeof statement.Sid === "string" && statement.Sid !== "" ? `Sid ${statement.Sid}` : `#${index + 1}`;
      const where = `${document.of} ${sid}`;
      for (const element of [statement.Principal, statement.NotPrincipal]) {
        if (typeof element !== "object" || element === null) {
          continue;
        }
        for (const [type, raw] of Object.entries(element as Record<string, unknown>)) {
          for (const value of listOf(raw)) {
            if (type === "AWS" && value !== "*") {
              const account = accountOf(value);
              if (account !== undefined) {
                accounts.push({ value: account, where });
              } else {
                principalPatterns.push({ value, where });
              }
            } else if (type === "Service") {
              services.push({ value: value.toLowerCase(), where });
            }
          }
        }
      }
      const condition = statement.Condition;
      if (typeof condition !== "object" || condition === null) {
        return;
      }
      for (const block of Object.values(condition as Record<string, unknown>)) {
        if (typeof block !== "object" || block === null) {
          continue;
        }
        for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
          const lower = key.toLowerCase();
          for (const value of listOf(raw)) {
            if (ARN_KEYS.has(lower)) {
              principalPatterns.push({ value, where: `${where} (${key})` });
            } else if (ACCOUNT_KEYS.has(lower) && /^\d{12}$/.test(value)) {
              accounts.push({ value, where: `${where} (${key})` });
            } else if (SERVICE_KEYS.has(lower)) {
              services.push({ value: value.toLowerCase(), where: `${where} (${key})` });
            }
          }
          if (ORGANIZATION_KEYS.has(lower)) {
            for (const member of members) {
              accounts.push({
                value: member,
                where: `${where} (${key}: a member of ${model.organizationTree?.id})`,
              });
            }
          }
        }
      }
    });
  }
  for (const table of model.tables.filter((candidate) => candidate.keyArn !== undefined)) {
    services.push({
      value: `dynamodb.${model.region}.amazonaws.com`,
      where: `the grant DynamoDB creates on ${table.keyArn} for table ${table.name}`,
    });
  }
  return { principalPatterns, accounts, services };
}

/**
 * A principal ARN that `pattern` matches: each `*` becomes "access-analysis" (or, in the account field, an
 * account id of twelve digits), each `?` a letter. Undefined when no IAM user, role or root matches it.
 */
export function witnessOf(pattern: string): string | undefined {
  const parts = pattern.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || parts[2] !== "iam") {
    return undefined;
  }
  const fill = (text: string, star: string): string => text.replace(/\*/g, star).replace(/\?/g, "x");
  const account =
    parts[4].includes("*") || parts[4].includes("?") ? fill(parts[4], "").replace(/\D/g, "") : parts[4];
  const paddedAccount = account.length < 12 ? account.padEnd(12, "7") : account;
  return [
    parts[0],
    fill(parts[1], "aws"),
    "iam",
    "",
    paddedAccount,
    fill(parts.slice(5).join(":"), "access-analysis"),
  ].join(":");
}

/** Whether `arn` matches the ARN pattern (`*` any run of characters, `?` one: IAM User Guide, ArnLike). */
export function matchesPattern(pattern: string, arn: string): boolean {
  const body = pattern
    .split("")
    .map((character) =>
      character === "*" ? ".*" : character === "?" ? "." : character.replace(/[.+^$()|[\]{}\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${body}$`).test(arn);
}

/** The account a Principal AWS entry names as a whole: a 12-digit id or an account root ARN. */
function accountOf(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) {
    return value;
  }
  const match = /^arn:[^:]+:iam::(\d{12}):root$/.exec(value);
  return match === null ? undefined : match[1];
}

function listOf(raw: unknown): string[] {
  return (Array.isArray(raw) ? raw : [raw]).filter((value): value is string => typeof value === "string");
}

function statementsOf(text: string): Record<string, unknown>[] {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    return [];
  }
  const raw = (policy as { Statement?: unknown } | null)?.Statement;
  return (Array.isArray(raw) ? raw : [raw]).filter(
    (statement): statement is Record<string, unknown> => typeof statement === "object" && statement !== null,
  );
}
