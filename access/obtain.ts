/**
 * Who can change who can decrypt: principals that may rewrite the key policy (kms:PutKeyPolicy), grant
 * themselves the key (kms:CreateGrant called directly, so without kms:GrantIsForAWSResource), give
 * themselves an identity policy where the key policy delegates to the account (iam:PutUserPolicy,
 * iam:AttachUserPolicy on their own user, iam:PutRolePolicy/iam:AttachRolePolicy on their own role,
 * iam:PutGroupPolicy/iam:AttachGroupPolicy on a group they are in: ./outsidePolicyPaths.ts), remove
 * or replace their own permissions boundary, or
 * take over a principal that can decrypt or change access (iam:CreateAccessKey on that user, or
 * sts:AssumeRole on that role, decided on its trust policy as STS does: IAM user guide, "IAM roles: how to
 * use a trust policy"). A grant with CreateGrant counts as kms:CreateGrant (KMS developer guide, "Grant
 * concepts"), as the engine decides it.
 * KMS developer guide, "Key policies" and "Grants in AWS KMS"; IAM user guide, "Policy evaluation logic".
 */
import { PRINCIPAL_KINDS, traitsOf, type PrincipalKind } from "../infra/principal";
import { boundaryEditPaths, groupEditPaths } from "./outsidePolicyPaths";
import type { AccessModel } from "./analyze";
import type { DecisionLedger } from "./decisions";
import type { AccessCell, AccessPrincipal, Obtainer } from "./types";
import type { Decision } from "../sandbox/engine";

/** The probe the delegation question is asked with: a principal whose identity policy allows every KMS action. */
const DELEGATION_PROBE_NAME = "delegation-probe";

