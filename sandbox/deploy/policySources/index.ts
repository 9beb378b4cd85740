/**
 * The policy sources: the policies that decide a principal's requests beside its own (IAM groups,
 * permissions boundaries, the organization's SCPs and RCPs), one module each, in the one list below. The
 * cloud model's builder (deploy/model.ts) reads each from a plan through the list, CloudModel and
 * CloudPrincipal take their fields from it, and the sandbox (deploy/stack.ts) and the static proof map them
 * onto the engine (principalSourcesOf), so both see the same ones. A source is its module (./source.ts says
 * what one is) and its line here.
 *
 * IAM User Guide, "Policy evaluation logic" and "How AWS enforcement code logic evaluates requests to
 * allow or deny access" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html):
 * group policies are identity-based policies of each member; a boundary limits what identity-based
 * policies grant; SCPs limit the principals of the accounts they apply to, RCPs the resources.
 */
import type { PrincipalSourceFields, SourcePolicy } from "../../iam/policySources";
import type { DeployedResource } from "../deployment";
import type { ResourceValues } from "../resourceValues";
import { boundariesSource } from "./boundaries";
import { groupsSource } from "./groups";
import { organizationSource } from "./organization";
import type { JsonFields } from "../../../common/jsonFields";
import type {
  AccountDetailsReader,
  AccountMergeContext,
  PlanReadContext,
  PolicySource,
  PrincipalTarget,
  SourcePart,
  SourcePrincipal,
  SourceTypes,
} from "./source";

/** Every policy source, in the order a plan's are read (the organization's structure after the groups). */
export const POLICY_SOURCES = [groupsSource, boundariesSource, organizationSource] as const;

type Source = (typeof POLICY_SOURCES)[number];
type Intersection<U> = (U extends unknown ? (value: U) => void : never) extends (value: infer I) => void
  ? I
  : never;
type TypesOf<S> = S extends PolicySource<infer T> ? T : never;

/** The model's fields of every source: CloudModel (deploy/model.ts) extends it. */
export type ModelPolicySources = Intersection<TypesOf<Source>["model"]>;

/** A principal's fields of every source: CloudPrincipal (deploy/model.ts) extends it. */
export type PrincipalPolicySources = Intersection<TypesOf<Source>["principal"]>;

/** The account data's fields of every source: AccountData (access/accountData/types.ts) extends it. */
export type AccountDataSources = Intersection<TypesOf<Source>["accountData"]>;

/** A user's fields of every source in the account data: AccountUser extends it. */
export type AccountUserSources = Intersection<TypesOf<Source>["accountUser"]>;

/** A role's fields of every source in the account data: AccountRole extends it. */
export type AccountRoleSources = Intersection<TypesOf<Source>["accountRole"]>;

/** A source as the list's loops take it: its own types are held where it is declared. */
const sources = POLICY_SOURCES as readonly PolicySource<SourceTypes>[];

/** Every resource type through which a plan declares a policy source (the model serves them). */
export function policySourceTypes(): string[] {
  return sources.flatMap((source) => source.planTypes);
}

/**
 * The policy sources a plan declares, as the model's fields, each source's in the list's order. Call after
 * the principals and customer managed policies are read.
 */
export function readPolicySources(context: PlanReadContext): ModelPolicySources {
  return Object.assign(
    {},
    ...sources.map((source) => source.readPlan?.(context) ?? {}),
  ) as ModelPolicySources;
}

/** Reads a user's or role's own fields of the policy sources (its boundary) from its resource. */
export function readPrincipalSources(
  values: ResourceValues,
  resource: DeployedResource,
  principal: PrincipalTarget<PrincipalPolicySources>,
): void {
  for (const source of sources) {
    source.readPrincipal?.(values, resource, principal);
  }
}

/**
 * Once the customer managed policies are read: a principal's source fields whose documents the model
 * cannot read make its policies unknown (decided at worst).
 */
export function settlePrincipalSources(
  principals: readonly PrincipalTarget<PrincipalPolicySources>[],
  known: (policyArn: string) => boolean,
): void {
  for (const source of sources) {
    source.settlePrincipals?.(principals, known);
  }
}

/** What the policy sources give the engine's spec of one principal of the model. */
export interface PrincipalSourcesSpec {
  /** The spec's source field (sandbox/iam/policySources.ts), set only when a source adds a policy. */
  readonly fields: PrincipalSourceFields;
  /** The managed policies the sources attach: the spec carries the customer managed ones' documents. */
  readonly managedPolicyArns: readonly string[];
  /** Their policies whose documents are not known: the principal's identity is then unknown. */
  readonly unknownPolicies: readonly string[];
}

