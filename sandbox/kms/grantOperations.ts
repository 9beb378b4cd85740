/**
 * KMS's grant API over the grant store (grants.ts): CreateGrant, ListGrants, ListRetirableGrants,
 * RetireGrant and RevokeGrant, with KMS's authorization (KMS developer guide, "Controlling access to
 * grants"; "Retiring and revoking grants") and KMS's errors (KMS API reference for each operation).
 */
import { AwsError } from "../errors";
import type { Authorizer, KmsDecision } from "../iam";
import type { CreateGrantContext } from "../iam/authorizer";
import { accountOf, parseArn } from "../iam/arn";
import { roleOfSession } from "../../infra/assumedRole";
import { GRANT_OPERATIONS, isWithinParentGrant, type Grant, type GrantConstraints } from "./grants";
import { checkGrantConstraints, checkGrantsPerKey } from "./limits";
import { NOT_MODELLED } from "../http/requestMembers";
import type { KmsCall } from "./operations";
import { optionalInteger, optionalString, requiredString, type RequestBody } from "./requests";

const GRANT_NAME = /^[a-zA-Z0-9:/_-]+$/;
/** ListGrants and ListRetirableGrants: Limit 1-100, default 50 (KMS API reference, ListGrants). */
const DEFAULT_LIMIT = 50;

