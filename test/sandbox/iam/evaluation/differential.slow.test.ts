/**
 * Differential property test: the project's evaluator against @cloud-copilot/iam-simulate's
 * runSimulation (as patched by patches/@cloud-copilot+iam-simulate+0.1.173.patch), over generated policy
 * sets and requests (generators.ts): users and role sessions of two accounts, a service principal and
 * anonymous callers; DynamoDB tables with and without a resource policy and KMS keys with key policies;
 * identity-based policies, boundaries, session policies, SCP and RCP levels; every condition operator
 * family, IfExists, set operators, Null and policy variables. Both must give the same outcome everywhere
 * except where AWS's documentation decides against the oracle. Those departures, and how the test keeps
 * them apart:
 *
 * 1. An SCP level without an applicable Allow: AWS's evaluation logic says "the request is explicitly
 *    denied, even if the denial is implicit" (IAM User Guide, policy evaluation logic, 2023 text; and
 *    "Troubleshoot access denied error messages": "even if the denial is implicit"); the oracle answers
 *    ImplicitlyDenied. Compared as equal.
 * 2. A same-account resource-based policy that names the role session itself (or "*") under a session
 *    policy: "The resource-based policy permissions are not limited by the session policy" (IAM User
 *    Guide, "Policies and permissions in IAM", Session policies); the oracle lets the session policy deny.
 *    Such cases are counted apart, not compared.
 * 3. NotPrincipal listing a principal without its account (and role): AWS "might deny access to the
 *    entire account containing the principal"; "you must also specify the account ARN" (IAM User Guide,
 *    "AWS JSON policy elements: NotPrincipal"). The evaluator spares a principal only when its whole chain
 *    is listed; the oracle spares one named exactly. The generator lists whole chains; evaluate.test.ts
 *    checks the difference.
 * 4. ForAnyValue:...IfExists on an absent key: "If the key is not present, evaluate the condition element
 *    as true" (Condition operators, ...IfExists); the oracle answers false. Not generated; see
 *    conditions.test.ts.
 * 5. A negated operator whose value is a variable with no value: "Inverted condition operators like
 *    StringNotEquals or StringNotLike do match against a null value" (Variables and tags, Policy variables
 *    with no value); the oracle does not match. Not generated; see variables.test.ts.
 * 6. NotResource holding a variable with no value: that entry "will not match any resource", so the
 *    statement applies (same section); the oracle does not apply it. Not generated; see variables.test.ts.
 * 7. NotIpAddress with a bare address and a request address of the other family: a bare address is a
 *    /32 range ("IP address condition operators"), which an IPv6 address is outside of; the oracle answers
 *    false. The generator writes /32.
 * 8. The account root user: "full access" within its account (policy-eval-denyallow) and allowed by the
 *    default key policy's account statement (KMS Developer Guide, "Default key policy"); the oracle
 *    treats it as a principal without identity-based policies. Not generated; see evaluate.test.ts.
 * 9. A federated user session without a session policy is implicitly denied (policy-eval-denyallow,
 *    session policies step); the oracle allows. Not generated; see evaluate.test.ts.
 * 10. Epoch dates are seconds (AWS global condition context keys, aws:EpochTime); the oracle reads
 *    milliseconds. The generator writes ISO 8601 dates; conditions.test.ts checks epoch values.
 * 11. SCPs restrict only IAM users and roles of member accounts (Organizations User Guide, "SCP effects on
 *    permissions"); the oracle applies the SCPs it is given to service principals. None are given for them.
 * 12. ForAllValues over values that are all empty strings is true ("if the key values resolve to a null
 *    data set, such as an empty string": Creating a condition with multiple keys or values). Not generated.
 * Context keys the oracle does not know for the action are dropped for both (the oracle ignores them).
 */
import { expect } from "chai";
import fc from "fast-check";
import {
  allowedContextKeysForRequest,
  anonymousPrincipal,
  runSimulation,
  type Simulation,
} from "@cloud-copilot/iam-simulate";
import { evaluate, evaluatePolicy, FALSE, type EvalResult } from "../../../../sandbox/iam/evaluation";
import { ACCOUNT, ANONYMOUS, caseArb, toEvaluation, type GeneratedCase } from "./generators";

