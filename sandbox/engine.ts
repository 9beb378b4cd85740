/**
 * The public engine API: the one start-up path from a deployment to a live stack (the cloud model, the
 * key registry, the authorizer with every principal and key policy loaded and validated as AWS validates
 * them at deploy time, the KMS grants). The sandbox (sandbox.ts) starts every deployment it applies
 * through `startEngine`; the static access proof (`access/`) starts a plan through `startEngineForPlan`
 * and asks the same Authorizer per cell, so the two cannot drift. `access/` imports nothing else of
 * the sandbox: what it reads of the engine is re-exported here.
 */
import { declaredStates, type Plan } from "../plan/types";
import { reveal } from "../plan/values";
import {
  deployerOf,
  managementAccountOf,
  type CallerIdentity,
  type DeployedResource,
  type Deployment,
} from "./deploy/deployment";
import { applyDeployedKeys } from "./deploy/deployKeys";
import { deriveCloudModel, remoteComponents, type CloudKey, type CloudModel } from "./deploy/model";
import { LiveStack, type AccessKey } from "./deploy/stack";
import { AwsError } from "./errors";
import { partChecksOf, usesTableKey, type AccessMatrixOperation } from "./dynamodb/operations";
import { UNKNOWN, type ContextRecord } from "./iam/evaluation";
import type { Grant } from "./kms/grants";
import { KeyRegistry } from "./kms/keyRegistry";
import type { SessionStore } from "./sts/sessions";

export type {
  Authorizer,
  DecidingStatement,
  Decision,
  KmsDecision,
  PolicyIdentity,
  PrincipalSpec,
} from "./iam";
export { managedPolicyDocument, textReadsEncryptionContext, textReadsPrincipal } from "./iam";
export { ADMINISTRATOR_ACCESS_ARN, deriveCloudModel } from "./deploy/model";
export type {
  CloudGrant,
  CloudKey,
  CloudManagedPolicy,
  CloudModel,
  CloudPrincipal,
  CloudRole,
  CloudTable,
  CloudUser,
  DeployerSource,
  KeyPolicySource,
  NotDeployed,
  UnknownResource,
} from "./deploy/model";
export type { CallerIdentity, DeployedResource, Deployment } from "./deploy/deployment";
export { MANAGED_POLICY_ARNS } from "./iam";
export type {
  AccountAttachedPolicy,
  AccountDataSources,
  AccountDetailsReader,
  AccountIamEntity,
  AccountInlinePolicy,
  AccountMergeContext,
  AccountRoleSources,
  AccountUserSources,
  CloudGroup,
  CloudOrganization,
  CloudOrganizationPolicy,
  OrganizationPolicyType,
  OrganizationTarget,
} from "./deploy/policySources";
export {
  accountPolicyHolders,
  accountRoleSources,
  accountSourcesReader,
  accountUserSources,
  mergeAccountPrincipalSources,
  mergeAccountSources,
  principalSourcesOf,
} from "./deploy/policySources";
export type { CloudOrganizationTree } from "./deploy/organizationTree";
export { parentsOf } from "./deploy/organizationTree";
export type { LiveStack } from "./deploy/stack";
export {
  ACCESS_MATRIX_OPERATIONS,
  matrixActionOf,
  TABLE_KEY_OPERATIONS,
  usesTableKey,
  type AccessMatrixOperation,
} from "./dynamodb/operations";
export { UNKNOWN as UNKNOWN_CONTEXT_VALUE } from "./iam/evaluation";
export type { ContextRecord } from "./iam/evaluation";

/**
 * One IAM check of a cell of the static proof (a principal, an operation, a table): the action and the
 * request context keys to ask it with (`Authorizer.authorizeDynamoDb(caller, action, tableArn,
 * requestKeys)`). Every key whose value depends on the request (the partition key, the attributes,
 * Select, ReturnValues, ReturnConsumedCapacity, the time, the transport) is UNKNOWN, so a decision that
 * depends on one comes out Conditional with the condition; what the operation fixes is set
 * (dynamodb:EnclosingOperation of a transaction's part). A transaction has one check per kind of part,
 * each its own action, as the sandbox authorizes a transaction of every kind of part.
 */
