/**
 * The AWS Organizations operations the sandbox serves over JSON 1.1 (`X-Amz-Target:
 * AWSOrganizationsV20161128.<Operation>`, signed for `organizations`): the reads that collecting account
 * data needs, answered from the deployment's organization (deploy/policySources/organization.ts: its SCPs and RCPs
 * and their targets; deploy/organizationTree.ts: its id, root, OUs and accounts). One table, as every service of the sandbox has; docs/sandbox.md's "What it serves"
 * is generated from `docs` (`npm run docs`).
 */
import type { CloudModel } from "../deploy/model";
import type { RequestMembers } from "../http/requestMembers";
import { describePolicy, listPolicies, listTargetsForPolicy } from "./policies";
import {
  describeOrganization,
  listAccounts,
  listOrganizationalUnitsForParent,
  listParents,
  listRoots,
} from "./structure";

export const ORGANIZATIONS_TARGET_PREFIX = "AWSOrganizationsV20161128.";

export interface OrganizationsOperationSpec {
  readonly handler: (
    request: Readonly<Record<string, unknown>>,
    model: CloudModel,
  ) => Record<string, unknown>;
  /** The IAM action it is authorized as (Service Authorization Reference, "Actions defined by AWS Organizations"). */
  readonly iamAction: string;
  /** The resource it is authorized on: the policy named by PolicyId, or "*". */
  readonly resource: "policy" | "*";
  readonly docs: string;
  /** Every input member in the Organizations API model (sandbox/http/requestMembers.ts). */
  readonly members: RequestMembers;
}

export const ORGANIZATIONS_OPERATION_TABLE = {
  ListPolicies: {
    handler: listPolicies,
    iamAction: "organizations:ListPolicies",
    resource: "*",
    docs: "Lists the organization's policies of one type (SCPs, RCPs), paged by NextToken and MaxResults.",
    members: { Filter: "modelled", NextToken: "shape", MaxResults: "shape" },
  },
  DescribePolicy: {
    handler: describePolicy,
    iamAction: "organizations:DescribePolicy",
    resource: "policy",
    docs: "Answers one SCP or RCP: its summary and its content.",
    members: { PolicyId: "modelled" },
  },
  ListTargetsForPolicy: {
    handler: listTargetsForPolicy,
    iamAction: "organizations:ListTargetsForPolicy",
    resource: "policy",
    docs: "Lists the roots, organizational units and accounts an SCP or RCP is attached to.",
    members: { PolicyId: "modelled", NextToken: "shape", MaxResults: "shape" },
  },
  DescribeOrganization: {
    handler: describeOrganization,
    iamAction: "organizations:DescribeOrganization",
    resource: "*",
    docs: "Answers the organization the deployment names: its id and management account.",
    members: {},
  },
  ListRoots: {
    handler: listRoots,
    iamAction: "organizations:ListRoots",
    resource: "*",
    docs: "Lists the organization's root.",
    members: { NextToken: "shape", MaxResults: "shape" },
  },
  ListAccounts: {
    handler: listAccounts,
    iamAction: "organizations:ListAccounts",
    resource: "*",
    docs: "Lists every member account, when the deployment names them all (else NotModelledBySandboxException).",
    members: { NextToken: "shape", MaxResults: "shape" },
  },
  ListParents: {
    handler: listParents,
    iamAction: "organizations:ListParents",
    resource: "*",
    docs: "Answers the parent (root or OU) of an account or OU the deployment places.",
    members: { ChildId: "modelled", NextToken: "shape", MaxResults: "shape" },
  },
  ListOrganizationalUnitsForParent: {
    handler: listOrganizationalUnitsForParent,
    iamAction: "organizations:ListOrganizationalUnitsForParent",
    resource: "*",
    docs: "Lists the OUs the deployment places under a root or OU.",
    members: { ParentId: "modelled", NextToken: "shape", MaxResults: "shape" },
  },
} as const satisfies Record<string, OrganizationsOperationSpec>;

export type OrganizationsOperation = keyof typeof ORGANIZATIONS_OPERATION_TABLE;

export const ORGANIZATIONS_OPERATIONS = Object.keys(
  ORGANIZATIONS_OPERATION_TABLE,
) as OrganizationsOperation[];

export function isOrganizationsOperation(operation: string): operation is OrganizationsOperation {
  return Object.hasOwn(ORGANIZATIONS_OPERATION_TABLE, operation);
}