const RUNS = Number(process.env.EVALUATOR_DIFFERENTIAL_RUNS ?? 3000);
const DIRECT = 3;

const allowedKeys = new Map<string, readonly string[]>();

async function contextFor(generated: GeneratedCase): Promise<Record<string, string | string[]>> {
  const cacheKey = `${generated.action} ${generated.resource}`;
  let allowed = allowedKeys.get(cacheKey);
  if (allowed === undefined) {
    const [service, action] = generated.action.split(":");
    allowed = (await allowedContextKeysForRequest(service, action, generated.resource, false, undefined)).map(
      (key) => key.toLowerCase(),
    );
    allowedKeys.set(cacheKey, allowed);
  }
  const known = allowed;
  const context: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(generated.context)) {
    const lower = key.toLowerCase();
    const byVariable = known.some((pattern) => {
      const variable = pattern.indexOf("${");
      return variable > 0 && lower.startsWith(pattern.slice(0, variable));
    });
    if (known.includes(lower) || byVariable) {
      context[key] = value;
    }
  }
  return context;
}

function simulation(generated: GeneratedCase, context: Record<string, string | string[]>): Simulation {
  return {
    request: {
      principal: generated.principal === ANONYMOUS ? anonymousPrincipal : generated.principal,
      action: generated.action,
      resource: { resource: generated.resource, accountId: ACCOUNT },
      contextVariables: context,
    },
    identityPolicies: generated.identity.map((policy, index) => ({ name: `identity${index}`, policy })),
    serviceControlPolicies: generated.scps.map((level, depth) => ({
      orgIdentifier: `level${depth}`,
      policies: level.map((policy, index) => ({ name: `scp${depth}.${index}`, policy })),
    })),
    resourceControlPolicies: generated.rcps.map((level, depth) => ({
      orgIdentifier: `level${depth}`,
      policies: level.map((policy, index) => ({ name: `rcp${depth}.${index}`, policy })),
    })),
    resourcePolicy: generated.resourcePolicy,
    ...(generated.boundary === undefined
      ? {}
      : { permissionBoundaryPolicies: [{ name: "boundary", policy: generated.boundary }] }),
    ...(generated.session === undefined ? {} : { sessionPolicy: generated.session }),
  };
}

/** The evaluator's outcome in the oracle's vocabulary (departure 1). */
function comparable(result: EvalResult): string {
  if (
    result.outcome === "ExplicitlyDenied" &&
    result.deniedBy === "scp" &&
    !result.statements.some((s) => s.effect === "Deny")
  ) {
    return "ImplicitlyDenied";
  }
  return result.outcome;
}

describe("Differential: the evaluator against iam-simulate's runSimulation (documented departures in the header)", function () {
  this.timeout(600_000);

  it(`agrees on ${RUNS} generated policy sets and requests`, async () => {
    const tally = {
      compared: 0,
      refused: 0,
      sessionDirect: 0,
      Allowed: 0,
      ImplicitlyDenied: 0,
      ExplicitlyDenied: 0,
    };
    await fc.assert(
      fc.asyncProperty(caseArb, async (generated) => {
        const context = await contextFor(generated);
        const oracle = await runSimulation(simulation(generated, context), {});
        if (oracle.resultType === "error") {
          tally.refused++;
          return;
        }
        const { request, set } = toEvaluation(generated, context);
        // Departure 2: a same-account grant to the session itself is not limited by its session policy.
        if (
          set.session !== undefined &&
          set.resource !== undefined &&
          request.principal.accountId === ACCOUNT &&
          evaluatePolicy(set.resource, request).allowByMatch[DIRECT] !== FALSE
        ) {
          tally.sessionDirect++;
          return;
        }
        const ours = evaluate(request, set);
        tally.compared++;
        tally[oracle.overallResult as "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied"]++;
        expect(comparable(ours), JSON.stringify({ case: { ...generated, context }, ours })).to.equal(
          oracle.overallResult,
        );
      }),
      { numRuns: RUNS },
    );
    // The comparison is meaningful only if every outcome is well represented.
    expect(tally.refused).to.be.below(RUNS * 0.05);
    for (const outcome of ["Allowed", "ImplicitlyDenied", "ExplicitlyDenied"] as const) {
      expect(tally[outcome], outcome).to.be.above(tally.compared * 0.05);
    }
  });
});
