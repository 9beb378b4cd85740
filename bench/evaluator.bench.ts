/**
 * The policy evaluator (sandbox/iam/evaluation) at account scale: decisions per second for single
 * requests (uncached evaluate; Decider.decide with its caches) and for the static proof's bulk question
 * (Decider.decideMatrix: 5,000 principals x 50 tables x 16 actions, 12 DynamoDB actions on each table and
 * 4 KMS actions on its key), beside iam-simulate's runSimulation for scale.
 *
 * The account is generated, deterministic: 4,000 users in 40 groups (managed policies shared, some with
 * ABAC on aws:PrincipalTag/team, some with fine-grained dynamodb:LeadingKeys conditions), 10% with an
 * inline policy of their own, 5% with a permissions boundary; 250 roles (25 policy templates) with four
 * sessions each; 50 tables (10 with a resource policy) on 50 keys (key users and administrators, the
 * default account statement on 40 of them); three SCP levels. Principal keys (aws:username, aws:userid,
 * aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalTag/team) are known; request keys are UNKNOWN, so
 * cells that depend on them come out Conditional.
 */
import { performance } from "node:perf_hooks";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { assumedRoleArn } from "../infra/assumedRole";
import {
  Decider,
  compilePolicy,
  contextFrom,
  evaluate,
  principalFromArn,
  type CompiledPolicy,
  type MatrixPrincipal,
  type MatrixResource,
  type PolicySet,
  type RequestContext,
} from "../sandbox/iam/evaluation";
import { reportTarget } from "./target";

const ACCOUNT = "111122223333";
const PARTNER = "444455556666";
const REGION = "us-east-1";
export const TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:BatchGetItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DescribeTable",
  "dynamodb:UpdateTable",
  "dynamodb:DeleteTable",
];
export const KEY_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"];
/** Request keys the static proof cannot fix. */
const REQUEST_KEYS = [
  "dynamodb:*",
  "kms:*",
  "aws:SourceIp",
  "aws:SecureTransport",
  "aws:CurrentTime",
  "aws:RequestedRegion",
];

