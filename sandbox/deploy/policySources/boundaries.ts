/**
 * Permissions boundaries as a policy source: "An entity's permissions boundary allows it to perform only
 * the actions that are allowed by both its identity-based policies and its permissions boundaries" (IAM
 * User Guide, "Permissions boundaries for IAM entities",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html). A user's or role's
 * `permissionsBoundary`, read from its resource here (or from account data), mapped onto the engine's
 * boundary, named "boundary:POLICY_ARN" in decisions.
 */
import type { DeployedResource } from "../deployment";
import { UnknownValueError, type ResourceValues } from "../resourceValues";
import type { JsonFields } from "../../../common/jsonFields";
import type { AccountDetailsReader, PolicySource } from "./source";

/** A principal's field of this source: CloudPrincipal has it (./index.ts). */
export interface BoundaryPrincipal {
  /**
   * The ARN of the managed policy set as its permissions boundary (`permissionsBoundary`; IAM User Guide,
   * "Permissions boundaries for IAM entities"). Its document is the model's (`policies`) or the sandbox's
   * copy of an AWS managed policy; one the sandbox cannot read is listed in `unknownPolicies` instead.
   */
  permissionsBoundary?: string;
}

/** A principal as this source's readers change it. */
type BoundedPrincipal = BoundaryPrincipal & { unknownPolicies: string[] };

/**
 * A user's or role's permissionsBoundary input (the ARN of a managed policy): set on the principal; a
 * value unknown until deployment makes its policies unknown (decided at worst) instead.
 */
function readBoundary(values: ResourceValues, resource: DeployedResource, principal: BoundedPrincipal): void {
  try {
    const boundary = values.optionalString(resource, "inputs", "permissionsBoundary");
    if (boundary !== undefined) {
      principal.permissionsBoundary = boundary;
    }
  } catch (err) {
    if (!(err instanceof UnknownValueError)) {
      throw err;
    }
    principal.unknownPolicies.push(`${resource.urn} (${err.path})`);
  }
}

/**
 * Boundaries whose documents the model cannot read (a policy made outside the program, an AWS managed
 * policy the sandbox holds no copy of) make their principal's policies unknown, decided at worst.
 */
function settleBoundaries(
  principals: readonly BoundedPrincipal[],
  known: (policyArn: string) => boolean,
): void {
  for (const principal of principals) {
    if (principal.permissionsBoundary !== undefined && !known(principal.permissionsBoundary)) {
      principal.unknownPolicies.push(principal.permissionsBoundary);
      delete principal.permissionsBoundary;
    }
  }
}

/** A user's or role's field of this source in the account data: AccountUser and AccountRole have it. */
export interface AccountBoundaryPrincipal {
  /** The ARN of its permissions boundary (UserDetail/RoleDetail.PermissionsBoundary.PermissionsBoundaryArn). */
  readonly permissionsBoundary?: string;
}

/** UserDetail/RoleDetail.PermissionsBoundary (IAM API reference, AttachedPermissionsBoundary). */
function accountBoundaryOf(item: JsonFields, details: AccountDetailsReader): AccountBoundaryPrincipal {
  const boundary = item.object("PermissionsBoundary");
  if (boundary === undefined) {
    return {};
  }
  return {
    permissionsBoundary: boundary.string("PermissionsBoundaryArn", details.iamArn, "an IAM policy ARN"),
  };
}

/**
 * Permissions boundaries: read from each user's and role's resource or UserDetail/RoleDetail, mapped onto
 * the engine's boundary.
 */
export const boundariesSource: PolicySource<{
  model: object;
  principal: BoundaryPrincipal;
  accountData: object;
  accountUser: AccountBoundaryPrincipal;
  accountRole: AccountBoundaryPrincipal;
}> = {
  name: "permissions boundaries",
  // Declared on the principals' own resources (aws:iam/user:User, aws:iam/role:Role).
  planTypes: [],
  readPrincipal: (values, resource, principal) => readBoundary(values, resource, principal),
  settlePrincipals: (principals, known) => settleBoundaries(principals, known),
  partsOf: () => (principal) =>
    principal.permissionsBoundary === undefined
      ? {}
      : {
          boundary: {
            name: `boundary:${principal.permissionsBoundary}`,
            managedPolicyArn: principal.permissionsBoundary,
          },
          managedPolicyArns: [principal.permissionsBoundary],
        },
  account: {
    user: accountBoundaryOf,
    role: accountBoundaryOf,
    mergePrincipal: (principal, entity, context) => {
      const boundary = entity.permissionsBoundary;
      if (boundary === undefined) {
        return;
      }
      if (context.known(boundary)) {
        principal.permissionsBoundary = boundary;
      } else {
        // A boundary the engine cannot read may allow anything: the principal is decided at worst.
        principal.unknownPolicies.push(boundary);
      }
    },
  },
};
