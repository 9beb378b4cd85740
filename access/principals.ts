/**
 * Who the matrix asks about: every IAM principal the plan creates (its kinds read from PRINCIPAL_KINDS: a
 * kind that acts through sessions, a role, is asked as a session of it, which acts with the role's
 * policies: IAM user guide, "Role terms and concepts"), the identity that deploys the stack, and the
 * principals the plan does not create but AWS has:
 * - the account root (the key policy's root statement names it; the root user has every permission of its
 *   account that a key policy does not withhold: IAM user guide, "AWS account root user");
 * - another principal of the same account with no policies (what anyone new in the account gets);
 * - a principal of another account, assumed to hold every permission its own account can give
 *   (AdministratorAccess): cross-account access then depends only on this account's resource policies
 *   (IAM user guide, "Cross-account policy evaluation logic").
 */
import { assumedRoleArn } from "../infra/assumedRole";
import {
  PRINCIPAL_KINDS,
  type PlanPrincipalKind,
  type PrincipalIntent,
  type PrincipalKind,
} from "../infra/principal";
import { ADMINISTRATOR_ACCESS_ARN, type CloudModel, type CloudPrincipal } from "../sandbox/engine";
import type { PrincipalSpec } from "../sandbox/engine";
import type { AccessPrincipal } from "./types";

/** Synthetic principals live under this IAM path, which the plan's users and roles never use. */
const SYNTHETIC_PATH = "access-analysis";

const ADMINISTRATOR = { inline: [], managed: [ADMINISTRATOR_ACCESS_ARN] };

/**
 * The matrix's principal for each kind no plan creates, built from the model (a kind added to
 * PRINCIPAL_KINDS without resources fails the type check here until the matrix knows how to ask about it).
 */
const SYNTHETIC: Record<Exclude<PrincipalKind, PlanPrincipalKind>, (model: CloudModel) => AccessPrincipal> = {
  deployer: (model) => ({
    kind: "deployer",
    arn: model.deployer.arn,
    accountId: model.deployer.accountId,
    callerArn: model.deployer.arn,
    name: "deployer",
    fromPlan: false,
    canSign: false,
    policies: ADMINISTRATOR,
    grants: grantsTo(model, [model.deployer.arn]),
  }),
  "account-root": (model) => {
    const arn = `arn:${model.partition}:iam::${model.accountId}:root`;
    return synthetic(model, "account-root", arn, "account root", ADMINISTRATOR);
  },
  "same-account-no-policies": (model) => {
    const arn = `arn:${model.partition}:iam::${model.accountId}:user/${SYNTHETIC_PATH}/no-policies`;
    return synthetic(model, "same-account-no-policies", arn, "this account, no policies", {
      inline: [],
      managed: [],
    });
  },
  "other-account": (model) => {
    const account = model.accountId === "999999999999" ? "888888888888" : "999999999999";
    const arn = `arn:${model.partition}:iam::${account}:user/${SYNTHETIC_PATH}/administrator`;
    return synthetic(model, "other-account", arn, "another account", ADMINISTRATOR);
  },
};

/**
 * Every principal of the matrix: the plan's, in the model's order, each with what the stack declares about
 * it (`declared`, by ARN: the stack outputs' intent), then the deployer and the principals AWS has.
 */
export function principalsOf(
  model: CloudModel,
  declared: ReadonlyMap<string, PrincipalIntent> = new Map(),
): AccessPrincipal[] {
  const fromPlan = model.principals.map((principal) =>
    planPrincipal(model, principal, declared.get(principal.arn)),
  );
  return [...fromPlan, ...Object.values(SYNTHETIC).map((build) => build(model))];
}

function planPrincipal(
  model: CloudModel,
  principal: CloudPrincipal,
  intent: PrincipalIntent | undefined,
): AccessPrincipal {
  const traits = PRINCIPAL_KINDS[principal.kind];
  const callerArn =
    traits.actsAs === "session"
      ? sessionArnOf(model.partition, model.accountId, principal.name)
      : principal.arn;
  return {
    kind: principal.kind,
    arn: principal.arn,
    accountId: principal.accountId,
    name: principal.name,
    ...(intent === undefined ? {} : { intent }),
    ...groupNamesAndBoundary(model, principal),
    callerArn,
    fromPlan: true,
    canSign: canSign(model, principal),
    policies: {
      inline: principal.inlinePolicies.map((policy) => ({ name: policy.name, document: policy.document })),
      managed: principal.managedPolicyArns,
      ...outsidePoliciesOf(model, principal),
    },
    // A grant to a role covers its sessions; one to a session ARN, that session (KMS developer guide,
    // "Grant concepts": grantee principal).
    grants: grantsTo(model, callerArn === principal.arn ? [principal.arn] : [principal.arn, callerArn]),
    ...unknownPoliciesOf(model, principal),
  };
}

