/**
 * What a policy source is on the deploy side (one module per source, listed in ./index.ts): the model's
 * fields it adds, the plan resources it is declared through and how they are read, and its mapping onto
 * the engine's generic parts (sandbox/iam/policySources.ts: identity-based policies beside a principal's
 * own, a permissions boundary), named as decisions name them.
 */
import type { JsonFields } from "../../../common/jsonFields";
import type { SourcePolicy } from "../../iam/policySources";
import type { DeployedResource } from "../deployment";
import type { CloudPrincipal } from "../model";
import type { ResourceValues } from "../resourceValues";

/** What the model's builder (deploy/model.ts) lends a source's plan reader. */
export interface PlanReadContext {
  readonly values: ResourceValues;
  readonly accountId: string;
  /** The management account the plan's getOrganization invoke names, if any (Deployment). */
  readonly managementAccountId?: string;
  readonly principals: readonly CloudPrincipal[];
  /** The deployment's resources of one type, in the served region. */
  byType(type: string): DeployedResource[];
  /** Runs `derive`, setting the resource aside (listed with `consequence`) when a value is unknown. */
  settle(resource: DeployedResource, consequence: string, derive: () => void): void;
  /** Runs `derive` for a policy of `target`; a document unknown until deployment makes `target`'s policies unknown. */
  identityPolicy<T extends { unknownPolicies: string[] }>(
    resource: DeployedResource,
    targetOf: () => T,
    add: (target: T) => void,
  ): void;
  /** Attaches a managed policy ARN: known document, or listed as unknown. */
  attach(target: { managedPolicyArns: string[]; unknownPolicies: string[] }, policyArn: string): void;
  /** An error that lists the resource as not deployed, with `reason`. */
  outside(reason: string): Error;
  /** Lists a resource that is read but does not take effect on the stack (not deployed), with `reason`. */
  notApplied(resource: DeployedResource, reason: string): void;
}

/** One source's part of a principal's engine spec: the engine's generic parts and what they need. */
export interface SourcePart {
  /** Identity-based policies beside the principal's own, one holder's together. */
  readonly identity?: readonly SourcePolicy[];
  /** Its permissions boundary (IAM gives an entity one). */
  readonly boundary?: SourcePolicy;
  /** The managed policies among them: the spec carries the customer managed ones' documents. */
  readonly managedPolicyArns?: readonly string[];
  /** Its policies whose documents are not known: the principal's identity is then unknown. */
  readonly unknownPolicies?: readonly string[];
}

/** A principal as a source's mapping sees it: its ARN and the principal fields of the sources. */
export type SourcePrincipal<Fields> = { readonly arn: string } & Fields;

/** A user or role of the model as a source's readers change it: its fields, and its unknown policies. */
export type PrincipalTarget<Fields> = Fields & { unknownPolicies: string[] };

/** An IAM policy attached to a principal or group by ARN (AttachedManagedPolicies). */
export interface AccountAttachedPolicy {
  readonly name: string;
  readonly arn: string;
}

/** A named inline policy (UserPolicyList, GroupPolicyList, RolePolicyList). */
export interface AccountInlinePolicy {
  readonly name: string;
  /** JSON text. */
  readonly document: string;
}

/** What users, groups and roles have in common in get-account-authorization-details. */
export interface AccountIamEntity {
  readonly arn: string;
  readonly name: string;
  readonly path: string;
  /** IAM's unique id: AIDA… (user), AGPA… (group), AROA… (role). */
  readonly id: string;
  readonly inlinePolicies: readonly AccountInlinePolicy[];
  readonly attachedPolicies: readonly AccountAttachedPolicy[];
  /** Its IAM tags (UserDetail.Tags, RoleDetail.Tags): aws:PrincipalTag of its requests, aws:ResourceTag on it. */
  readonly tags?: Readonly<Record<string, string>>;
  /** The file it was read from. */
  readonly file: string;
}

/**
 * What the account data's reader (access/accountData/read.ts) lends a source to read its part of
 * `aws iam get-account-authorization-details` (IAM API reference, GetAccountAuthorizationDetails), with
 * the reader's one-line errors (field, value, fix).
 */