export async function createGrant(request: RequestBody, context: KmsCall): Promise<Record<string, unknown>> {
  // CreateGrant's KeyId is a key id or key ARN (KMS API reference, CreateGrant, KeyId).
  const key = context.resolveKey(requiredString(request, "KeyId", "keyId"), { aliases: false });
  const granteePrincipal = requiredString(request, "GranteePrincipal", "granteePrincipal", 256);
  const retiringPrincipal = optionalString(request, "RetiringPrincipal", "retiringPrincipal");
  const operations = grantOperations(request.Operations);
  const constraints = grantConstraints(request.Constraints);
  checkGrantConstraints(constraints);
  const name = optionalString(request, "Name", "name");
  if (name !== undefined && (name.length > 256 || !GRANT_NAME.test(name))) {
    throw validation("name", name, "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
  }
  for (const principal of [granteePrincipal, retiringPrincipal]) {
    if (principal !== undefined && !isGrantPrincipal(principal, context.authorizer)) {
      // KMS API reference, CreateGrant, errors: InvalidArnException, "a specified ARN ... is not valid".
      throw new AwsError("InvalidArnException", `${principal} is not a valid principal ARN.`);
    }
  }
  const grantContext: CreateGrantContext = {
    operations,
    granteePrincipal,
    retiringPrincipal,
    constraintType: constraintTypeOf(constraints),
    forAwsResource: false,
  };
  const decision = await context.authorize(key, { grant: grantContext });
  if (decision.grantId !== undefined) {
    // Allowed by a grant's CreateGrant: the new grant must stay within one of the caller's grants that
    // allow CreateGrant, whichever it is, not only the first found (KMS developer guide, "Grants in AWS
    // KMS": a grantee with CreateGrant may create a grant of the same or fewer operations and constraints).
    const parents = context.grants.findAll({
      keyArn: key.arn,
      operation: "CreateGrant",
      granteeArns: identitiesOf(context.callerArn),
    });
    if (!parents.some((parent) => isWithinParentGrant(parent, { operations, constraints }))) {
      throw new AwsError(
        "AccessDeniedException",
        `${context.callerArn} is not authorized to perform: ${context.action} on resource: ${key.arn} ` +
          "because the grant that allows it does not cover the operations or constraints requested",
      );
    }
  }
  refuseDryRun(request);
  const fields = {
    keyArn: key.arn,
    granteePrincipal,
    retiringPrincipal,
    operations,
    constraints,
    name: name ?? "",
    issuingAccount: `arn:aws:iam::${accountOf(context.callerArn, "caller arn")}:root`,
  };
  // A CreateGrant repeated with the same name and parameters returns the grant it made (KMS API
  // reference, CreateGrant, Name: "retries ... do not create unnecessary duplicate grants").
  const existing =
    name === undefined
      ? undefined
      : context.grants.named(key.arn, name).find((grant) => sameGrant(grant, fields));
  checkGrantsPerKey(existing === undefined ? context.grants.countForKey(key.arn) : 0, key.arn);
  const grant = existing ?? context.grants.put({ ...fields, origin: "api" });
  return { GrantId: grant.grantId, GrantToken: grant.grantToken };
}

export async function listGrants(request: RequestBody, context: KmsCall): Promise<Record<string, unknown>> {
  const key = context.resolveKey(requiredString(request, "KeyId", "keyId"));
  const grantId = optionalString(request, "GrantId", "grantId");
  const granteePrincipal = optionalString(request, "GranteePrincipal", "granteePrincipal");
  await context.authorize(key);
  const grants = context.grants
    .forKey(key.arn)
    .filter((grant) => grantId === undefined || grant.grantId === grantId)
    .filter((grant) => granteePrincipal === undefined || grant.granteePrincipal === granteePrincipal);
  return page(grants, request);
}

export async function listRetirableGrants(
  request: RequestBody,
  context: KmsCall,
): Promise<Record<string, unknown>> {
  const retiringPrincipal = requiredString(request, "RetiringPrincipal", "retiringPrincipal", 256);
  // "The authorized resource in ListRetirableGrants calls is the retiring principal" (KMS API reference,
  // ListRetirableGrants): a principal of the caller's own account.
  const principalAccount = /^\d{12}$/.test(retiringPrincipal)
    ? retiringPrincipal
    : /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(retiringPrincipal)?.[1];
  if (principalAccount !== accountOf(context.callerArn, "caller arn")) {
    throw new AwsError(
      "AccessDeniedException",
      `${context.callerArn} is not authorized to perform: ${context.action} for ${retiringPrincipal}: ` +
        "the retiring principal is not of the caller's account",
    );
  }
  // Not on a key: IAM policies alone decide (KMS API reference, ListRetirableGrants, Required permissions).
  const decision = await context.authorizer.authorizeIdentityOnly(
    context.callerArn,
    context.action,
    context.requestKeys,
  );
  requireAllowed(decision, context.callerArn, context.action, "*");
  return page(context.grants.retirableBy(retiringPrincipal), request);
}

/**
 * Who may retire a grant: the retiring principal, the grantee when the grant includes RetireGrant, and
 * the account (root user) the grant was created in; no policy can allow it (KMS developer guide,
 * "Retiring and revoking grants"; "Controlling access to grants", RetireGrant).
 */
export async function retireGrant(request: RequestBody, context: KmsCall): Promise<Record<string, unknown>> {
  const grantToken = optionalString(request, "GrantToken", "grantToken");
  const grantId = optionalString(request, "GrantId", "grantId");
  const keyId = optionalString(request, "KeyId", "keyId");
  let grant: Grant | undefined;
  if (grantToken !== undefined) {
    grant = context.grants.byToken(grantToken);
    if (grant === undefined) {
      throw new AwsError("InvalidGrantTokenException", "The grant token is not valid.");
    }
  } else if (grantId !== undefined && keyId !== undefined) {
    const key = context.resolveKey(keyId, { aliases: false });
    grant = context.grants.get(grantId);
    if (grant === undefined || grant.keyArn !== key.arn) {
      throw new AwsError("NotFoundException", `Grant ID ${grantId} not found`);
    }
  } else {
    throw new AwsError(
      "ValidationException",
      "Either GrantToken, or both KeyId and GrantId, must be specified.",
    );
  }
  const identities = identitiesOf(context.callerArn);
  const byGrant =
    (grant.retiringPrincipal !== undefined && identities.includes(grant.retiringPrincipal)) ||
    (grant.operations.includes("RetireGrant") && identities.includes(grant.granteePrincipal)) ||
    context.callerArn === grant.issuingAccount;
  // IAM takes part too: "To deny permission to retire a grant, you can use a Deny action with the
  // kms:RetireGrant permission", and an IAM policy of the key's account may allow it (KMS developer guide,
  // "Retiring and revoking grants"; kms:RetireGrant "is not effective in a key policy").
  const iam = await context.authorizer.authorizeIdentityOn(
    context.callerArn,
    context.action,
    grant.keyArn,
    context.requestKeys,
  );
  if (iam.notModelledKeys !== undefined) {
    throw new AwsError(NOT_MODELLED, iam.message ?? `${context.action} on ${grant.keyArn} is not modelled`);
  }
  if (iam.outcome === "ExplicitlyDenied") {
    throw new AwsError(
      "AccessDeniedException",
      iam.message ?? `${context.callerArn} is denied ${context.action} on ${grant.keyArn} by an IAM policy`,
    );
  }
  const sameAccount = accountOf(context.callerArn, "caller arn") === accountOf(grant.keyArn, "key arn");
  if (!byGrant && !(iam.allowed && sameAccount)) {
    throw new AwsError(
      "AccessDeniedException",
      `${context.callerArn} is not authorized to perform: ${context.action} on resource: ${grant.keyArn} ` +
        "because it is neither the grant's retiring principal, a grantee allowed RetireGrant, nor its account, " +
        "and no IAM policy of the key's account allows it",
    );
  }
  refuseDryRun(request);
  context.grants.delete(grant.grantId);
  return {};
}

/**
 * DryRun (KMS developer guide, "Testing your AWS KMS API calls"; API reference, DryRunOperationException,
 * HTTP 412): once the request is authorized, answer that it would have succeeded, and change nothing.
 */
export function refuseDryRun(request: RequestBody): void {
  if (request.DryRun === true) {
    throw new AwsError(
      "DryRunOperationException",
      "The request would have succeeded, but the DryRun option is set.",
      412,
    );
  }
}

export async function revokeGrant(request: RequestBody, context: KmsCall): Promise<Record<string, unknown>> {
  const key = context.resolveKey(requiredString(request, "KeyId", "keyId"), { aliases: false });
  const grantId = requiredString(request, "GrantId", "grantId", 128);
  await context.authorize(key);
  const grant = context.grants.get(grantId);
  if (grant === undefined || grant.keyArn !== key.arn) {
    throw new AwsError("NotFoundException", `Grant ID ${grantId} not found`);
  }
  refuseDryRun(request);
  context.grants.delete(grantId);
  return {};
}

/** A grant as GrantListEntry shows it (KMS API reference, GrantListEntry). */
export function grantListEntry(grant: Grant): Record<string, unknown> {
  return {
    KeyId: grant.keyArn,
    GrantId: grant.grantId,
    Name: grant.name,
    // JSON 1.1 timestamps are epoch seconds.
    CreationDate: grant.creationDate.getTime() / 1000,
    GranteePrincipal: grant.granteePrincipal,
    ...(grant.retiringPrincipal !== undefined ? { RetiringPrincipal: grant.retiringPrincipal } : {}),
    IssuingAccount: grant.issuingAccount,
    Operations: [...grant.operations],
    ...(grant.constraints !== undefined
      ? {
          Constraints: {
            ...(grant.constraints.encryptionContextEquals !== undefined
              ? { EncryptionContextEquals: grant.constraints.encryptionContextEquals }
              : {}),
            ...(grant.constraints.encryptionContextSubset !== undefined
              ? { EncryptionContextSubset: grant.constraints.encryptionContextSubset }
              : {}),
          },
        }
      : {}),
  };
}

/** Limit and Marker paging (KMS API reference, ListGrants: Truncated, NextMarker). */
function page(grants: readonly Grant[], request: RequestBody): Record<string, unknown> {
  const limit = optionalInteger(request, "Limit", "limit", 1, 100) ?? DEFAULT_LIMIT;
  const marker = optionalString(request, "Marker", "marker");
  let start = 0;
  if (marker !== undefined) {
    start = grants.findIndex((grant) => grant.grantId === marker);
    if (start < 0) {
      throw new AwsError("InvalidMarkerException", "The marker does not match any grant of this list.");
    }
  }
  const shown = grants.slice(start, start + limit);
  const next = grants[start + limit];
  return {
    Grants: shown.map(grantListEntry),
    Truncated: next !== undefined,
    ...(next !== undefined ? { NextMarker: next.grantId } : {}),
  };
}

function grantOperations(value: unknown): Grant["operations"] {
  if (value === undefined || value === null) {
    throw validation("operations", undefined, "Member must not be null");
  }
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== "string")) {
    throw new AwsError(
      "SerializationException",
      `Operations: expected a list of strings, received ${JSON.stringify(value)}`,
    );
  }
  const unknown = value.filter((entry) => !(GRANT_OPERATIONS as readonly string[]).includes(entry as string));
  if (value.length === 0 || unknown.length > 0) {
    throw validation(
      "operations",
      `[${value.join(", ")}]`,
      `Member must satisfy constraint: [Member must satisfy enum value set: [${GRANT_OPERATIONS.join(", ")}]]`,
    );
  }
  return [...new Set(value as Grant["operations"])];
}