/**
 * Whether a prober can sign as it over HTTP: with its own access key, or, for a principal acting through
 * sessions, through STS AssumeRole with the key of a principal its trust policy names.
 */
function canSign(model: CloudModel, principal: CloudPrincipal): boolean {
  if (principal.trust === undefined) {
    return principal.accessKeys.length > 0;
  }
  const trust = principal.trust.policy;
  return model.principals.some(
    (other) => other.accessKeys.length > 0 && trust.includes(JSON.stringify(other.arn)),
  );
}

function synthetic(
  model: CloudModel,
  kind: Exclude<PrincipalKind, PlanPrincipalKind>,
  arn: string,
  name: string,
  policies: AccessPrincipal["policies"],
): AccessPrincipal {
  return {
    kind,
    arn,
    accountId: arn.split(":")[4] ?? model.accountId,
    callerArn: arn,
    name,
    fromPlan: false,
    canSign: false,
    policies,
    grants: [],
  };
}

/** The engine's spec of a principal the deployed model does not hold already. */
export function principalSpecOf(principal: AccessPrincipal): PrincipalSpec {
  return {
    arn: principal.arn,
    inlinePolicies: principal.policies.inline.map((policy) => ({
      name: policy.name,
      document: policy.document,
    })),
    managedPolicyArns: principal.policies.managed,
    unknownPolicies: principal.unknownPolicies,
  };
}

/** The session the matrix asks a role's questions as (STS AssumeRole's ARN for session name "access-analysis"). */
export function sessionArnOf(partition: string, accountId: string, roleName: string): string {
  const roleArn = `arn:${partition}:iam::${accountId}:role/${roleName}`;
  const session = assumedRoleArn(roleArn, SYNTHETIC_PATH);
  if (session === undefined) {
    throw new Error(`role ${roleArn}: not a role ARN, so no session of it can be asked about`);
  }
  return session;
}

/** The plan's grants (aws:kms/grant:Grant) whose grantee is one of `arns`, as "GRANT_ID on KEY_ARN". */
function grantsTo(model: CloudModel, arns: readonly string[]): string[] {
  return model.grants
    .filter((grant) => arns.includes(grant.granteePrincipal))
    .map((grant) => `${grant.grantId} on ${grant.keyArn}`);
}

/** The groups and boundary of a principal of the model: part of what makes two principals decide alike. */
function outsidePoliciesOf(
  model: CloudModel,
  principal: CloudPrincipal,
): Pick<AccessPrincipal["policies"], "groups" | "boundary"> {
  const groups = (model.groups ?? [])
    .filter((group) => group.members.includes(principal.arn))
    .map((group) => ({ arn: group.arn, inline: group.inlinePolicies, managed: group.managedPolicyArns }));
  return {
    ...(groups.length === 0 ? {} : { groups }),
    ...(principal.permissionsBoundary === undefined ? {} : { boundary: principal.permissionsBoundary }),
  };
}

/** The Principal fields a report shows: the names of its groups, and its boundary's ARN (present only when set). */
function groupNamesAndBoundary(
  model: CloudModel,
  principal: CloudPrincipal,
): { groups?: readonly string[]; permissionsBoundary?: string } {
  const groups = (model.groups ?? [])
    .filter((group) => group.members.includes(principal.arn))
    .map((group) => group.name);
  return {
    ...(groups.length === 0 ? {} : { groups }),
    ...(principal.permissionsBoundary === undefined
      ? {}
      : { permissionsBoundary: principal.permissionsBoundary }),
  };
}

/** Its policies whose documents are not known, its groups' included (they are its identity-based policies too). */
function unknownPoliciesOf(
  model: CloudModel,
  principal: CloudPrincipal,
): { unknownPolicies?: readonly string[] } {
  const unknown = [
    ...principal.unknownPolicies,
    ...(model.groups ?? [])
      .filter((group) => group.members.includes(principal.arn))
      .flatMap((group) => group.unknownPolicies),
  ];
  return unknown.length === 0 ? {} : { unknownPolicies: unknown };
}