export interface AccountDetailsReader {
  /** An IAM ARN (of a user, group, role or policy), as the reader checks them. */
  readonly iamArn: RegExp;
  /**
   * The fields every IAM entity has: its Arn (an IAM ARN of `kind`, in the data's one account), its name
   * (`nameField`), Path, id (`idField`), AttachedManagedPolicies and Tags.
   */
  entity(
    item: JsonFields,
    kind: "user" | "group" | "role",
    nameField: string,
    idField: string,
  ): Omit<AccountIamEntity, "inlinePolicies">;
  /** The named inline policies of `field` (GroupPolicyList…), documents as JSON text. */
  inlinePolicies(item: JsonFields, field: string): AccountInlinePolicy[];
  /**
   * Keeps an entity by key across pages and files: the same one described differently twice is an error
   * naming both files (`what`: "the group").
   */
  put<T extends { readonly file: string }>(map: Map<string, T>, key: string, entity: T, what: string): void;
}

/** What the account data's merge (access/accountData/merge.ts) lends a source to add its part to the model. */
export interface AccountMergeContext {
  /** Attached managed policies: those the engine can read, and those it cannot (decided at worst). */
  attached(arns: readonly string[]): { managedPolicyArns: string[]; unknownPolicies: string[] };
  /** Whether the engine holds a managed policy's document (the model's, the account's, the sandbox's copies). */
  known(policyArn: string): boolean;
}

/** The types of one policy source: what it adds to the cloud model and to the account data. */
export interface SourceTypes {
  /** Its fields of the cloud model (CloudModel). */
  readonly model: object;
  /** Its fields of each user and role of the model (CloudPrincipal). */
  readonly principal: object;
  /** Its fields of the account data (AccountData). */
  readonly accountData: object;
  /** Its fields of each user of the account data (AccountUser), from its UserDetail. */
  readonly accountUser: object;
  /** Its fields of each role of the account data (AccountRole), from its RoleDetail. */
  readonly accountRole: object;
}

/** A source's part of the account data: read from get-account-authorization-details, merged into the model. */
export interface AccountDataPart<T extends SourceTypes> {
  /** Its fields of a UserDetail (GroupList…). */
  user?(item: JsonFields, details: AccountDetailsReader): T["accountUser"];
  /** Its fields of a RoleDetail. */
  role?(item: JsonFields, details: AccountDetailsReader): T["accountRole"];
  /**
   * A reader of its entities of get-account-authorization-details (GroupDetailList…), one per folder:
   * `page` for each page, after the page's users and before its roles, then `data` once.
   */
  reader?(details: AccountDetailsReader): {
    page(fields: JsonFields): void;
    data(): T["accountData"];
  };
  /**
   * Adds its entities the plan does not declare to the model, after the account's users and roles (the
   * data's users come with their fields of it).
   */
  merge?(
    model: T["model"],
    data: T["accountData"],
    users: readonly (T["accountUser"] & { readonly arn: string })[],
    context: AccountMergeContext,
  ): void;
  /**
   * Its holders of attached managed policies in the model besides the principals (a group): a plan's
   * holder of a policy the plan does not create took it as unknown, and the account data may hold it.
   */
  policyHolders?(model: T["model"]): readonly { managedPolicyArns: string[]; unknownPolicies: string[] }[];
  /** Sets its fields of a user or role of the account data on the model's principal made from it. */
  mergePrincipal?(
    principal: PrincipalTarget<T["principal"]>,
    entity: T["accountUser"] | T["accountRole"],
    context: AccountMergeContext,
  ): void;
}

/**
 * One policy source, with its types (SourceTypes: CloudModel, CloudPrincipal, AccountData, AccountUser
 * and AccountRole take their fields from ./index.ts's list).
 */
export interface PolicySource<T extends SourceTypes> {
  /** What it is, for messages and docs ("IAM groups"). */
  readonly name: string;
  /** The @pulumi/aws resource types a plan declares it through (the model serves them). */
  readonly planTypes: readonly string[];
  /**
   * Reads its model fields from the plan, after the principals and the customer managed policies, in the
   * list's order (a field it leaves out is absent: none).
   */
  readPlan?(context: PlanReadContext): T["model"];
  /** Reads a user's or role's own fields of it from the principal's resource. */
  readPrincipal?(
    values: ResourceValues,
    resource: DeployedResource,
    principal: PrincipalTarget<T["principal"]>,
  ): void;
  /**
   * Once the customer managed policies are read: a principal's fields whose documents the model cannot
   * read make its policies unknown (decided at worst).
   */
  settlePrincipals?(
    principals: readonly PrincipalTarget<T["principal"]>[],
    known: (policyArn: string) => boolean,
  ): void;
  /** Its mapping onto the engine's parts, made once per model: each principal's part. */
  partsOf?(model: T["model"]): (principal: SourcePrincipal<T["principal"]>) => SourcePart;
  /** Its part of the account data (access/accountData/), if an account can have it beyond the stack. */
  readonly account?: AccountDataPart<T>;
}