/**
 * The engine's parts of the policy sources, for each principal of `model`: the one mapping from the model
 * to the engine, used by the sandbox (deploy/stack.ts) and the static proof.
 */
export function principalSourcesOf(
  model: ModelPolicySources,
): (principal: SourcePrincipal<PrincipalPolicySources>) => PrincipalSourcesSpec {
  const partsOf = sources.flatMap((source) => (source.partsOf === undefined ? [] : [source.partsOf(model)]));
  return (principal) => {
    const identity: SourcePolicy[] = [];
    let boundary: SourcePolicy | undefined;
    const managedPolicyArns: string[] = [];
    const unknownPolicies: string[] = [];
    for (const partOf of partsOf) {
      const part: SourcePart = partOf(principal);
      identity.push(...(part.identity ?? []));
      if (part.boundary !== undefined) {
        if (boundary !== undefined) {
          // IAM gives an entity one permissions boundary ("Permissions boundaries for IAM entities").
          throw new Error(`principal ${principal.arn}: two policy sources set its permissions boundary`);
        }
        boundary = part.boundary;
      }
      managedPolicyArns.push(...(part.managedPolicyArns ?? []));
      unknownPolicies.push(...(part.unknownPolicies ?? []));
    }
    const fields: PrincipalSourceFields =
      identity.length === 0 && boundary === undefined
        ? {}
        : { sourcePolicies: { identity, ...(boundary === undefined ? {} : { boundary }) } };
    return { fields, managedPolicyArns, unknownPolicies };
  };
}

/** Every source's fields of a UserDetail of get-account-authorization-details (access/accountData/read.ts). */
export function accountUserSources(item: JsonFields, details: AccountDetailsReader): AccountUserSources {
  return Object.assign(
    {},
    ...sources.map((source) => source.account?.user?.(item, details) ?? {}),
  ) as AccountUserSources;
}

/** Every source's fields of a RoleDetail of get-account-authorization-details. */
export function accountRoleSources(item: JsonFields, details: AccountDetailsReader): AccountRoleSources {
  return Object.assign(
    {},
    ...sources.map((source) => source.account?.role?.(item, details) ?? {}),
  ) as AccountRoleSources;
}

/**
 * The sources' readers of their entities of get-account-authorization-details (GroupDetailList…), for one
 * folder: `page` for each page (after its users, before its roles), `data` once at the end.
 */
export function accountSourcesReader(details: AccountDetailsReader): {
  page(fields: JsonFields): void;
  data(): AccountDataSources;
} {
  const readers = sources.flatMap((source) =>
    source.account?.reader === undefined ? [] : [source.account.reader(details)],
  );
  return {
    page: (fields) => {
      for (const reader of readers) {
        reader.page(fields);
      }
    },
    data: () => Object.assign({}, ...readers.map((reader) => reader.data())) as AccountDataSources,
  };
}

/**
 * Adds every source's entities of the account data the plan does not declare to the model (after the
 * account's users and roles are added; access/accountData/merge.ts).
 */
export function mergeAccountSources(
  model: ModelPolicySources,
  data: AccountDataSources,
  users: readonly (AccountUserSources & { readonly arn: string })[],
  context: AccountMergeContext,
): void {
  for (const source of sources) {
    source.account?.merge?.(model, data, users, context);
  }
}

/** The sources' holders of attached managed policies in the model besides the principals (its groups). */
export function accountPolicyHolders(
  model: ModelPolicySources,
): { managedPolicyArns: string[]; unknownPolicies: string[] }[] {
  return sources.flatMap((source) => source.account?.policyHolders?.(model) ?? []);
}

/** Sets every source's fields of a user or role of the account data on the model's principal made from it. */
export function mergeAccountPrincipalSources(
  principal: PrincipalTarget<PrincipalPolicySources>,
  entity: AccountUserSources | AccountRoleSources,
  context: AccountMergeContext,
): void {
  for (const source of sources) {
    source.account?.mergePrincipal?.(principal, entity, context);
  }
}

export type { AccountGroup, CloudGroup } from "./groups";
export { groupsByMember } from "./groups";
export type { BoundaryPrincipal } from "./boundaries";
export type {
  CloudOrganization,
  CloudOrganizationPolicy,
  OrganizationPolicyType,
  OrganizationTarget,
  OrganizationTargetType,
} from "./organization";
export {
  appliesToAccount,
  organizationSpecOf,
  ORGANIZATION_POLICY_TYPES,
  policiesByLevel,
} from "./organization";
export type {
  AccountAttachedPolicy,
  AccountDetailsReader,
  AccountIamEntity,
  AccountInlinePolicy,
  AccountMergeContext,
  PlanReadContext,
} from "./source";
