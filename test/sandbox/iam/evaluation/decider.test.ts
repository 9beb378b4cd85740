/**
 * Decider: its caches never change an answer. Property tests compare decide and decideMatrix with the
 * uncached evaluate on generated policy sets, principals and contexts (known, absent and UNKNOWN keys),
 * asking each question more than once and sharing policies between principals.
 */
import { expect } from "chai";
import fc from "fast-check";
import {
  Decider,
  compilePolicy,
  contextFrom,
  evaluate,
  principalFromArn,
  type EvalRequest,
  type PolicySet,
} from "../../../../sandbox/iam/evaluation";
import {
  ACCOUNT,
  ALICE,
  ANONYMOUS,
  BOB,
  CAROL,
  KEY,
  KEYS,
  OTHER_SESSION,
  SERVICE,
  SESSION,
  TABLE,
  caseArb,
  toEvaluation,
} from "./generators";

const PRINCIPALS = [ALICE, BOB, CAROL, SESSION, OTHER_SESSION, SERVICE, ANONYMOUS];

/** The request again, as another principal with another context (some keys UNKNOWN). */
const variation = fc.record({
  principal: fc.constantFrom(...PRINCIPALS),
  unknown: fc.subarray(KEYS.map((spec) => spec.key)),
  username: fc.constantFrom("alice", "bob", undefined),
});

function vary(
  request: EvalRequest,
  change: { principal: string; unknown: string[]; username?: string },
): EvalRequest {
  const base = request.context;
  return {
    ...request,
    principal: principalFromArn(change.principal),
    context: contextFrom(change.username === undefined ? {} : { "aws:username": change.username }, {
      unknown: change.unknown,
      otherwise: base,
    }),
  };
}

describe("Decider.decide answers as evaluate does, from its caches", () => {
  it("for generated policy sets, principals and contexts, asked twice", () => {
    const decider = new Decider();
    fc.assert(
      fc.property(caseArb, fc.array(variation, { minLength: 1, maxLength: 6 }), (generated, changes) => {
        const { request, set } = toEvaluation(generated, generated.context);
        for (const asked of [request, ...changes.map((change) => vary(request, change))]) {
          const expected = evaluate(asked, set);
          expect(decider.decide(asked, set)).to.deep.equal(expected);
          expect(decider.decide(asked, set)).to.deep.equal(expected);
        }
      }),
      { numRuns: 300 },
    );
    const stats = decider.stats();
    expect(stats.evaluated).to.be.below(stats.questions);
  });

  it("names each policy set's own policies when two sets share texts", () => {
    const decider = new Decider();
    const document = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" }],
    };
    const request: EvalRequest = {
      principal: principalFromArn(ALICE),
      action: "dynamodb:GetItem",
      resource: { arn: TABLE, accountId: ACCOUNT },
      context: contextFrom({}),
    };
    const first: PolicySet = {
      identity: [compilePolicy(document, "inline:alice-read", "identity")],
      resourceKind: "none",
    };
    const second: PolicySet = {
      identity: [compilePolicy(document, "inline:bob-read", "identity")],
      resourceKind: "none",
    };
    expect(decider.decide(request, first).statements[0].policy).to.equal("inline:alice-read");
    expect(
      decider.decide({ ...request, principal: principalFromArn(BOB) }, second).statements[0].policy,
    ).to.equal("inline:bob-read");
    expect(decider.stats().evaluated).to.equal(1);
  });

  it("splits principals only by the context keys the policies read", () => {
    const decider = new Decider();
    const tagged = compilePolicy(
      {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "dynamodb:*",
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalTag/team": "red" } },
          },
        ],
      },
      "team",
      "identity",
    );
    const set: PolicySet = { identity: [tagged], resourceKind: "none" };
    const ask = (arn: string, team: string) =>
      decider.decide(
        {
          principal: principalFromArn(arn),
          action: "dynamodb:GetItem",
          resource: { arn: TABLE, accountId: ACCOUNT },
          context: contextFrom({ "aws:PrincipalTag/team": team, "aws:username": arn.split("/")[1] }),
        },
        set,
      ).outcome;
    expect(ask(ALICE, "red")).to.equal("Allowed");
    expect(ask(BOB, "red")).to.equal("Allowed");
    expect(ask(BOB, "blue")).to.equal("ImplicitlyDenied");
    // aws:username differs between alice and bob, but no statement reads it: two decisions, not three.
    expect(decider.stats().evaluated).to.equal(2);
  });
});

describe("Decider.decideMatrix answers as evaluate does, cell by cell", () => {
  it("for generated principals (sharing policy sets) by a table and a key by actions", () => {
    fc.assert(
      fc.property(
        fc.array(caseArb, { minLength: 1, maxLength: 6 }),
        fc.array(variation, { maxLength: 6 }),
        (cases, changes) => {
          const decider = new Decider();
          const built = cases.map((generated) => toEvaluation(generated, generated.context));
          const principals = [
            ...built.map(({ request, set }) => ({ request, set })),
            ...changes.map((change, index) => {
              const { request, set } = built[index % built.length];
              return { request: vary(request, change), set };
            }),
          ];
          const tableSide = built.find(({ set }) => set.resourceKind === "dynamodb")?.set;
          const keySide = built.find(({ set }) => set.resourceKind === "kms-key")?.set;
          const resources = [
            {
              arn: TABLE,
              accountId: ACCOUNT,
              resourceKind: tableSide?.resourceKind ?? ("none" as const),
              resource: tableSide?.resource,
              rcps: tableSide?.rcps,
            },
            {
              arn: KEY,
              accountId: ACCOUNT,
              resourceKind: "kms-key" as const,
              resource: keySide?.resource,
              rcps: keySide?.rcps,
            },
          ];
          const actions = ["dynamodb:GetItem", "dynamodb:PutItem", "kms:Decrypt"];
          const matrix = decider.decideMatrix({
            principals: principals.map(({ request, set }) => ({
              principal: request.principal,
              policies: {
                identity: set.identity,
                boundary: set.boundary,
                session: set.session,
                scps: set.scps,
              },
              context: request.context,
            })),
            resources,
            actions,
          });
          principals.forEach(({ request, set }, p) => {
            resources.forEach((resource, r) => {
              actions.forEach((action, a) => {
                const expected = evaluate(
                  { ...request, action, resource: { arn: resource.arn, accountId: resource.accountId } },
                  {
                    identity: set.identity,
                    boundary: set.boundary,
                    session: set.session,
                    scps: set.scps,
                    resource: resource.resource,
                    resourceKind: resource.resourceKind,
                    rcps: resource.rcps,
                  },
                );
                expect(matrix.outcome(p, r, a)).to.equal(expected.outcome);
                expect(matrix.result(p, r, a)).to.deep.equal(expected);
              });
            });
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
