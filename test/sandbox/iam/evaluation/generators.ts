/**
 * fast-check generators of policy sets and requests for the evaluator's property tests: principals of two
 * accounts, DynamoDB tables and KMS keys, identity-based policies, boundaries, session policies, SCP and
 * RCP levels, table resource policies and key policies, conditions over every operator family and a
 * request context to match.
 */
import fc from "fast-check";
import {
  compilePolicy,
  contextFrom,
  principalFromArn,
  type EvalRequest,
  type PolicyKind,
  type PolicySet,
} from "../../../../sandbox/iam/evaluation";

export const ACCOUNT = "111111111111";
export const OTHER = "222222222222";
export const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;
export const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
export const OTHER_ROOT = `arn:aws:iam::${OTHER}:root`;
export const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
export const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;
export const CAROL = `arn:aws:iam::${OTHER}:user/carol`;
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
export const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app/s1`;
export const OTHER_ROLE = `arn:aws:iam::${OTHER}:role/partner`;
export const OTHER_SESSION = `arn:aws:sts::${OTHER}:assumed-role/partner/s1`;
export const SERVICE = "dynamodb.amazonaws.com";
export const ANONYMOUS = "anonymous";

export type Json = Record<string, unknown>;

export interface GeneratedCase {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceKind: "kms-key" | "dynamodb" | "none";
  readonly identity: readonly Json[];
  readonly boundary?: Json;
  readonly session?: Json;
  readonly scps: readonly (readonly Json[])[];
  readonly rcps: readonly (readonly Json[])[];
  readonly resourcePolicy?: Json;
  readonly context: Readonly<Record<string, string | string[]>>;
}

/** The context keys the generator uses, by type, with request values and policy values. */
interface KeySpec {
  readonly key: string;
  readonly type: "string" | "array" | "ip" | "bool" | "date" | "numeric" | "arn";
  readonly requestValues: readonly string[];
  readonly policyValues: readonly string[];
  /** Only for these services' actions. */
  readonly service?: "dynamodb" | "kms";
}

export const KEYS: readonly KeySpec[] = [
  {
    key: "aws:username",
    type: "string",
    requestValues: ["alice", "bob", "carol"],
    policyValues: ["alice", "bob", "a*", "?ob"],
  },
  {
    key: "aws:PrincipalTag/team",
    type: "string",
    requestValues: ["red", "blue", "Red"],
    policyValues: ["red", "blue", "r*"],
  },
  {
    key: "aws:SourceIp",
    type: "ip",
    requestValues: ["203.0.113.5", "198.51.100.7", "2001:db8::1"],
    policyValues: ["203.0.113.0/24", "198.51.100.7/32", "10.0.0.0/8", "2001:db8::/32"],
  },
  {
    key: "aws:SecureTransport",
    type: "bool",
    requestValues: ["true", "true", "false"],
    policyValues: ["true", "false"],
  },
  {
    key: "aws:CurrentTime",
    type: "date",
    requestValues: ["2024-01-01T00:00:00Z", "2025-06-01T12:00:00Z"],
    policyValues: ["2024-06-01T00:00:00Z", "2025-06-01T12:00:00Z"],
  },
  {
    key: "aws:MultiFactorAuthAge",
    type: "numeric",
    requestValues: ["100", "3600", "5000"],
    policyValues: ["3600", "100.5"],
  },
  {
    key: "aws:PrincipalArn",
    type: "arn",
    requestValues: [ALICE, BOB, ROLE],
    policyValues: [`arn:aws:iam::${ACCOUNT}:user/*`, ROLE, `arn:aws:iam::*:role/app`, ALICE],
  },
  {
    key: "dynamodb:LeadingKeys",
    type: "array",
    requestValues: ["k1", "k2", "alice"],
    policyValues: ["k1", "alice", "k*"],
    service: "dynamodb",
  },
  {
    key: "dynamodb:Attributes",
    type: "array",
    requestValues: ["id", "name", "secret"],
    policyValues: ["id", "name"],
    service: "dynamodb",
  },
  {
    key: "kms:EncryptionContext:aws:dynamodb:tableName",
    type: "string",
    requestValues: ["orders", "audit"],
    policyValues: ["orders", "ord*"],
    service: "kms",
  },
  {
    key: "kms:ViaService",
    type: "string",
    requestValues: ["dynamodb.us-east-1.amazonaws.com"],
    policyValues: ["dynamodb.us-east-1.amazonaws.com", "dynamodb.*.amazonaws.com"],
    service: "kms",
  },
];

const OPERATORS: Record<KeySpec["type"], readonly string[]> = {
  string: [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
  ],
  array: ["StringEquals", "StringLike", "StringNotEquals"],
  ip: ["IpAddress", "NotIpAddress"],
  bool: ["Bool"],
  date: [
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
  ],
  numeric: [
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
  ],
  arn: ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
};

const NEGATED = new Set([
  "StringNotEquals",
  "StringNotEqualsIgnoreCase",
  "StringNotLike",
  "NotIpAddress",
  "DateNotEquals",
  "NumericNotEquals",
  "ArnNotEquals",
  "ArnNotLike",
]);

const TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteItem"];
const KEY_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"];

const actionPattern = fc.constantFrom(
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:*",
  "dynamodb:Get*",
  "dynamodb:?etItem",
  "kms:Decrypt",
  "kms:*",
  "kms:Gen*",
  "*",
);

const resourcePattern = fc.constantFrom(
  "*",
  TABLE,
  KEY,
  `arn:aws:dynamodb:*:${ACCOUNT}:table/*`,
  `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ord?rs`,
  `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/\${aws:username}`,
  `arn:aws:kms:*:${ACCOUNT}:key/*`,
  `arn:aws:dynamodb:us-east-1:${OTHER}:table/*`,
);

/** One condition entry for a key, with an operator of its type. */
function conditionFor(spec: KeySpec): fc.Arbitrary<[string, string, string | string[]]> {
  const values = fc.subarray([...spec.policyValues], { minLength: 1 });
  return fc
    .record({
      operator: fc.constantFrom(...OPERATORS[spec.type]),
      ifExists: fc.boolean(),
      set: spec.type === "array" ? fc.constantFrom("ForAllValues:", "ForAnyValue:") : fc.constant(""),
      values,
      variable: fc.boolean(),
    })
    .map(({ operator, ifExists, set, values: chosen, variable }) => {
      let policyValues: string[] = chosen;
      // A variable only in positive String operators: with no value, AWS lets a negated operator match
      // (Policy variables with no value), a documented departure of the oracle.
      if (variable && spec.type === "string" && !NEGATED.has(operator) && spec.key !== "aws:username") {
        policyValues = [...chosen, "${aws:username}"];
      }
      // ForAnyValue with IfExists on an absent key is a documented departure of the oracle.
      const suffix = ifExists && set !== "ForAnyValue:" ? "IfExists" : "";
      return [
        `${set}${operator}${suffix}`,
        spec.key,
        policyValues.length === 1 ? policyValues[0] : policyValues,
      ];
    });
}