export interface CellCheck {
  readonly action: string;
  readonly requestKeys: ContextRecord;
}

/** The checks of a cell; see CellCheck. */
export function cellChecks(operation: AccessMatrixOperation): readonly CellCheck[] {
  return partChecksOf(operation).map((check) => ({
    action: check.action,
    requestKeys: {
      ...REQUEST_DEPENDENT,
      ...(usesTableKey(operation) ? itemKeys(check.action, "enclosing" in check) : {}),
      ...("enclosing" in check ? { "dynamodb:EnclosingOperation": check.enclosing } : {}),
    },
  }));
}

/**
 * The dynamodb:* keys of an item request (sandbox/dynamodb/conditionKeys.ts) where the action has them,
 * all request-dependent: LeadingKeys but on Scan, Select on reads, ReturnValues on single-item writes and
 * on a write transaction's parts.
 */
function itemKeys(action: string, inTransaction: boolean): ContextRecord {
  const name = action.slice("dynamodb:".length);
  const reads = ["GetItem", "Query", "Scan", "BatchGetItem"].includes(name);
  const writes = ["PutItem", "UpdateItem", "DeleteItem"].includes(name) || (inTransaction && !reads);
  return {
    ...(name === "Scan" ? {} : { "dynamodb:LeadingKeys": UNKNOWN }),
    "dynamodb:Attributes": UNKNOWN,
    ...(reads ? { "dynamodb:Select": UNKNOWN } : {}),
    ...(writes ? { "dynamodb:ReturnValues": UNKNOWN } : {}),
    "dynamodb:ReturnConsumedCapacity": UNKNOWN,
  };
}

/** Keys every request carries whose value depends on the request, not on the stack. */
const REQUEST_DEPENDENT: ContextRecord = {
  "aws:CurrentTime": UNKNOWN,
  "aws:EpochTime": UNKNOWN,
  // DynamoDB endpoints take HTTP and HTTPS: which one a client uses is its own choice.
  "aws:SecureTransport": UNKNOWN,
  "aws:SourceIp": UNKNOWN,
  "aws:UserAgent": UNKNOWN,
  "aws:referer": UNKNOWN,
};

export interface EngineOptions {
  /** The keys' one owner, which outlives deployments. Default: a new registry (nothing deployed before). */
  readonly keys?: KeyRegistry;
  /**
   * The keys as the plan's steps saw them before (their old states), from which each key gets the
   * program's change (deploy/deployKeys.ts); "restored" when `keys` already holds their live state, read
   * back from a data dir, so nothing is applied to them.
   */
  readonly keysBefore?: readonly CloudKey[] | "restored";
  /** Lets the deploying identity sign requests (key administration in the drills). */
  readonly deployerKey?: AccessKey;
  /** Role sessions issued by AssumeRole; they outlive deployments until they expire. */
  readonly sessions?: SessionStore;
  /** Grants made with CreateGrant, carried over from the stack this one replaces. */
  readonly apiGrants?: readonly Grant[];
}

/**
 * Builds the live stack of `model`: validates every key policy as CreateKey/PutKeyPolicy would for the
 * deployer, then brings the key registry in line with the model and makes the table and plan grants.
 * Throws AwsError (MalformedPolicyDocumentException, NoSuchEntity, ...) for what AWS would refuse at
 * deploy time, before any key changes.
 */
export function startEngine(model: CloudModel, options: EngineOptions = {}): Promise<LiveStack> {
  const keys = options.keys ?? new KeyRegistry();
  const keysBefore = options.keysBefore;
  return LiveStack.build(model, keys, options.deployerKey, {
    sessions: options.sessions,
    apiGrants: options.apiGrants,
    applyKeys: keysBefore === "restored" ? undefined : () => applyDeployedKeys(keys, model.keys, keysBefore),
  });
}

