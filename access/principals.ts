/**
 * Who the matrix asks about: every class of principal, each through representatives the policies can tell
 * apart (docs/access.md, "Every principal class"). Every IAM principal the plan creates (its kinds read
 * from PRINCIPAL_KINDS: a kind that acts through sessions, a role, is asked as a session of it, which acts
 * with the role's policies: IAM user guide, "Role terms and concepts"), the identity that deploys the
 * stack, and the principals the plan does not create but AWS has:
 * - the account root (the key policy's root statement names it; the root user has every permission of its
 *   account that a key policy does not withhold: IAM user guide, "AWS account root user");
 * - any other principal of the same account whose identity policies the proof cannot see, taken at worst:
 *   its IAM policies allow everything (AdministratorAccess), so it decrypts wherever the key policy lets
 *   IAM policies decide (KMS developer guide, "Default key policy");
 * - each principal a resource policy names, by ARN, by a wildcard pattern or by an aws:PrincipalArn
 *   condition, that the plan does not create: one representative per pattern (a principal it matches),
 *   taken at worst likewise;
 * - another principal of the same account with no policies (what anyone new in the account gets);
 * - any principal of each other account a policy names, and of an account no policy names, assumed to hold
 *   every permission its own account can give (AdministratorAccess): cross-account access then depends
 *   only on this account's resource policies (IAM user guide, "Cross-account policy evaluation logic");
 * - each AWS service principal a policy or a grant names, and one no policy names: services hold no
 *   identity policies; resource policies and grants decide (IAM user guide, "AWS JSON policy elements:
 *   Principal", service principals);
 * - an anonymous caller (an unsigned request: only a resource policy allowing "*" could let it in).
 */
import { assumedRoleArn } from "../infra/assumedRole";
import {
  parsePrincipalArn,
  PRINCIPAL_KINDS,
  type PlanPrincipalKind,
  type PrincipalIntent,
  type PrincipalKind,
} from "../infra/principal";
import {
  ADMINISTRATOR_ACCESS_ARN,
  principalSourcesOf,
  type CloudModel,
  type CloudPrincipal,
} from "../sandbox/engine";
import type { PrincipalSpec } from "../sandbox/engine";
import { matchesPattern, policyNames, witnessOf, type PolicyNames } from "./classes";
import type { AccessPrincipal } from "./types";

/** Synthetic principals live under this IAM path, which the plan's users and roles never use. */
const SYNTHETIC_PATH = "access-analysis";

/** The representative of the AWS services no policy or grant names (a name no AWS service has). */
export const UNNAMED_SERVICE = "access-analysis.amazonaws.com";

const ADMINISTRATOR = { inline: [], managed: [ADMINISTRATOR_ACCESS_ARN] };
const NO_POLICIES = { inline: [], managed: [] };

/** What the class builders read: the model, what its policies name, the ARNs already asked about. */
interface ClassContext {
  readonly model: CloudModel;
  readonly names: PolicyNames;
  readonly known: ReadonlySet<string>;
}

/**
 * The matrix's principals for each kind no plan creates, built from the model (a kind added to
 * PRINCIPAL_KINDS without resources fails the type check here until the matrix knows how to ask about it).
 */
const SYNTHETIC: Record<
  Exclude<PrincipalKind, PlanPrincipalKind>,
  (context: ClassContext) => AccessPrincipal[]