const condition: fc.Arbitrary<Json | undefined> = fc
  .option(
    fc
      .array(
        fc.oneof(
          fc.constantFrom(...KEYS).chain(conditionFor),
          fc.constantFrom(...KEYS).map((spec): [string, string, string] => ["Null", spec.key, "true"]),
        ),
        { minLength: 1, maxLength: 2 },
      )
      .map((entries) => {
        const block: Record<string, Record<string, string | string[]>> = {};
        for (const [operator, key, values] of entries) {
          (block[operator] ??= {})[key] = values;
        }
        return block;
      }),
    { freq: 2 },
  )
  .map((value) => value ?? undefined);

const identityStatement: fc.Arbitrary<Json> = fc
  .record({
    effect: fc.constantFrom("Allow", "Allow", "Allow", "Deny"),
    notAction: fc.boolean(),
    actions: fc.array(actionPattern, { minLength: 1, maxLength: 2 }),
    notResource: fc.boolean(),
    resources: fc.array(resourcePattern, { minLength: 1, maxLength: 2 }),
    condition,
  })
  .map(({ effect, notAction, actions, notResource, resources, condition: block }) => ({
    Effect: effect,
    [notAction && !actions.includes("*") ? "NotAction" : "Action"]: actions,
    // A variable with no value in NotResource excludes nothing, so the statement applies ("Policy
    // variables with no value"); the oracle departs there, so NotResource holds no variable.
    ...(notResource && !resources.includes("*") && !resources.some((resource) => resource.includes("${"))
      ? { NotResource: resources }
      : { Resource: resources }),
    ...(block === undefined ? {} : { Condition: block }),
  }));

const identityPolicy = fc
  .array(identityStatement, { minLength: 1, maxLength: 3 })
  .map((statements): Json => ({ Version: "2012-10-17", Statement: statements }));

