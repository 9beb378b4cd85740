/**
 * ListPolicies, DescribePolicy and ListTargetsForPolicy (Organizations API reference,
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPolicies.html,
 * API_DescribePolicy.html, API_ListTargetsForPolicy.html), answered from the model's organization
 * (deploy/policySources/organization.ts). A deployment with none answers AWSOrganizationsNotInUseException, as an
 * account outside any organization does. The organization's id and the management account are not in the
 * model: ARNs name a fixed organization id and the management account (a placeholder when not known).
 */
import type { CloudModel } from "../deploy/model";
import type { CloudOrganization, CloudOrganizationPolicy } from "../deploy/policySources";
import { AwsError } from "../errors";

/** The organization id ARNs name when the model knows none (deploy/organizationTree.ts). */
export const SANDBOX_ORGANIZATION_ID = "o-sandbox0000";

function organizationIdOf(model: CloudModel): string {
  return model.organizationTree?.id ?? SANDBOX_ORGANIZATION_ID;
}

const POLICY_TYPES = ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"];

function organizationOf(model: CloudModel): CloudOrganization {
  if (model.organization === undefined) {
    throw new AwsError(
      "AWSOrganizationsNotInUseException",
      "Your account is not a member of an organization.",
    );
  }
  return model.organization;
}

/** The ARN of a policy (AWS managed ones are the `aws` account's: Organizations User Guide, "FullAWSAccess"). */
export function organizationPolicyArn(model: CloudModel, policy: CloudOrganizationPolicy): string {
  const type = policy.type.toLowerCase();
  return policy.awsManaged
    ? `arn:${model.partition}:organizations::aws:policy/${type}/${policy.id}`
    : `arn:${model.partition}:organizations::${managementAccount(model)}:policy/${organizationIdOf(model)}/${type}/${policy.id}`;
}

/**
 * The management account the ARNs name. A deployment that does not name it is a member account's: the
 * ARNs then name a placeholder account that is not the stack's, so that a reader of them (account data)
 * does not take the stack's account for the management account, whose principals SCPs do not limit.
 */
function managementAccount(model: CloudModel): string {
  const placeholder = model.accountId === "000000000000" ? "000000000001" : "000000000000";
  return model.organization?.managementAccountId ?? placeholder;
}

/** The policy a request names by PolicyId; PolicyNotFoundException for none. */
export function policyNamed(
  request: Readonly<Record<string, unknown>>,
  model: CloudModel,
): CloudOrganizationPolicy {
  const id = request.PolicyId;
  if (typeof id !== "string" || !/^p-[0-9a-zA-Z_]{8,128}$/.test(id)) {
    throw new AwsError("InvalidInputException", "You specified an invalid value.", 400, {
      Reason: "INVALID_PATTERN",
    });
  }
  const policy = organizationOf(model).policies.find((candidate) => candidate.id === id);
  if (policy === undefined) {
    throw new AwsError(
      "PolicyNotFoundException",
      "We can't find a policy with the PolicyId that you specified.",
    );
  }
  return policy;
}

function summary(model: CloudModel, policy: CloudOrganizationPolicy): Record<string, unknown> {
  return {
    Id: policy.id,
    Arn: organizationPolicyArn(model, policy),
    Name: policy.name,
    Description: "",
    Type: policy.type,
    AwsManaged: policy.awsManaged,
  };
}

/** One page of `items`: MaxResults (1 to 20: Organizations API reference) from NextToken on. */
export function paged<T>(
  items: readonly T[],
  request: Readonly<Record<string, unknown>>,
  key: string,
): Record<string, unknown> {
  const max = request.MaxResults ?? 20;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 20) {
    throw new AwsError("InvalidInputException", "You specified an invalid value.", 400, {
      Reason: "INVALID_PARAMETER_VALUE",
    });
  }
  const token = request.NextToken;
  const start = token === undefined ? 0 : Number(/^page-(\d+)$/.exec(String(token))?.[1] ?? NaN);
  if (!Number.isSafeInteger(start) || start > items.length) {
    throw new AwsError("InvalidInputException", "You specified an invalid value.", 400, {
      Reason: "INVALID_PAGINATION_TOKEN",
    });
  }
  const end = start + max;
  return { [key]: items.slice(start, end), ...(end < items.length ? { NextToken: `page-${end}` } : {}) };
}

export function listPolicies(
  request: Readonly<Record<string, unknown>>,
  model: CloudModel,
): Record<string, unknown> {
  const filter = request.Filter;
  if (typeof filter !== "string") {
    throw new AwsError("InvalidInputException", "You specified an invalid value.", 400, {
      Reason: "INVALID_INPUT",
    });
  }
  const organization = organizationOf(model);
  // Only SCPs and RCPs are modelled; another type is one the organization has no policies of.
  const policies = POLICY_TYPES.includes(filter)
    ? organization.policies.filter((policy) => policy.type === filter)
    : [];
  return paged(
    policies.map((policy) => summary(model, policy)),
    request,
    "Policies",
  );
}

export function describePolicy(
  request: Readonly<Record<string, unknown>>,
  model: CloudModel,
): Record<string, unknown> {
  const policy = policyNamed(request, model);
  return { Policy: { PolicySummary: summary(model, policy), Content: policy.document } };
}

export function listTargetsForPolicy(
  request: Readonly<Record<string, unknown>>,
  model: CloudModel,
): Record<string, unknown> {
  const policy = policyNamed(request, model);
  const organization = organizationOf(model);
  const management = managementAccount(model);
  const targets = policy.targets.map((id) => {
    const type =
      organization.path.find((level) => level.id === id)?.type ??
      (id.startsWith("r-") ? "ROOT" : id.startsWith("ou-") ? "ORGANIZATIONAL_UNIT" : "ACCOUNT");
    const kind = type === "ROOT" ? "root" : type === "ORGANIZATIONAL_UNIT" ? "ou" : "account";
    return {
      TargetId: id,
      Arn: `arn:${model.partition}:organizations::${management}:${kind}/${organizationIdOf(model)}/${id}`,
      Name: type === "ROOT" ? "Root" : id,
      Type: type,
    };
  });
  return paged(targets, request, "Targets");
}
