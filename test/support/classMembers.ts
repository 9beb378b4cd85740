/**
 * Random members of the principal classes the proof reports (access/principals.ts; docs/access.md, "Every
 * principal class"), for the access differential test: a principal the class stands for, never the
 * representative the proof asked about, must get the representative's decision on every cell.
 * - Members of the stack's account that can sign (any other principal, taken at worst with
 *   AdministratorAccess; one without policies; one whose ARN matches a wildcard pattern a key policy names
 *   in an aws:PrincipalArn condition, with AdministratorAccess too) are users added to the deployed account
 *   (not to the plan the proof analyses), with an access key, and probed over HTTP: one such class per
 *   stack, chosen at random.
 * - Members of another account (one a policy names, or any other) cannot sign against a one-account
 *   sandbox: they are asked of the engine itself (test/support/engineDecision.ts), as
 *   test/access/principalClasses.int.test.ts does for the dev stack.
 * AWS rules behind the expectations: IAM User Guide, "AWS global condition context keys", aws:PrincipalArn
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn);
 * "Cross-account policy evaluation logic"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
 */
import { createHash } from "node:crypto";
import { patternOf } from "../../access/principals";
import type { AccessPrincipal, AccessReport } from "../../access/types";
import type { Plan, PlanResourceState } from "../../plan/types";
import { ADMINISTRATOR_ACCESS_ARN } from "../../sandbox/engine";
import type { Signer } from "./prober";

/** A member drawn from a class: its ARN, the class, and its signer where it signs over HTTP. */
export interface DrawnMember {
  readonly arn: string;
  readonly of: AccessPrincipal;
  readonly administrator: boolean;
  readonly signer?: Signer;
}

/**
 * Draws a member of each class of `report` it can; `seed` makes the names. Of the classes whose members
 * sign over HTTP, one, chosen by `seed`, is drawn (each probe of a member costs a call per cell; over
 * many stacks every such class is drawn).
 */
export function drawMembers(report: AccessReport, seed: number): DrawnMember[] {
  const all = allDraws(report, seed);
  const signing = all.filter((draw) => draw.signer !== undefined);
  return [
    ...all.filter((draw) => draw.signer === undefined),
    ...(signing.length === 0 ? [] : [signing[seed % signing.length]]),
  ];
}

function allDraws(report: AccessReport, seed: number): DrawnMember[] {
  const accountId = report.accountId;
  const tag = (what: string) => hex(`${seed}-${what}`, 8);
  const draws: DrawnMember[] = [];
  const user = (name: string, of: AccessPrincipal, administrator: boolean) => {
    const arn = `arn:aws:iam::${accountId}:user/${name}`;
    draws.push({
      arn,
      of,
      administrator,
      signer: {
        arn,
        accessKeyId: `AKIA${hex(`${name}-key`, 16).toUpperCase()}`,
        secretAccessKey: hex(`${name}-secret`, 40),
      },
    });
  };
  for (const principal of report.principals) {
    switch (principal.kind) {
      case "same-account-any":
        user(`drawn-${tag("any")}`, principal, true);
        break;
      case "same-account-no-policies":
        user(`drawn-${tag("none")}`, principal, false);
        break;
      case "policy-pattern": {
        // A user of the account whose name fills the pattern's wildcard with a random word.
        const pattern = patternOf(principal);
        const prefix = `arn:aws:iam::${accountId}:user/`;
        if (
          pattern?.startsWith(prefix) === true &&
          /^[A-Za-z0-9_.@=,+-]*\*$/.test(pattern.slice(prefix.length))
        ) {
          user(`${pattern.slice(prefix.length, -1)}${tag("pattern")}`, principal, true);
        }
        break;
      }
      case "named-account":
      case "other-account": {
        const account =
          principal.kind === "named-account"
            ? principal.arn.split(":")[4]
            : `9${String(seed % 10 ** 10).padStart(10, "0")}7`;
        if (
          principal.kind === "other-account" &&
          report.principals.some((p) => p.arn.split(":")[4] === account)
        ) {
          break;
        }
        draws.push({
          arn: `arn:aws:iam::${account}:user/drawn-${tag(principal.kind)}`,
          of: principal,
          administrator: true,
        });
        break;
      }
      default:
        break;
    }
  }
  return draws;
}

/** `plan` with the drawn members that sign as users of its account, with their keys (and AdministratorAccess). */
export function withDrawnUsers(plan: Plan, draws: readonly DrawnMember[]): Plan {
  const states: PlanResourceState[] = [];
  const add = (type: string, name: string, id: string, inputs: Record<string, unknown>, outputs = {}) =>
    states.push({
      type,
      urn: `urn:pulumi:gen::kms-dynamodb::${type}::${name}`,
      custom: true,
      id,
      inputs,
      outputs: { ...inputs, ...outputs },
      dependencies: [],
      propertyDependencies: {},
    });
  for (const draw of draws) {
    if (draw.signer === undefined) {
      continue;
    }
    const name = draw.arn.slice(draw.arn.lastIndexOf("/") + 1);
    add(
      "aws:iam/user:User",
      name,
      name,
      { name },
      { arn: draw.arn, uniqueId: `AIDA${hex(name, 16).toUpperCase()}` },
    );
    if (draw.administrator) {
      add("aws:iam/userPolicyAttachment:UserPolicyAttachment", name, `${name}-admin`, {
        user: name,
        policyArn: ADMINISTRATOR_ACCESS_ARN,
      });
    }
    add(
      "aws:iam/accessKey:AccessKey",
      name,
      draw.signer.accessKeyId,
      { user: name },
      { secret: draw.signer.secretAccessKey, status: "Active" },
    );
  }
  return {
    ...plan,
    steps: [
      ...plan.steps,
      ...states.map((state) => ({
        op: "create" as const,
        urn: state.urn,
        newState: state,
        detailedDiff: null,
      })),
    ],
  };
}

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}