/** NotPrincipal lists whole chains (a principal with its role and account), as the NotPrincipal page requires. */
const notPrincipalList = fc.constantFrom(
  [ROOT],
  [ALICE, ROOT],
  [SESSION, ROLE, ROOT],
  [ROLE, ROOT],
  [CAROL, OTHER_ROOT],
  [OTHER_ROOT],
);

const principalEntry: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant("*"),
  fc.constant({ AWS: "*" }),
  fc.constant({ Service: SERVICE }),
  fc
    .array(fc.constantFrom(ROOT, ACCOUNT, OTHER_ROOT, OTHER, ALICE, BOB, CAROL, ROLE, SESSION, OTHER_ROLE), {
      minLength: 1,
      maxLength: 3,
    })
    .map((arns) => ({ AWS: [...new Set(arns)] })),
);

function resourceStatement(): fc.Arbitrary<Json> {
  return fc
    .record({
      effect: fc.constantFrom("Allow", "Allow", "Deny"),
      not: fc.integer({ min: 0, max: 5 }),
      principal: principalEntry,
      notPrincipal: notPrincipalList,
      actions: fc.array(actionPattern, { minLength: 1, maxLength: 2 }),
      condition,
    })
    .map(({ effect, not, principal, notPrincipal, actions, condition: block }) => ({
      Effect: effect,
      ...(effect === "Deny" && not === 0
        ? { NotPrincipal: { AWS: notPrincipal } }
        : { Principal: principal }),
      Action: actions,
      Resource: "*",
      ...(block === undefined ? {} : { Condition: block }),
    }));
}

/** A key policy or table policy; half of them start with the default key policy's account statement. */
const resourcePolicy = fc
  .tuple(fc.boolean(), fc.array(resourceStatement(), { minLength: 1, maxLength: 3 }))
  .map(([enableIam, statements]): Json => ({
    Version: "2012-10-17",
    Statement: enableIam
      ? [
          {
            Sid: "Enable IAM User Permissions",
            Effect: "Allow",
            Principal: { AWS: ROOT },
            Action: "*",
            Resource: "*",
          },
          ...statements,
        ]
      : statements,
  }));

const FULL_ACCESS: Json = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};
const scpPolicy: fc.Arbitrary<Json> = fc.constantFrom(
  FULL_ACCESS,
  FULL_ACCESS,
  FULL_ACCESS,
  { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:*", "kms:*"], Resource: "*" }] },
  { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }] },
  { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "dynamodb:DeleteItem", Resource: "*" }] },
  {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Deny",
        Action: "*",
        Resource: "*",
        Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
      },
    ],
  },
);
const scpLevels = fc.oneof(
  { arbitrary: fc.constant([]), weight: 1 },
  {
    arbitrary: fc.array(fc.array(scpPolicy, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 }),
    weight: 1,
  },
);

const rcpPolicy: fc.Arbitrary<Json> = fc.constantFrom(
  {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Deny",
        Principal: "*",
        Action: ["dynamodb:*", "kms:*"],
        Resource: "*",
        Condition: { StringNotEqualsIfExists: { "aws:PrincipalAccount": ACCOUNT } },
      },
    ],
  },
  {
    Version: "2012-10-17",
    Statement: [{ Effect: "Deny", Principal: "*", Action: "kms:Encrypt", Resource: "*" }],
  },
  {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Deny",
        Principal: "*",
        Action: ["dynamodb:*", "kms:*"],
        Resource: "*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  },
);
const rcpLevels = fc.oneof(
  { arbitrary: fc.constant([]), weight: 3 },
  {
    arbitrary: fc.array(fc.array(rcpPolicy, { minLength: 1, maxLength: 1 }), { minLength: 1, maxLength: 2 }),
    weight: 1,
  },
);

/** Keys AWS puts in every request's context (AWS global condition context keys), most of the time here. */
const USUAL = new Set(["aws:SecureTransport", "aws:CurrentTime", "aws:SourceIp"]);

