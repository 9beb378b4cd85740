/**
 * What a policy source is on the deploy side (one module per source, listed in ./index.ts): the model's
 * fields it adds, the plan resources it is declared through and how they are read, and its mapping onto
 * the engine's generic parts (sandbox/iam/policySources.ts: identity-based policies beside a principal's
 * own, a permissions boundary), named as decisions name them.
 */
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

/**
 * One policy source. `Model` is the fields it adds to the cloud model (CloudModel has them through
 * ./index.ts's ModelPolicySources), `Principal` those it adds to each principal (CloudPrincipal).
 */
export interface PolicySource<Model extends object, Principal extends object> {
  /** What it is, for messages and docs ("IAM groups"). */
  readonly name: string;
  /** The @pulumi/aws resource types a plan declares it through (the model serves them). */
  readonly planTypes: readonly string[];
  /**
   * Reads its model fields from the plan, after the principals and the customer managed policies, in the
   * list's order (a field it leaves out is absent: none).
   */
  readPlan?(context: PlanReadContext): Model;
  /** Reads a user's or role's own fields of it from the principal's resource. */
  readPrincipal?(
    values: ResourceValues,
    resource: DeployedResource,
    principal: PrincipalTarget<Principal>,
  ): void;
  /**
   * Once the customer managed policies are read: a principal's fields whose documents the model cannot
   * read make its policies unknown (decided at worst).
   */
  settlePrincipals?(
    principals: readonly PrincipalTarget<Principal>[],
    known: (policyArn: string) => boolean,
  ): void;
  /** Its mapping onto the engine's parts, made once per model: each principal's part. */
  partsOf?(model: Model): (principal: SourcePrincipal<Principal>) => SourcePart;
}