export async function findObtainers(input: {
  readonly access: AccessModel;
  readonly ledger: DecisionLedger;
  readonly cells: readonly AccessCell[];
  /** The principals that can decrypt through some cell (allowed or conditional). */
  readonly decrypting: ReadonlySet<string>;
}): Promise<{ obtainers: Obtainer[]; blindSpots: string[] }> {
  const { access, ledger, cells, decrypting: decrypts } = input;
  const { model, authorizer, principals } = access;
  const paths = new Map<string, string[]>(principals.map((principal) => [principal.arn, []]));
  const blindSpots: string[] = [
    "Policies outside the plan are not seen: groups, permission boundaries, SCPs and RCPs the plan does not " +
      "declare, and identity policies attached to principals the plan does not create.",
  ];

  const probeArn = `arn:${model.partition}:iam::${model.accountId}:user/access-analysis/${DELEGATION_PROBE_NAME}`;
  authorizer.putPrincipal({
    arn: probeArn,
    inlinePolicies: [
      {
        name: DELEGATION_PROBE_NAME,
        document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }] },
      },
    ],
  });

  const delegating: string[] = [];
  for (const key of model.keys) {
    const probe = await authorizer.authorizeKms(probeArn, "kms:Decrypt", key.arn);
    if (probe.allowed) {
      delegating.push(key.arn);
      blindSpots.push(
        `The key policy of ${key.arn} delegates to the account root (${statementsText(probe, "key policy")}): ` +
          "any identity policy outside this stack that allows kms:Decrypt on the key also lets its principal in.",
      );
    }
    for (const principal of principals) {
      const keyClass = ledger.principalClass(principal, [key.policy]);
      for (const action of ["kms:PutKeyPolicy", "kms:CreateGrant"]) {
        const classKey = `k\n${keyClass}\n${action}\n${key.arn}`;
        const decision =
          ledger.known(classKey, principal) ??
          (await ledger.ask(classKey, principal, () =>
            authorizer.authorizeKms(principal.callerArn, action, key.arn),
          ));
        if (mayAllow(decision)) {
          paths.get(principal.arn)?.push(`${action} on ${key.arn} (${statementsText(decision)})`);
        }
      }
    }
  }

  // Each kind says how a principal could give itself an identity policy, and how another takes it over.
  const selfEditable = principals.filter(
    (principal) => PRINCIPAL_KINDS[principal.kind].selfEditActions.length > 0,
  );
  const takeable = principals.filter((principal) => takeOverActionOf(principal) !== undefined);
  if (delegating.length > 0) {
    for (const principal of selfEditable) {
      for (const action of PRINCIPAL_KINDS[principal.kind].selfEditActions) {
        if (!ledger.identityMayAllow(principal, action)) {
          continue;
        }
        const decision = await ledger.ask(
          `i\n${ledger.principalClass(principal)}\n${action}\n${ledger.resourceClass(principal, principal.arn)}`,
          principal,
          () => authorizer.authorizeIam(principal.callerArn, action, principal.arn),
        );
        if (mayAllow(decision)) {
          paths
            .get(principal.arn)
            ?.push(
              `${action} on itself (${statementsText(decision)}), then kms:Decrypt through the key policy's ` +
                `delegation to the account on ${delegating.join(", ")}`,
            );
        }
      }
    }
    const viaGroups = await groupEditPaths({
      access,
      ledger,
      delegating,
      mayAllow,
      describe: (decision) => statementsText(decision),
    });
    for (const [arn, found] of viaGroups) {
      paths.get(arn)?.push(...found);
    }
  }

  const viaBoundaries = await boundaryEditPaths({
    access,
    ledger,
    delegating,
    cells,
    mayAllow,
    describe: (decision) => statementsText(decision),
  });
  for (const [arn, found] of viaBoundaries) {
    paths.get(arn)?.push(...found);
  }

  // Principals of one class (the ledger's) with the same resource patterns get the same answer on a target:
  // each class is asked once per target, and its members get the path. At account scale (thousands of
  // principals, hundreds of holders) asking each pair would be quadratic.
  const classes = new Map<string, AccessPrincipal[]>();
  for (const principal of principals) {
    const key = ledger.principalClass(principal);
    const members = classes.get(key);
    if (members === undefined) {
      classes.set(key, [principal]);
    } else {
      members.push(principal);
    }
  }
  // A class shares its identity policies: when none of them can allow the action, none of its members
  // can take anyone over with it. Known once per action, not once per target and class.
  const allowingClasses = new Map<string, [string, AccessPrincipal[]][]>();
  const classesThatMay = (action: string): [string, AccessPrincipal[]][] => {
    let found = allowingClasses.get(action);
    if (found === undefined) {
      found = [...classes].filter(([, members]) => ledger.identityMayAllow(members[0], action));
      allowingClasses.set(action, found);
    }
    return found;
  };
  const takeOverByClass = async (to: AccessPrincipal): Promise<void> => {
    const action = takeOverActionOf(to) as string;
    for (const [key, members] of classesThatMay(action)) {
      const from = members.find((candidate) => candidate.arn !== to.arn);
      if (from === undefined) {
        continue;
      }
      const decision = await ledger.ask(
        `i\n${key}\n${action}\n${ledger.resourceClass(from, to.arn)}`,
        from,
        () => authorizer.authorizeIam(from.callerArn, action, to.arn),
      );
      if (!mayAllow(decision)) {
        continue;
      }
      for (const member of members.filter((candidate) => candidate.arn !== to.arn)) {
        const memberKey = `i\n${key}\n${action}\n${ledger.resourceClass(member, to.arn)}`;
        const answer =
          member === from
            ? decision
            : (ledger.known(memberKey, member) ??
              (await ledger.ask(memberKey, member, () =>
                authorizer.authorizeIam(member.callerArn, action, to.arn),
              )));
        paths
          .get(member.arn)
          ?.push(`${action} on ${to.name}, who can decrypt or change access (${statementsText(answer)})`);
      }
    }
  };

  // Taking over a user that holds access gives its access. Only holders are worth taking over; whoever
  // can take one over becomes a holder too, so the targets are asked round by round to a fixed point.
  const holders = (arn: string): boolean => decrypts.has(arn) || (paths.get(arn)?.length ?? 0) > 0;
  const asked = new Set<string>();
  for (;;) {
    const targets = takeable.filter((to) => holders(to.arn) && !asked.has(to.arn));
    if (targets.length === 0) {
      break;
    }
    for (const to of targets) {
      asked.add(to.arn);
      if (takeOverActionOf(to) !== "sts:AssumeRole") {
        await takeOverByClass(to);
        continue;
      }
      // The trust policy names principals by ARN, so this question is never shared between principals.
      for (const from of principals.filter((candidate) => candidate.arn !== to.arn)) {
        const decision = await ledger.ask(
          `r\n${from.arn}\n${ledger.principalClass(from)}\n${to.arn}`,
          from,
          () => authorizer.authorizeAssumeRole(from.callerArn, to.arn),
        );
        if (mayAllow(decision)) {
          paths
            .get(from.arn)
            ?.push(
              `sts:AssumeRole on ${to.name}, who can decrypt or change access (${statementsText(decision)})`,
            );
        }
      }
    }
  }

  const obtainers = principals
    .filter((principal) => (paths.get(principal.arn)?.length ?? 0) > 0)
    .map((principal) => ({ principal: principal.arn, paths: paths.get(principal.arn) ?? [] }));
  authorizer.deletePrincipal(probeArn);
  return { obtainers, blindSpots };
}

function takeOverActionOf(principal: { readonly kind: PrincipalKind }): string | undefined {
  return traitsOf(principal.kind).takeOverAction;
}

/** Allowed, or conditional (what the plan cannot show might allow it): a path either way (fail closed). */
function mayAllow(decision: Decision): boolean {
  return decision.allowed || decision.outcome === "Conditional";
}

function statementsText(decision: Decision, only?: string): string {
  const statements = (decision.statements ?? []).filter(
    (statement) => statement.effect === "Allow" && (only === undefined || statement.policy === only),
  );
  const grant = decision.grantId === undefined ? [] : [`grant ${decision.grantId}`];
  const conditional =
    decision.outcome === "Conditional" ? ["conditional: depends on what the plan cannot show"] : [];
  if (statements.length === 0) {
    return [...grant, ...conditional][0] ?? "no statement named";
  }
  return statements
    .map(
      (statement) =>
        `${statement.policy} ${statement.sid === undefined ? `#${statement.index}` : `Sid ${statement.sid}`}`,
    )
    .concat(grant, conditional)
    .join(", ");
}