function contextFor(principal: string, action: string): fc.Arbitrary<Record<string, string | string[]>> {
  const service = action.split(":")[0];
  // aws:PrincipalArn and aws:PrincipalAccount are present for IAM principals only.
  const iamPrincipal = principal.startsWith("arn:");
  const usable = KEYS.filter(
    (spec) =>
      (spec.service === undefined || spec.service === service) &&
      (iamPrincipal || spec.key !== "aws:PrincipalArn"),
  );
  const always: Record<string, string> = iamPrincipal
    ? { "aws:PrincipalArn": principal, "aws:PrincipalAccount": principal.split(":")[4] }
    : {};
  return fc
    .tuple(fc.subarray([...usable]), fc.subarray([...USUAL], { minLength: 2 }))
    .map(([specs, usual]) => [...new Set([...specs, ...usable.filter((spec) => usual.includes(spec.key))])])
    .chain((specs) =>
      fc
        .tuple(
          ...specs.map((spec) =>
            spec.type === "array"
              ? fc.subarray([...spec.requestValues]).map((values): string | string[] => values)
              : fc.constantFrom(...spec.requestValues).map((value): string | string[] => value),
          ),
        )
        .map((values) => {
          const context: Record<string, string | string[]> = {};
          specs.forEach((spec, index) => {
            context[spec.key] = values[index];
          });
          return { ...context, ...always };
        }),
    );
}

const principalArb = fc.constantFrom(
  ALICE,
  ALICE,
  ALICE,
  BOB,
  CAROL,
  SESSION,
  SESSION,
  SESSION,
  OTHER_SESSION,
  SERVICE,
  ANONYMOUS,
);

export const caseArb: fc.Arbitrary<GeneratedCase> = fc
  .record({
    principal: principalArb,
    onKey: fc.boolean(),
    actionIndex: fc.nat({ max: 3 }),
    withResourcePolicy: fc.boolean(),
  })
  .chain(({ principal, onKey, actionIndex, withResourcePolicy }) => {
    const action = (onKey ? KEY_ACTIONS : TABLE_ACTIONS)[actionIndex];
    const aws = principal !== SERVICE && principal !== ANONYMOUS;
    const isSession = principal === SESSION || principal === OTHER_SESSION;
    return fc.record({
      principal: fc.constant(principal),
      action: fc.constant(action),
      resource: fc.constant(onKey ? KEY : TABLE),
      resourceKind: fc.constant<GeneratedCase["resourceKind"]>(
        onKey ? "kms-key" : withResourcePolicy ? "dynamodb" : "none",
      ),
      identity: aws ? fc.array(identityPolicy, { minLength: 0, maxLength: 3 }) : fc.constant([]),
      boundary: aws
        ? fc.option(identityPolicy, { freq: 4 }).map((value) => value ?? undefined)
        : fc.constant(undefined),
      session: isSession
        ? fc.option(identityPolicy, { freq: 3 }).map((value) => value ?? undefined)
        : fc.constant(undefined),
      scps: aws ? scpLevels : fc.constant([]),
      rcps: rcpLevels,
      resourcePolicy: onKey || withResourcePolicy ? resourcePolicy : fc.constant(undefined),
      context: contextFor(principal, action),
    });
  });

/** The case as the evaluator takes it, with the request context given (already filtered by the caller). */
export function toEvaluation(
  generated: GeneratedCase,
  context: Readonly<Record<string, string | string[]>>,
): { request: EvalRequest; set: PolicySet } {
  const compile = (document: Json, name: string, kind: PolicyKind) => compilePolicy(document, name, kind);
  const principal =
    generated.principal === ANONYMOUS ? principalFromArn("anonymous") : principalFromArn(generated.principal);
  return {
    request: {
      principal,
      action: generated.action,
      resource: { arn: generated.resource, accountId: ACCOUNT },
      context: contextFrom(context),
    },
    set: {
      identity: generated.identity.map((document, index) =>
        compile(document, `identity${index}`, "identity"),
      ),
      ...(generated.boundary === undefined
        ? {}
        : { boundary: compile(generated.boundary, "boundary", "boundary") }),
      ...(generated.session === undefined
        ? {}
        : { session: [compile(generated.session, "session", "session")] }),
      scps: generated.scps.map((level, depth) =>
        level.map((document, index) => compile(document, `scp${depth}.${index}`, "scp")),
      ),
      rcps: generated.rcps.map((level, depth) =>
        level.map((document, index) => compile(document, `rcp${depth}.${index}`, "rcp")),
      ),
      ...(generated.resourcePolicy === undefined
        ? {}
        : {
            resource: compile(
              generated.resourcePolicy,
              generated.resourceKind === "kms-key" ? "key policy" : "resource policy",
              generated.resourceKind === "kms-key" ? "kms-key" : "resource",
            ),
          }),
      resourceKind: generated.resourceKind,
    },
  };
}
