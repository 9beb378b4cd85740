/**
 * KMS grants: the state (which grants exist on which key) and the one rule that says what a grant lets
 * its grantee do. The Authorizer consults this store for every KMS decision (a grant is a second way,
 * beside the key policy and IAM, to allow a principal a key operation) through the GrantSource interface
 * that iam/ declares; grantOperations.ts serves the CreateGrant/ListGrants/ListRetirableGrants/
 * RetireGrant/RevokeGrant API over it.
 *
 * KMS developer guide, "Grants in AWS KMS" and "Grant concepts"; KMS API reference, CreateGrant,
 * GrantConstraints, GrantListEntry.
 */
import { createHash, randomBytes } from "node:crypto";
import type { GrantQuery, GrantSource } from "../iam";

/** Every operation a grant may allow (KMS API reference, CreateGrant, Operations). */
export const GRANT_OPERATIONS = [
  "Decrypt",
  "Encrypt",
  "GenerateDataKey",
  "GenerateDataKeyWithoutPlaintext",
  "ReEncryptFrom",
  "ReEncryptTo",
  "Sign",
  "Verify",
  "GetPublicKey",
  "CreateGrant",
  "RetireGrant",
  "DescribeKey",
  "GenerateDataKeyPair",
  "GenerateDataKeyPairWithoutPlaintext",
  "GenerateMac",
  "VerifyMac",
  "DeriveSharedSecret",
] as const;
export type GrantOperation = (typeof GRANT_OPERATIONS)[number];

/**
 * Operations that take no encryption context: a grant's constraints do not apply to them (KMS API
 * reference, GrantConstraints: "not applied to ... management operations, such as DescribeKey or
 * RetireGrant"). CreateGrant is handled apart: a grant created through a constrained grant must be at
 * least as strict (see isAtLeastAsStrict).
 */
const OPERATIONS_WITHOUT_CONTEXT: ReadonlySet<string> = new Set([
  "DescribeKey",
  "RetireGrant",
  "CreateGrant",
  "GetPublicKey",
  "Sign",
  "Verify",
  "GenerateMac",
  "VerifyMac",
  "DeriveSharedSecret",
]);

export interface GrantConstraints {
  readonly encryptionContextEquals?: Readonly<Record<string, string>>;
  readonly encryptionContextSubset?: Readonly<Record<string, string>>;
}

export interface Grant {
  readonly grantId: string;
  readonly grantToken: string;
  readonly keyArn: string;
  /** A principal ARN, an account id's root ARN, or a service principal (dynamodb.REGION.amazonaws.com). */
  readonly granteePrincipal: string;
  readonly retiringPrincipal?: string;
  readonly operations: readonly GrantOperation[];
  readonly constraints?: GrantConstraints;
  readonly name: string;
  /** arn:aws:iam::ACCOUNT:root of the account the grant was created in. */
  readonly issuingAccount: string;
  readonly creationDate: Date;
  /**
   * Who made it: "plan" (aws:kms/grant:Grant), "service" (the grant DynamoDB creates for a table), "api"
   * (CreateGrant). Only "api" grants are carried from one deployment to the next; the others are made again.
   */
  readonly origin: "plan" | "service" | "api";
}

/**
 * Whether `grant` allows `request` (KMS developer guide, "Grant concepts": the grantee may call the grant
 * operations on the grant's key "provided that all conditions specified in the grant are met").
 */
export function grantAllows(grant: Grant, request: GrantQuery): boolean {
  if (grant.keyArn !== request.keyArn || !request.granteeArns.includes(grant.granteePrincipal)) {
    return false;
  }
  if (!(grant.operations as readonly string[]).includes(request.operation)) {
    return false;
  }
  if (OPERATIONS_WITHOUT_CONTEXT.has(request.operation)) {
    return true;
  }
  return contextSatisfies(grant.constraints, request.encryptionContext ?? {});
}

/**
 * EncryptionContextEquals: the request's context is exactly the constraint; EncryptionContextSubset: it
 * includes every pair of the constraint. "In a grant constraint, the key in each key-value pair is not
 * case sensitive, but the value is case sensitive" (KMS API reference, GrantConstraints).
 */
export function contextSatisfies(
  constraints: GrantConstraints | undefined,
  context: Readonly<Record<string, string>>,
): boolean {
  const byLowerKey = new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), value]));
  const includes = (pairs: Readonly<Record<string, string>>) =>
    Object.entries(pairs).every(([key, value]) => byLowerKey.get(key.toLowerCase()) === value);
  if (constraints?.encryptionContextEquals !== undefined) {
    const equals = constraints.encryptionContextEquals;
    if (Object.keys(equals).length !== byLowerKey.size || !includes(equals)) {
      return false;
    }
  }
  if (constraints?.encryptionContextSubset !== undefined && !includes(constraints.encryptionContextSubset)) {
    return false;
  }
  return true;
}