function grantConstraints(value: unknown): GrantConstraints | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new AwsError(
      "SerializationException",
      `Constraints: expected a structure, received ${JSON.stringify(value)}`,
    );
  }
  const raw = value as Record<string, unknown>;
  const map = (member: string): Record<string, string> | undefined => {
    const entry = raw[member];
    if (entry === undefined || entry === null) {
      return undefined;
    }
    if (
      typeof entry !== "object" ||
      Array.isArray(entry) ||
      Object.values(entry).some((item) => typeof item !== "string")
    ) {
      throw new AwsError("SerializationException", `Constraints.${member}: expected a map of strings`);
    }
    return entry as Record<string, string>;
  };
  const equals = map("EncryptionContextEquals");
  const subset = map("EncryptionContextSubset");
  if (equals === undefined && subset === undefined) {
    return undefined;
  }
  return {
    ...(equals !== undefined ? { encryptionContextEquals: equals } : {}),
    ...(subset !== undefined ? { encryptionContextSubset: subset } : {}),
  };
}

/** kms:GrantConstraintType: the constraint the grant asks for (KMS developer guide, "AWS KMS condition keys"). */
function constraintTypeOf(constraints: GrantConstraints | undefined): string | undefined {
  if (constraints?.encryptionContextEquals !== undefined) {
    return "EncryptionContextEquals";
  }
  return constraints?.encryptionContextSubset !== undefined ? "EncryptionContextSubset" : undefined;
}