> = {
  deployer: ({ model }) => [
    {
      kind: "deployer",
      arn: model.deployer.arn,
      accountId: model.deployer.accountId,
      callerArn: model.deployer.arn,
      name: "deployer",
      fromPlan: false,
      canSign: false,
      policies: ADMINISTRATOR,
      grants: grantsTo(model, [model.deployer.arn]),
      why:
        `the identity that deploys the stack (${model.deployerSource === "plan" ? "the plan's getCallerIdentity" : model.deployerSource === "given" ? "as given" : "the default"}): ` +
        "an administrator of the account (AdministratorAccess)",
    },
  ],
  "account-root": ({ model }) => {
    const arn = `arn:${model.partition}:iam::${model.accountId}:root`;
    return [
      synthetic(
        model,
        "account-root",
        arn,
        "account root",
        ADMINISTRATOR,
        'the account root user: every permission of its account that a key policy does not withhold (IAM User Guide, "AWS account root user")',
      ),
    ];
  },
  "same-account-any": ({ model }) => {
    const arn = `arn:${model.partition}:iam::${model.accountId}:user/${SYNTHETIC_PATH}/any-principal`;
    return [
      synthetic(
        model,
        "same-account-any",
        arn,
        "this account, IAM policies unseen",
        ADMINISTRATOR,
        `stands for every other principal of account ${model.accountId} that no policy names: its identity policies ` +
          "are not seen, so taken at worst (AdministratorAccess); it decrypts wherever the key policy lets the " +
          "account's IAM policies decide",
      ),
    ];
  },
  "policy-pattern": ({ model, names, known }) => {
    const byPattern = new Map<string, string[]>();
    for (const entry of names.principalPatterns) {
      byPattern.set(entry.value, [...(byPattern.get(entry.value) ?? []), entry.where]);
    }
    const principals: AccessPrincipal[] = [];
    const taken = new Set(known);
    for (const [pattern, where] of byPattern) {
      const wildcard = /[*?]/.test(pattern);
      // A principal the matrix already asks about by its own ARN is decided as itself.
      if (!wildcard && taken.has(pattern)) {
        continue;
      }
      const witness = witnessOf(pattern);
      const parsed = witness === undefined ? undefined : parsePrincipalArn(witness);
      if (
        witness === undefined ||
        parsed === undefined ||
        parsed.kind === "account-root" ||
        taken.has(witness)
      ) {
        continue;
      }
      taken.add(witness);
      const callerArn =
        parsed.kind === "role" ? sessionArnOf(parsed.partition, parsed.accountId, parsed.name) : witness;
      principals.push({
        ...synthetic(
          model,
          "policy-pattern",
          witness,
          wildcard ? `matching ${pattern}` : pattern,
          ADMINISTRATOR,
          `stands for ${wildcard ? "every principal matching" : "the principal"} ${pattern}, named by ${where.join("; ")}, ` +
            "that the plan does not create: its identity policies are not seen, so taken at worst (AdministratorAccess)",
        ),
        callerArn,
        ...(parsed.kind === "role"
          ? { trustPolicy: trustOfAccount(parsed.partition, parsed.accountId) }
          : {}),
      });
    }
    return principals;
  },
  "same-account-no-policies": ({ model }) => {
    const arn = `arn:${model.partition}:iam::${model.accountId}:user/${SYNTHETIC_PATH}/no-policies`;
    return [
      synthetic(
        model,
        "same-account-no-policies",
        arn,
        "this account, no policies",
        NO_POLICIES,
        `stands for every principal of account ${model.accountId} without identity policies (what a new user gets)`,
      ),
    ];
  },
  "named-account": ({ model, names }) => {
    const accounts = new Map<string, string[]>();
    for (const entry of names.accounts.filter((candidate) => candidate.value !== model.accountId)) {
      accounts.set(entry.value, [...(accounts.get(entry.value) ?? []), entry.where]);
    }
    return [...accounts].map(([account, where]) =>
      synthetic(
        model,
        "named-account",
        `arn:${model.partition}:iam::${account}:user/${SYNTHETIC_PATH}/administrator`,
        `account ${account}`,
        ADMINISTRATOR,
        `stands for every principal of account ${account}, named by ${where.join("; ")}, that no policy names by ARN: ` +
          "its account may give it every permission (AdministratorAccess), so this account's resource policies decide",
      ),
    );
  },
  "other-account": ({ model, names }) => {
    const named = new Set([model.accountId, ...names.accounts.map((entry) => entry.value)]);
    const account =
      ["999999999999", "888888888888", "777777777777", "666666666666"].find((id) => !named.has(id)) ??
      "555555555555";
    const arn = `arn:${model.partition}:iam::${account}:user/${SYNTHETIC_PATH}/administrator`;
    return [
      synthetic(
        model,
        "other-account",
        arn,
        "another account",
        ADMINISTRATOR,
        "stands for every principal of every account no policy names: its own account may give it every permission " +
          '(AdministratorAccess), so only this account\'s resource policies decide (IAM User Guide, "Cross-account policy evaluation logic")',
      ),
    ];
  },
  "aws-service": ({ model, names }) => {
    const services = new Map<string, string[]>();
    for (const entry of names.services) {
      services.set(entry.value, [...(services.get(entry.value) ?? []), entry.where]);
    }
    return [
      ...[...services].map(([service, where]) =>
        accountless(
          model,
          "aws-service",
          service,
          service,
          `the AWS service principal ${service}, named by ${where.join("; ")}: a service holds no identity policies; ` +
            "resource policies and grants decide (its direct kms:Decrypt is asked with the table's encryption context, as DynamoDB sends it)",
        ),
      ),
      accountless(
        model,
        "aws-service",
        UNNAMED_SERVICE,
        "any other AWS service",
        "stands for every AWS service principal no policy or grant names: it holds no identity policies, and no resource policy names it",
      ),
    ];
  },
  anonymous: ({ model }) => [
    accountless(
      model,
      "anonymous",
      "anonymous",
      "anonymous",
      'an unsigned request: it has no identity; only a resource policy allowing Principal "*" could let it in',
    ),
  ],
};