/**
 * Whether a grant created through `parent`'s CreateGrant permission stays within it: its operations are
 * the parent's or fewer, and its constraint "equally strict or stricter" (KMS API reference, CreateGrant,
 * Constraints; KMS developer guide, "Grant concepts", CreateGrant permission in a grant).
 */
export function isWithinParentGrant(
  parent: Grant,
  child: { readonly operations: readonly string[]; readonly constraints?: GrantConstraints },
): boolean {
  if (!child.operations.every((operation) => (parent.operations as readonly string[]).includes(operation))) {
    return false;
  }
  const parentEquals = parent.constraints?.encryptionContextEquals;
  const parentSubset = parent.constraints?.encryptionContextSubset;
  const childEquals = child.constraints?.encryptionContextEquals;
  const childSubset = child.constraints?.encryptionContextSubset;
  if (parentEquals !== undefined) {
    return childEquals !== undefined && sameContext(parentEquals, childEquals);
  }
  if (parentSubset !== undefined) {
    // Every context the child admits must hold the parent's pairs.
    const admitted = childEquals ?? childSubset;
    return admitted !== undefined && contextSatisfies({ encryptionContextSubset: parentSubset }, admitted);
  }
  return true;
}

function sameContext(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  return contextSatisfies({ encryptionContextEquals: a }, b);
}

/** A grant as the state file holds it (sandbox/deploy/stateFile.ts): its creation date as an ISO 8601 string. */
export type PersistedGrant = Omit<Grant, "creationDate"> & { readonly creationDate: string };

/**
 * The grants of the sandbox, by id. Changes take effect for the very next decision. The store of the
 * deployed stack owns every grant; the sandbox persists the grants made with CreateGrant (origin "api")
 * from it (`persisted()`), since AWS keeps them until they are retired or revoked, whereas the plan's and
 * DynamoDB's grants are made again from the deployment on every start.
 */
/**
 * Where the grants made with CreateGrant are made durable (the sandbox's data dir journal). Each is
 * called before the change: when it throws, the change is not made.
 */
export interface GrantJournal {
  granted(grant: PersistedGrant): void;
  removed(grantId: string): void;
}

export class GrantStore implements GrantSource {
  private readonly grants = new Map<string, Grant>();
  /**
   * The same grants by key (oldest first), by key and grantee, by key and name, and by token: a decision,
   * a ListGrants, a CreateGrant retried with its name or a RetireGrant by token looks at the grants it
   * concerns, not at every grant (AWS allows 50,000 per key, "AWS KMS quotas").
   */
  private readonly byKey = new Map<string, Map<string, Grant>>();
  private readonly byKeyAndGrantee = new Map<string, Map<string, Map<string, Grant>>>();
  private readonly byKeyAndName = new Map<string, Map<string, Map<string, Grant>>>();
  private readonly byGrantToken = new Map<string, Grant>();
  /** Makes the grants made with CreateGrant durable before they count; unset, they live in memory. */
  journal: GrantJournal | undefined;

  /**
   * Adds a grant with a fresh id and token (CreateGrant), or with the given ones (a deployed grant). A
   * grant made with CreateGrant (origin "api") is journaled first: if that fails, it throws and no grant
   * is made.
   */
  put(
    grant: Omit<Grant, "grantId" | "grantToken" | "creationDate"> &
      Partial<Pick<Grant, "grantId" | "grantToken" | "creationDate">>,
  ): Grant {
    const grantId = grant.grantId ?? randomBytes(32).toString("hex");
    const stored: Grant = {
      ...grant,
      grantId,
      grantToken: grant.grantToken ?? grantTokenFor(grantId),
      creationDate: grant.creationDate ?? new Date(),
    };
    if (stored.origin === "api") {
      this.journal?.granted(persistedGrant(stored));
    }
    this.remove(grantId);
    this.grants.set(grantId, stored);
    child(this.byKey, stored.keyArn).set(grantId, stored);
    child(child(this.byKeyAndGrantee, stored.keyArn), stored.granteePrincipal).set(grantId, stored);
    child(child(this.byKeyAndName, stored.keyArn), stored.name).set(grantId, stored);
    this.byGrantToken.set(stored.grantToken, stored);
    return stored;
  }

  get(grantId: string): Grant | undefined {
    return this.grants.get(grantId);
  }

  byToken(grantToken: string): Grant | undefined {
    return this.byGrantToken.get(grantToken);
  }