/**
 * A grantee or retiring principal: an account root, an IAM user or role of the model, an assumed-role
 * session of a role of the model, or an AWS service principal (KMS API reference, CreateGrant,
 * GranteePrincipal: "AWS accounts, IAM users, IAM roles, federated users, and assumed role users").
 */
export function isGrantPrincipal(principal: string, authorizer: Authorizer): boolean {
  if (/^[a-z0-9.-]+\.amazonaws\.com$/.test(principal)) {
    return true;
  }
  const parsed = parseArn(principal);
  if (parsed?.service === "iam" && parsed.resource === "root" && /^\d{12}$/.test(parsed.accountId)) {
    return true;
  }
  if (authorizer.hasPrincipal(principal)) {
    return true;
  }
  const roleArn = roleOfSession(principal);
  return roleArn !== undefined && authorizer.hasRole(roleArn);
}

/** The ARNs a caller answers to: itself, and for a role session also its role. */
function identitiesOf(callerArn: string): string[] {
  const roleArn = roleOfSession(callerArn);
  return roleArn === undefined ? [callerArn] : [callerArn, roleArn];
}

function sameGrant(
  grant: Grant,
  fields: Omit<Grant, "grantId" | "grantToken" | "creationDate" | "origin">,
): boolean {
  return (
    grant.name === fields.name &&
    grant.granteePrincipal === fields.granteePrincipal &&
    grant.retiringPrincipal === fields.retiringPrincipal &&
    JSON.stringify([...grant.operations].sort()) === JSON.stringify([...fields.operations].sort()) &&
    JSON.stringify(grant.constraints ?? null) === JSON.stringify(fields.constraints ?? null)
  );
}

function requireAllowed(decision: KmsDecision, callerArn: string, action: string, resource: string): void {
  if (decision.keyStateError) {
    throw new AwsError(decision.keyStateError.code, decision.keyStateError.message);
  }
  if (!decision.allowed) {
    throw new AwsError(
      "AccessDeniedException",
      decision.message ?? `${callerArn} may not ${action} ${resource}`,
    );
  }
}

function validation(member: string, value: unknown, constraint: string): AwsError {
  const shown = value === undefined ? "null" : `'${String(value)}'`;
  return new AwsError(
    "ValidationException",
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}