/** A small deterministic generator, so every run measures the same account. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const table = (index: number) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/app${index % 10}-t${index}`;
const key = (index: number) =>
  `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-${String(index).padStart(12, "0")}`;
const doc = (...statements: object[]) => ({ Version: "2012-10-17", Statement: statements });

interface Account {
  readonly principals: MatrixPrincipal[];
  readonly tables: MatrixResource[];
  readonly keys: MatrixResource[];
}

export function buildAccount(): Account {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const scps = [
    [compilePolicy(doc({ Effect: "Allow", Action: "*", Resource: "*" }), "FullAWSAccess", "scp")],
    [
      compilePolicy(doc({ Effect: "Allow", Action: "*", Resource: "*" }), "FullAWSAccess", "scp"),
      compilePolicy(
        doc({ Effect: "Deny", Action: ["dynamodb:DeleteTable", "kms:ScheduleKeyDeletion"], Resource: "*" }),
        "NoDeletes",
        "scp",
      ),
    ],
    [compilePolicy(doc({ Effect: "Allow", Action: "*", Resource: "*" }), "FullAWSAccess", "scp")],
  ];
  const groups: CompiledPolicy[] = [];
  for (let g = 0; g < 40; g++) {
    const prefix = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/app${g % 10}-*`;
    const statements: object[] = [];
    if (g % 8 === 0) {
      statements.push({
        Effect: "Allow",
        Action: "dynamodb:*",
        Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/\${aws:PrincipalTag/team}-*`,
      });
    } else if (g % 8 === 1) {
      statements.push({
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
        Resource: prefix,
        Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["${aws:userid}"] } },
      });
    } else {
      statements.push({
        Effect: "Allow",
        Action:
          g % 3 === 0
            ? "dynamodb:*"
            : ["dynamodb:Get*", "dynamodb:Query", "dynamodb:Scan", "dynamodb:Describe*"],
        Resource: prefix,
      });
    }
    statements.push({
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringLike: { "kms:ViaService": "dynamodb.*.amazonaws.com" } },
    });
    if (g % 5 === 0) {
      statements.push({ Effect: "Deny", Action: "dynamodb:DeleteItem", Resource: "*" });
    }
    groups.push(compilePolicy(doc(...statements), `arn:aws:iam::${ACCOUNT}:policy/group-${g}`, "identity"));
  }
  const readOnly = compilePolicy(
    doc({
      Effect: "Allow",
      Action: [
        "dynamodb:BatchGet*",
        "dynamodb:Describe*",
        "dynamodb:Get*",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:List*",
      ],
      Resource: "*",
    }),
    "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
    "identity",
  );
  const boundary = compilePolicy(
    doc({ Effect: "Allow", Action: ["dynamodb:*", "kms:Decrypt"], Resource: "*" }),
    "boundary",
    "boundary",
  );
  const teams = Array.from({ length: 20 }, (_, index) => `app${index % 10}`);
  const principals: MatrixPrincipal[] = [];
  const shared = new Map<string, MatrixPrincipal["policies"]>();
  const requestContext = contextFrom({}, { unknown: REQUEST_KEYS });
  const users: string[] = [];
  for (let u = 0; u < 4000; u++) {
    const arn = `arn:aws:iam::${ACCOUNT}:user/user${u}`;
    users.push(arn);
    const memberOf = [...new Set([pick(groups), pick(groups), ...(next() < 0.3 ? [readOnly] : [])])];
    const inline =
      next() < 0.1
        ? [
            compilePolicy(
              doc({
                Effect: "Allow",
                Action: "dynamodb:*",
                Resource: [table(u % 50), `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/\${aws:username}`],
              }),
              `inline:user${u}`,
              "identity",
            ),
          ]
        : [];
    const withBoundary = next() < 0.05;
    const identity = [...inline, ...memberOf];
    // Principals with the same policies share one object (as a caller building sets from account data would).
    const shareKey =
      inline.length === 0 ? `${memberOf.map((policy) => policy.name).join(",")}|${withBoundary}` : undefined;
    let policies = shareKey === undefined ? undefined : shared.get(shareKey);
    if (policies === undefined) {
      policies = { identity, scps, ...(withBoundary ? { boundary } : {}) };
      if (shareKey !== undefined) {
        shared.set(shareKey, policies);
      }
    }
    principals.push({
      principal: principalFromArn(arn),
      policies,
      context: principalContext(arn, `AIDA${u}`, pick(teams), `user${u}`, requestContext),
    });
  }
  const roleTemplates = Array.from({ length: 25 }, (_, t) =>
    compilePolicy(
      doc(
        {
          Effect: "Allow",
          Action: t % 2 === 0 ? ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"] : "dynamodb:*",
          Resource: table(t * 2),
        },
        { Effect: "Allow", Action: "kms:Decrypt", Resource: key(t * 2) },
      ),
      `role-template-${t}`,
      "identity",
    ),
  );
  const roles: string[] = [];
  for (let r = 0; r < 250; r++) {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/role${r}`;
    roles.push(roleArn);
    const policies = { identity: [roleTemplates[r % 25]], scps };
    for (let s = 0; s < 4; s++) {
      const arn = assumedRoleArn(roleArn, `session${s}`) as string;
      principals.push({
        principal: principalFromArn(arn, { roleArn }),
        policies,
        context: principalContext(arn, `AROA${r}:session${s}`, pick(teams), undefined, requestContext),
      });
    }
  }
  const tables: MatrixResource[] = [];
  const keys: MatrixResource[] = [];
  for (let t = 0; t < 50; t++) {
    const resourcePolicy =
      t % 5 === 0
        ? compilePolicy(
            doc(
              {
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${PARTNER}:role/reader` },
                Action: ["dynamodb:GetItem", "dynamodb:Query"],
                Resource: "*",
              },
              { Effect: "Allow", Principal: { AWS: roles[t] }, Action: "dynamodb:*", Resource: "*" },
              {
                Effect: "Deny",
                Principal: "*",
                Action: "dynamodb:DeleteTable",
                Resource: "*",
                Condition: { StringNotEquals: { "aws:PrincipalArn": roles[t + 1] } },
              },
            ),
            `table policy ${t}`,
            "resource",
          )
        : undefined;
    tables.push({
      arn: table(t),
      accountId: ACCOUNT,
      resourceKind: resourcePolicy === undefined ? "none" : "dynamodb",
      resource: resourcePolicy,
    });
    const keyUsers = [users[t], users[t + 100], users[t + 200], roles[t], roles[t + 50]];
    const statements: object[] = [
      {
        Sid: "KeyAdministrators",
        Effect: "Allow",
        Principal: { AWS: [users[0], roles[0]] },
        Action: [
          "kms:Describe*",
          "kms:Put*",
          "kms:Create*",
          "kms:Enable*",
          "kms:Disable*",
          "kms:ScheduleKeyDeletion",
        ],
        Resource: "*",
      },
      {
        Sid: "KeyUsers",
        Effect: "Allow",
        Principal: { AWS: keyUsers },
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
      },
    ];
    if (t % 5 !== 0) {
      statements.unshift({
        Sid: "Enable IAM User Permissions",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: "kms:*",
        Resource: "*",
      });
    }
    keys.push({
      arn: key(t),
      accountId: ACCOUNT,
      resourceKind: "kms-key",
      resource: compilePolicy(doc(...statements), `key policy ${t}`, "kms-key"),
    });
  }
  return { principals, tables, keys };
}

function principalContext(
  arn: string,
  userId: string,
  team: string,
  username: string | undefined,
  otherwise: RequestContext,
): RequestContext {
  return contextFrom(
    {
      "aws:PrincipalArn": arn,
      "aws:PrincipalAccount": ACCOUNT,
      "aws:userid": userId,
      "aws:PrincipalTag/team": team,
      ...(username === undefined ? {} : { "aws:username": username }),
    },
    { otherwise },
  );
}

function rate(count: number, ms: number): string {
  return `${Math.round(count / (ms / 1000)).toLocaleString("en-US")} decisions/s`;
}

export async function run(): Promise<void> {
  const buildStart = performance.now();
  const account = buildAccount();
  const buildMs = performance.now() - buildStart;
  const { principals, tables, keys } = account;
  const cells = principals.length * (tables.length * TABLE_ACTIONS.length + keys.length * KEY_ACTIONS.length);

  const setOf = (p: MatrixPrincipal, resource: MatrixResource): PolicySet => ({
    ...p.policies,
    resource: resource.resource,
    resourceKind: resource.resourceKind,
  });
  // Single requests: a pseudo-random walk over the account's cells.
  const next = random(7);
  const questions = Array.from({ length: 200_000 }, () => {
    const p = principals[Math.floor(next() * principals.length)];
    const onKey = next() < 0.25;
    const resource = onKey
      ? keys[Math.floor(next() * keys.length)]
      : tables[Math.floor(next() * tables.length)];
    const actions = onKey ? KEY_ACTIONS : TABLE_ACTIONS;
    return {
      request: {
        principal: p.principal,
        action: actions[Math.floor(next() * actions.length)],
        resource: { arn: resource.arn, accountId: resource.accountId },
        context: p.context,
      },
      set: setOf(p, resource),
    };
  });
  let start = performance.now();
  for (const { request, set } of questions) {
    evaluate(request, set);
  }
  const evaluateMs = performance.now() - start;

  const single = new Decider();
  start = performance.now();
  for (const { request, set } of questions) {
    single.decide(request, set);
  }
  const decideColdMs = performance.now() - start;
  start = performance.now();
  for (const { request, set } of questions) {
    single.decide(request, set);
  }
  const decideWarmMs = performance.now() - start;

  // The bulk question, two ways: decideMatrix; decide() for every cell of the first 500 principals (the
  // request path's API: each new decision costs an evaluation, ~10 µs).
  const perCellPrincipals = principals.slice(0, 500);
  const perCellCount = (cells / principals.length) * perCellPrincipals.length;
  const perCell = new Decider();
  start = performance.now();
  for (const p of perCellPrincipals) {
    for (const [resources, actions] of [
      [tables, TABLE_ACTIONS],
      [keys, KEY_ACTIONS],
    ] as const) {
      for (const resource of resources) {
        const set = setOf(p, resource);
        for (const action of actions) {
          perCell.decide(
            {
              principal: p.principal,
              action,
              resource: { arn: resource.arn, accountId: resource.accountId },
              context: p.context,
            },
            set,
          );
        }
      }
    }
  }
  const perCellMs = performance.now() - start;

  const bulk = new Decider();
  start = performance.now();
  const tableMatrix = bulk.decideMatrix({ principals, resources: tables, actions: TABLE_ACTIONS });
  const keyMatrix = bulk.decideMatrix({ principals, resources: keys, actions: KEY_ACTIONS });
  const matrixMs = performance.now() - start;
  const counts: Record<string, number> = {};
  for (const part of [tableMatrix.counts(), keyMatrix.counts()]) {
    for (const [outcome, count] of Object.entries(part)) {
      counts[outcome] = (counts[outcome] ?? 0) + count;
    }
  }
  start = performance.now();
  let materialized = 0;
  for (let p = 0; p < principals.length; p += 10) {
    for (let r = 0; r < tables.length; r++) {
      for (let a = 0; a < TABLE_ACTIONS.length; a++) {
        materialized += tableMatrix.result(p, r, a).statements.length >= 0 ? 1 : 0;
      }
    }
  }
  const materializeMs = performance.now() - start;

  // iam-simulate, for scale: the same kind of single request.
  const sample = questions.slice(0, 300);
  const toSimulation = (index: number) => {
    const { request } = sample[index];
    const p = principals.find((entry) => entry.principal === request.principal) as MatrixPrincipal;
    const resource = [...tables, ...keys].find(
      (entry) => entry.arn === request.resource.arn,
    ) as MatrixResource;
    return { p, resource, request };
  };
  await runSimulation(
    {
      request: {
        principal: sample[0].request.principal.arn,
        action: "dynamodb:GetItem",
        resource: { resource: tables[0].arn, accountId: ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  start = performance.now();
  for (let index = 0; index < 100; index++) {
    const { p, request } = toSimulation(index);
    await runSimulation(
      {
        request: {
          principal: request.principal.arn,
          action: request.action,
          resource: { resource: request.resource.arn, accountId: ACCOUNT },
          contextVariables: { "aws:username": "user1" },
        },
        identityPolicies:
          p.policies.identity === "unknown"
            ? []
            : p.policies.identity.map((policy) => ({
                name: policy.name,
                policy: {
                  Version: "2012-10-17",
                  Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" }],
                },
              })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
  }
  const simulateMs = (performance.now() - start) / 100;

  const stats = bulk.stats();
  console.log(
    `evaluator: account of ${principals.length} principals, ${tables.length} tables, ${keys.length} keys, built and compiled in ${buildMs.toFixed(0)} ms`,
  );
  console.log(
    `evaluator: single, evaluate (no decision cache)            ${rate(questions.length, evaluateMs)}`,
  );
  console.log(
    `evaluator: single, Decider.decide, first pass              ${rate(questions.length, decideColdMs)}`,
  );
  console.log(
    `evaluator: single, Decider.decide, asked again             ${rate(questions.length, decideWarmMs)}`,
  );
  console.log(
    `evaluator: single, iam-simulate runSimulation              ${(1000 / simulateMs).toFixed(0)} decisions/s (${simulateMs.toFixed(2)} ms each)`,
  );
  console.log(
    `evaluator: bulk, Decider.decide per cell, ${perCellCount.toLocaleString("en-US")} cells (500 principals)   ${(perCellMs / 1000).toFixed(2)} s, ${rate(perCellCount, perCellMs)}`,
  );
  console.log(
    `evaluator: bulk, decideMatrix, ${cells.toLocaleString("en-US")} cells             ${(matrixMs / 1000).toFixed(2)} s, ${rate(cells, matrixMs)}`,
  );
  console.log(
    `evaluator: bulk, policy evaluations ${stats.evaluated.toLocaleString("en-US")}, partial results reused ${stats.partialHits.toLocaleString("en-US")}`,
  );
  console.log(`evaluator: bulk, outcomes ${JSON.stringify(counts)}`);
  console.log(
    `evaluator: bulk, full results with statements, ${materialized.toLocaleString("en-US")} cells   ${rate(materialized, materializeMs)}`,
  );
  reportTarget({
    name: "evaluator: 5,000 principals x 50 tables x 16 actions (decideMatrix)",
    value: matrixMs / 1000,
    unit: "s",
    limit: { max: 2.5 },
    note: "the evaluator's share of the proof's 5 s budget",
  });
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  });
}