/**
 * Every principal of the matrix: the plan's, in the model's order, each with what the stack declares about
 * it (`declared`, by ARN: the stack outputs' intent), then the deployer and the principal classes AWS has.
 */
export function principalsOf(
  model: CloudModel,
  declared: ReadonlyMap<string, PrincipalIntent> = new Map(),
  fromAccountData: ReadonlySet<string> = new Set(),
): AccessPrincipal[] {
  const fromPlan = model.principals.map((principal) => ({
    ...planPrincipal(model, principal, declared.get(principal.arn)),
    ...(fromAccountData.has(principal.arn) ? { fromAccountData: true } : {}),
  }));
  const names = policyNames(model);
  const principals: AccessPrincipal[] = [...fromPlan];
  for (const build of Object.values(SYNTHETIC)) {
    const known = new Set(principals.flatMap((principal) => [principal.arn, principal.callerArn]));
    principals.push(...build({ model, names, known }).filter((principal) => !known.has(principal.arn)));
  }
  return principals;
}

/** Whether `arn` belongs to the class `principal` stands for (used to draw members of a class). */
export function patternOf(principal: AccessPrincipal): string | undefined {
  return principal.kind === "policy-pattern" && principal.name.startsWith("matching ")
    ? principal.name.slice("matching ".length)
    : undefined;
}

export { matchesPattern };

function planPrincipal(
  model: CloudModel,
  principal: CloudPrincipal,
  intent: PrincipalIntent | undefined,
): AccessPrincipal {
  const traits = PRINCIPAL_KINDS[principal.kind];
  const callerArn =
    traits.actsAs === "session"
      ? sessionArnOf(model.partition, principal.accountId, principal.name)
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
    why: `a ${PRINCIPAL_KINDS[principal.kind].title} the plan creates: decided with its own policies`,
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
  why: string,
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
    why,
  };
}

/** A principal without an account (a service principal, an anonymous caller): no identity policies. */
function accountless(
  model: CloudModel,
  kind: "aws-service" | "anonymous",
  arn: string,
  name: string,
  why: string,
): AccessPrincipal {
  return {
    ...synthetic(model, kind, arn, name, NO_POLICIES, why),
    accountId: "",
    grants: grantsTo(model, [arn]),
  };
}

/** A trust policy letting the principals of `accountId` assume the role (a role representative needs one). */
function trustOfAccount(partition: string, accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "sts:AssumeRole",
      },
    ],
  });
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
    ...(principal.trustPolicy === undefined ? {} : { trustPolicy: principal.trustPolicy }),
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

/** The groups and boundary of a principal of the model, as the report shows them (`policies`). */
function outsidePoliciesOf(
  model: CloudModel,
  principal: CloudPrincipal,
): Pick<AccessPrincipal["policies"], "groups" | "boundary"> {
  const groups = groupsOf(model, principal.arn).map((group) => ({
    arn: group.arn,
    inline: group.inlinePolicies,
    managed: group.managedPolicyArns,
  }));
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
  const groups = groupsOf(model, principal.arn).map((group) => group.name);
  return {
    ...(groups.length === 0 ? {} : { groups }),
    ...(principal.permissionsBoundary === undefined
      ? {}
      : { permissionsBoundary: principal.permissionsBoundary }),
  };
}

/**
 * Its policies whose documents are not known, those of every policy source included (its groups' are its
 * identity-based policies too): the engine's one mapping of the model's sources (principalSourcesOf).
 */
function unknownPoliciesOf(
  model: CloudModel,
  principal: CloudPrincipal,
): { unknownPolicies?: readonly string[] } {
  let sourcesOf = sourcesIndex.get(model);
  if (sourcesOf === undefined) {
    sourcesOf = principalSourcesOf(model);
    sourcesIndex.set(model, sourcesOf);
  }
  const unknown = [...principal.unknownPolicies, ...sourcesOf(principal).unknownPolicies];
  return unknown.length === 0 ? {} : { unknownPolicies: unknown };
}

/** The sources' mapping of each model, made once: account data holds thousands of principals. */
const sourcesIndex = new WeakMap<CloudModel, ReturnType<typeof principalSourcesOf>>();

type CloudGroup = NonNullable<CloudModel["groups"]>[number];

/** The groups of each member, indexed once per model: account data holds thousands of members. */
const groupIndex = new WeakMap<CloudModel, Map<string, CloudGroup[]>>();

function groupsOf(model: CloudModel, arn: string): CloudGroup[] {
  let index = groupIndex.get(model);
  if (index === undefined) {
    index = new Map();
    for (const group of model.groups ?? []) {
      for (const member of group.members) {
        const groups = index.get(member);
        if (groups === undefined) {
          index.set(member, [group]);
        } else {
          groups.push(group);
        }
      }
    }
    groupIndex.set(model, index);
  }
  return index.get(arn) ?? [];
}