/** A plan the engine cannot deploy (a resource it cannot model, what AWS would refuse): one line. */
export class UndeployablePlanError extends Error {
  constructor(message: string) {
    super(`the plan cannot be deployed: ${message}`);
    this.name = "UndeployablePlanError";
  }
}

/** What the caller knows beside the plan. */
export interface PlanEngineOptions {
  /**
   * Who deploys, when the plan does not say (no getCallerIdentity invoke): the hook through which account
   * data (what `aws sts get-caller-identity` printed for the account) names the deployer. Without it, the
   * default deployer (sandbox/deploy/deployment.ts, deployerOf).
   */
  readonly deployer?: CallerIdentity;
  /** What an account as it is adds to the plan (access/accountData/merge.ts). */
  readonly extension?: ModelExtension;
}

/**
 * What is added to a plan's deployment before the engine starts: resources beside the plan's before the
 * model is derived (the account's managed policies, so that the plan's principals attaching them are
 * decided with their documents), then changes to the derived model (the account's principals, groups,
 * keys, grants, organization). Resources the plan manages are the extension's to leave alone.
 */
export interface ModelExtension {
  readonly resources?: (planResources: readonly DeployedResource[]) => DeployedResource[];
  readonly extend?: (model: CloudModel) => void;
}

/**
 * The engine loaded with every resource `plan` declares, deployed into a fresh, empty account (the
 * static proof asks about the stack as the plan leaves it, whatever state the plan was made from), with
 * no server. Values unknown until deployment are not guessed: the model sets their resources aside and
 * lists them (CloudModel.unknowns). Throws UndeployablePlanError for a plan it cannot deploy.
 */
export async function startEngineForPlan(plan: Plan, options: PlanEngineOptions = {}): Promise<LiveStack> {
  let model: CloudModel;
  const deployment = deploymentOfPlan(plan, options);
  deployment.resources.push(...(options.extension?.resources?.(deployment.resources) ?? []));
  try {
    model = deriveCloudModel(deployment);
    model.notDeployed.push(...remoteComponents(declaredStates(plan)));
  } catch (err) {
    if (err instanceof AwsError) {
      throw new UndeployablePlanError(err.message);
    }
    throw new UndeployablePlanError((err as Error).message);
  }
  // Outside the try: the extension's own errors (account data that contradicts the plan) are the user's.
  options.extension?.extend?.(model);
  try {
    return await startEngine(model);
  } catch (err) {
    if (err instanceof AwsError) {
      // What `pulumi up` would stop at (a key policy KMS refuses, an unknown managed policy).
      throw new UndeployablePlanError(`${err.code}: ${err.message}`);
    }
    throw err;
  }
}

/**
 * What the cloud holds once `plan` is applied to an empty account: every resource it declares, created,
 * secrets revealed. Unlike Sandbox.apply (deploy/deployment.ts applySteps), values unknown until
 * deployment are kept as they are, for the model to set aside and report.
 */
function deploymentOfPlan(plan: Plan, options: PlanEngineOptions): Deployment {
  const deployer = deployerOf(plan, options.deployer);
  return {
    deployer: deployer.identity,
    ...(deployer.source === "plan" ? {} : { deployerSource: deployer.source }),
    ...managementAccountOf(plan),
    resources: declaredStates(plan)
      .filter((state) => state.custom)
      .map((state) => ({
        type: state.type,
        urn: state.urn,
        custom: state.custom,
        id: state.id,
        parent: state.parent,
        inputs: reveal(state.inputs) as Record<string, unknown>,
        outputs: reveal(state.outputs) as Record<string, unknown>,
      })),
    outputs: reveal(plan.outputs) as Record<string, unknown>,
  };
}
