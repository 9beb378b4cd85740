/**
 * The scenario's access step: the static proof (`npm run access`) of the plan before and after the grant,
 * its key-user guard on both, the difference (the granted user's row turning green), the same answers as
 * the live checks of each phase, and, when asked, the HTML page.
 */
import { writeFileSync } from "node:fs";
import { analyzeModel, loadAccessModel } from "../access/analyze";
import { compareReports } from "../access/compare";
import { declaredHolders } from "../access/declared";
import { expectKeyUsers } from "../access/expect";
import { formatChanges, formatMatrix } from "../access/format";
import { renderHtml } from "../access/html";
import type { AccessReport } from "../access/types";
import type { CheckReport } from "../checks/types";
import type { Plan } from "../plan/types";

export interface AccessStepInput {
  readonly before: Plan;
  readonly after: Plan;
  /** The live check results of the phases before and after the grant, to hold the proof against. */
  readonly phases: readonly { readonly name: string; readonly results: CheckReport["results"] }[];
  readonly htmlFile?: string;
  readonly say: (line: string) => void;
  /**
   * The after-grant stack under the other key policy mode (`kms-dynamodb:keyPolicy: strict` when the stack
   * has the default): the step says on one line who, beside the key users, can decrypt under each.
   */
  readonly otherKeyPolicy?: Plan;
}

/** True when the guard holds on both plans and every live check agrees with the static matrix. */
export async function accessStep(input: AccessStepInput): Promise<boolean> {
  const reports: AccessReport[] = [];
  let ok = true;
  for (const [label, plan] of [
    ["before the grant", input.before],
    ["after the grant", input.after],
  ] as const) {
    const access = await loadAccessModel(plan);
    const report = await analyzeModel(access);
    reports.push(report);
    const verdict = expectKeyUsers(report, declaredHolders(access));
    input.say(`who can decrypt, ${label}:\n${formatMatrix(report)}`);
    input.say(
      verdict.ok
        ? `--expect-key-users ${label}: the declared key users are exactly those that can decrypt`
        : `--expect-key-users ${label}: ${verdict.violations.join("; ")}`,
    );
    ok &&= verdict.ok;
  }
  const [before, after] = reports;
  const changes = compareReports(before, after);
  input.say(formatChanges(changes, after));
  for (const [index, phase] of input.phases.entries()) {
    const report = reports[index];
    const disagreements = phase.results.flatMap((result) => {
      const principal = report?.principals.find((candidate) => candidate.name === result.user);
      const cell = report?.cells.find(
        (c) => c.principal === principal?.arn && c.operation === result.operation,
      );
      return cell === undefined || cell.decision === result.actual
        ? []
        : [`${result.user} ${result.operation}: static ${cell.decision}, live ${result.actual}`];
    });
    input.say(
      disagreements.length === 0
        ? `${phase.name}: every live check agrees with the static matrix`
        : `${phase.name}: ${disagreements.join("; ")}`,
    );
    ok &&= disagreements.length === 0;
  }
  if (input.otherKeyPolicy !== undefined) {
    const access = await loadAccessModel(input.otherKeyPolicy);
    const other = await analyzeModel(access);
    const line = keyPolicyLine(after, other, declaredHolders(access).strictKeys.length > 0);
    input.say(line.text);
    ok &&= line.ok;
  }
  if (input.htmlFile !== undefined) {
    writeFileSync(input.htmlFile, renderHtml(after, changes));
    input.say(`wrote the access page to ${input.htmlFile}`);
  }
  return ok && changes.length > 0 && changes.every((change) => change.after === "allowed");
}

/** Who, beside the declared key users, can decrypt: names, or "nobody". */
function othersWhoDecrypt(report: AccessReport): string {
  const byArn = new Map(report.principals.map((principal) => [principal.arn, principal]));
  // AWS services (DynamoDB through its grant for the table) are not people: the line is about who else reads.
  const others = report.decryptors.filter(
    (arn) => byArn.get(arn)?.intent?.keyUser !== true && byArn.get(arn)?.kind !== "aws-service",
  );
  return others.length === 0 ? "nobody" : others.map((arn) => byArn.get(arn)?.name ?? arn).join(", ");
}

/**
 * One line: who beside the key users can decrypt with the stack's key policy and with the other one. The
 * strict policy must leave nobody (infra/policies/keyPolicy.ts).
 */
function keyPolicyLine(
  stack: AccessReport,
  other: AccessReport,
  otherIsStrict: boolean,
): { text: string; ok: boolean } {
  const [defaultReport, strictReport] = otherIsStrict ? [stack, other] : [other, stack];
  const strictOthers = othersWhoDecrypt(strictReport);
  return {
    text:
      `can decrypt beside the key users: key policy default: ${othersWhoDecrypt(defaultReport)}; ` +
      `strict: ${strictOthers}`,
    ok: strictOthers === "nobody",
  };
}