  /** Retires or revokes a grant; one made with CreateGrant is journaled first (a failure changes nothing). */
  delete(grantId: string): boolean {
    const grant = this.grants.get(grantId);
    if (grant === undefined) {
      return false;
    }
    if (grant.origin === "api") {
      this.journal?.removed(grantId);
    }
    this.remove(grantId);
    return true;
  }

  /** The grants of a key, oldest first (ListGrants). */
  forKey(keyArn: string): Grant[] {
    return [...(this.byKey.get(keyArn)?.values() ?? [])];
  }

  /** How many grants a key has (the quota of grants per key counts them all). */
  countForKey(keyArn: string): number {
    return this.byKey.get(keyArn)?.size ?? 0;
  }

  /** The grants of a key with this name (a CreateGrant retried with its Name returns the grant it made). */
  named(keyArn: string, name: string): Grant[] {
    return [...(this.byKeyAndName.get(keyArn)?.get(name)?.values() ?? [])];
  }

  /** The grants a principal may retire (ListRetirableGrants). */
  retirableBy(retiringPrincipal: string): Grant[] {
    return [...this.grants.values()].filter((grant) => grant.retiringPrincipal === retiringPrincipal);
  }

  /** The first grant that allows the request, if any: among the key's grants to the request's grantees. */
  find(request: GrantQuery): Grant | undefined {
    const byGrantee = this.byKeyAndGrantee.get(request.keyArn);
    if (byGrantee === undefined) {
      return undefined;
    }
    for (const grantee of request.granteeArns) {
      for (const grant of byGrantee.get(grantee)?.values() ?? []) {
        if (grantAllows(grant, request)) {
          return grant;
        }
      }
    }
    return undefined;
  }

  /** Every grant that allows the request: among the key's grants to the request's grantees. */
  findAll(request: GrantQuery): Grant[] {
    const byGrantee = this.byKeyAndGrantee.get(request.keyArn);
    return request.granteeArns.flatMap((grantee) =>
      [...(byGrantee?.get(grantee)?.values() ?? [])].filter((grant) => grantAllows(grant, request)),
    );
  }

  all(): Grant[] {
    return [...this.grants.values()];
  }

  /** The grants made with CreateGrant, in the state file's shape: the ones a restart must bring back. */
  persisted(): PersistedGrant[] {
    return this.all()
      .filter((grant) => grant.origin === "api")
      .map(persistedGrant);
  }

  private remove(grantId: string): void {
    const grant = this.grants.get(grantId);
    if (grant === undefined) {
      return;
    }
    this.grants.delete(grantId);
    this.byGrantToken.delete(grant.grantToken);
    removeFrom(this.byKey, grant.keyArn, grantId);
    removeFrom(this.byKeyAndGrantee.get(grant.keyArn), grant.granteePrincipal, grantId);
    removeFrom(this.byKeyAndName.get(grant.keyArn), grant.name, grantId);
    for (const index of [this.byKeyAndGrantee, this.byKeyAndName]) {
      if (index.get(grant.keyArn)?.size === 0) {
        index.delete(grant.keyArn);
      }
    }
  }
}

/** Deletes `grantId` from the map under `key`, and that map once empty. */
function removeFrom(index: Map<string, Map<string, Grant>> | undefined, key: string, grantId: string): void {
  const grants = index?.get(key);
  grants?.delete(grantId);
  if (grants?.size === 0) {
    index?.delete(key);
  }
}

function persistedGrant(grant: Grant): PersistedGrant {
  return { ...grant, creationDate: grant.creationDate.toISOString() };
}

function child<K, V>(map: Map<K, Map<string, V>>, key: K): Map<string, V> {
  let found = map.get(key);
  if (found === undefined) {
    found = new Map();
    map.set(key, found);
  }
  return found;
}

/** Grants read back from the state file, with their ids, tokens and creation dates as they were. */
export function restoreGrants(saved: readonly PersistedGrant[]): Grant[] {
  return saved.map((grant) => ({ ...grant, creationDate: new Date(grant.creationDate) }));
}

/**
 * A grant token: opaque to callers (KMS API reference, "Grant token"); here bound to the grant id by a
 * hash, so that it cannot be guessed from the id alone without the sandbox's process secret.
 */
const TOKEN_SECRET = randomBytes(32);
function grantTokenFor(grantId: string): string {
  return createHash("sha256").update(TOKEN_SECRET).update(grantId).digest("base64url");
}

/**
 * A stable grant id for a grant the sandbox makes on each deployment (a plan's grant, a table's grant), so
 * that ListGrants shows the same id after a redeploy, as AWS would for a grant that was never recreated.
 */
export function stableGrantId(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("hex");
}
