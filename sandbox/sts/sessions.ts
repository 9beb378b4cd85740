/**
 * STS role sessions: the temporary credentials AssumeRole issues (an ASIA… access key id, a secret and a
 * session token) and when they expire. Authentication only: what a session may do is decided by the
 * Authorizer, which evaluates a session as its role (sandbox/iam/authorizer.ts).
 *
 * The store outlives deployments (AWS does not revoke issued credentials when a stack changes) and, with
 * a data dir, restarts (the sandbox persists it beside the deployment, in its 0600 state file: issued
 * credentials stay valid until they expire, whatever happens to the endpoint that issued them). Its
 * clock is injectable so that expiry can be tested without waiting.
 */
import { randomBytes } from "node:crypto";
import { assumedRoleArn, parseRoleArn } from "../../infra/assumedRole";
import { AwsError } from "../errors";
import { NOT_MODELLED } from "../http/requestMembers";

export interface RoleSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** arn:aws:sts::ACCOUNT:assumed-role/ROLE_NAME/SESSION_NAME */
  readonly sessionArn: string;
  readonly roleArn: string;
  /** ROLE_ID:SESSION_NAME, what GetCallerIdentity answers as UserId. */
  readonly assumedRoleId: string;
  readonly accountId: string;
  readonly expiration: Date;
  /**
   * When it was issued: aws:TokenIssueTime of its requests (IAM User Guide, "AWS global condition context
   * keys"). A session restored from a data dir written before it was kept has none, and then the key is
   * unknown (a policy that reads it is refused).
   */
  readonly issued?: Date;
  /** AssumeRole's inline session policy (JSON text), when it had one. */
  readonly policy?: string;
  /** AssumeRole's managed session policies (PolicyArns), when it had some. */
  readonly policyArns?: readonly string[];
  /**
   * The session's own tags: those AssumeRole passed (Tags) and those it inherited as transitive from the
   * session that assumed the role, when any (IAM User Guide, "Passing session tags in AWS STS").
   */
  readonly tags?: Readonly<Record<string, string>>;
  /** The keys of `tags` that pass on to the sessions this session assumes (role chaining). */
  readonly transitiveTagKeys?: readonly string[];
  /** Its source identity, set by AssumeRole or inherited in a role chain; it never changes. */
  readonly sourceIdentity?: string;
}

export interface SessionRequest {
  readonly roleArn: string;
  readonly roleId: string;
  readonly sessionName: string;
  readonly durationSeconds: number;
  readonly policy?: string;
  readonly policyArns?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly transitiveTagKeys?: readonly string[];
  readonly sourceIdentity?: string;
}

/**
 * What a role session says of its principal beside its role: aws:PrincipalTag and aws:SourceIdentity.
 * `tags` is "unknown", and `sourceIdentityUnknown` true, for a session standing for any session of its
 * role (openSession).
 */
export interface SessionAttributes {
  readonly tags?: Readonly<Record<string, string>> | "unknown";
  readonly sourceIdentity?: string;
  readonly sourceIdentityUnknown?: boolean;
}

/** The session policies of a role session, as the authorizer reads them (sandbox/iam). */
export interface SessionPolicies {
  readonly policy?: string;
  readonly policyArns?: readonly string[];
}

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** A session as the state file holds it: the expiration as an ISO 8601 string. */
export type PersistedSession = Omit<RoleSession, "expiration" | "issued"> & {
  readonly expiration: string;
  readonly issued?: string;
};

export class SessionStore {
  private readonly sessions = new Map<string, RoleSession>();
  /**
   * Makes an issued session durable before it is handed out (the sandbox's data dir journal): when it
   * throws, no session is issued.
   */
  journal: ((session: PersistedSession) => void) | undefined;

  /** @param clock the time credentials are issued and checked at; tests pass their own. */
  constructor(private readonly clock: () => Date = () => new Date()) {}

  now(): Date {
    return this.clock();
  }

  issue(request: SessionRequest): RoleSession {
    const role = parseRoleArn(request.roleArn);
    const sessionArn = assumedRoleArn(request.roleArn, request.sessionName);
    if (role === undefined || sessionArn === undefined) {
      throw new Error(`role arn: "${request.roleArn}" is not an IAM role ARN`);
    }
    const { accountId } = role;
    this.dropExpired();
    // The authorizer knows a session by its ARN: two live sessions of one ARN must agree on their session
    // policies, or the second would decide the first's requests.
    const live = this.byArn.get(sessionArn);
    if (live !== undefined && !this.isExpired(live) && !sameSession(live, request)) {
      throw new AwsError(
        NOT_MODELLED,
        `sts:AssumeRole RoleSessionName ${request.sessionName}: a live session of ${sessionArn} has other ` +
          "session policies, tags or source identity, and the sandbox keeps one set per session ARN: use " +
          "another RoleSessionName",
      );
    }
    const session: RoleSession = {
      // Temporary access key ids start with ASIA (IAM User Guide, "IAM identifiers", unique ID prefixes).
      accessKeyId: `ASIA${randomText(UPPER_ALNUM, 16)}`,
      secretAccessKey: randomText(SECRET_ALPHABET, 40),
      sessionToken: randomBytes(96).toString("base64"),
      sessionArn,
      roleArn: request.roleArn,
      assumedRoleId: `${request.roleId}:${request.sessionName}`,
      accountId,
      expiration: new Date(this.clock().getTime() + request.durationSeconds * 1000),
      issued: this.clock(),
      ...(request.policy === undefined ? {} : { policy: request.policy }),
      ...(request.policyArns === undefined || request.policyArns.length === 0
        ? {}
        : { policyArns: [...request.policyArns] }),
      ...attributesOf(request),
    };
    this.journal?.(persistedSession(session));
    this.sessions.set(session.accessKeyId, session);
    this.byArn.set(sessionArn, session);
    return session;
  }

  /**
   * The session policies of the live session of an ARN (IAM User Guide, "Session policies"): undefined
   * when it has none (or no session of that ARN is known), and then the role's policies alone apply.
   */
  sessionPolicies(sessionArn: string): SessionPolicies | undefined {
    const session = this.byArn.get(sessionArn);
    if (session === undefined || (session.policy === undefined && session.policyArns === undefined)) {
      return undefined;
    }
    return { policy: session.policy, policyArns: session.policyArns };
  }

  /**
   * Marks a session ARN as standing for every session of its role, as the static proof asks about a
   * role: its session tags (when the role's trust policy allows sts:TagSession) and its source identity
   * (sts:SetSourceIdentity) are whatever AssumeRole may pass, so unknown, and a decision that reads
   * aws:PrincipalTag or aws:SourceIdentity is conditional on them.
   */
  openSession(sessionArn: string, open: { readonly tags: boolean; readonly sourceIdentity: boolean }): void {
    if (open.tags || open.sourceIdentity) {
      this.openSessions.set(sessionArn, {
        ...(open.tags ? { tags: "unknown" as const } : {}),
        ...(open.sourceIdentity ? { sourceIdentityUnknown: true } : {}),
      });
    }
  }

  private readonly openSessions = new Map<string, SessionAttributes>();

  /** The session tags and source identity of the live session of an ARN; undefined when it has neither. */
  sessionAttributes(sessionArn: string): SessionAttributes | undefined {
    const open = this.openSessions.get(sessionArn);
    if (open !== undefined) {
      return open;
    }
    const session = this.byArn.get(sessionArn);
    if (session === undefined || (session.tags === undefined && session.sourceIdentity === undefined)) {
      return undefined;
    }
    return {
      ...(session.tags === undefined ? {} : { tags: session.tags }),
      ...(session.sourceIdentity === undefined ? {} : { sourceIdentity: session.sourceIdentity }),
    };
  }

  /** The newest session of each session ARN. */
  private readonly byArn = new Map<string, RoleSession>();

  /** Every session not yet forgotten, to persist (secrets: the state file is 0600). */
  persisted(): PersistedSession[] {
    return [...this.sessions.values()].map(persistedSession);
  }

  /**
   * Brings back sessions a previous run of the sandbox issued. A record that is not a session (a state
   * file edited by hand) is an Error naming the field and the value.
   */
  restore(saved: readonly unknown[]): void {
    for (const [index, record] of saved.entries()) {
      const session = restoredSession(record, `sessions[${index}]`);
      this.sessions.set(session.accessKeyId, session);
      const newest = this.byArn.get(session.sessionArn);
      if (newest === undefined || newest.expiration.getTime() < session.expiration.getTime()) {
        this.byArn.set(session.sessionArn, session);
      }
    }
    this.dropExpired();
  }

  get(accessKeyId: string): RoleSession | undefined {
    return this.sessions.get(accessKeyId);
  }

  isExpired(session: RoleSession): boolean {
    return this.clock().getTime() >= session.expiration.getTime();
  }

  /** Forgets sessions expired for more than a day: their requests stay "expired" for a while, then unknown. */
  private dropExpired(): void {
    const horizon = this.clock().getTime() - 86_400_000;
    for (const [id, session] of this.sessions) {
      if (session.expiration.getTime() < horizon) {
        this.sessions.delete(id);
        if (this.byArn.get(session.sessionArn) === session) {
          this.byArn.delete(session.sessionArn);
        }
      }
    }
  }
}

function persistedSession(session: RoleSession): PersistedSession {
  const { issued, ...rest } = session;
  return {
    ...rest,
    expiration: session.expiration.toISOString(),
    ...(issued === undefined ? {} : { issued: issued.toISOString() }),
  };
}

const SESSION_TEXT_FIELDS = [
  "accessKeyId",
  "secretAccessKey",
  "sessionToken",
  "sessionArn",
  "roleArn",
  "assumedRoleId",
  "accountId",
] as const;

function restoredSession(record: unknown, where: string): RoleSession {
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    throw new Error(`${where}: ${JSON.stringify(record)} is not a role session object`);
  }
  const fields = record as Record<string, unknown>;
  for (const name of SESSION_TEXT_FIELDS) {
    if (typeof fields[name] !== "string" || fields[name] === "") {
      // The value may be a secret: name the field, never print it.
      throw new Error(`${where}.${name}: is not a non-empty string`);
    }
  }
  const expiration = typeof fields.expiration === "string" ? new Date(fields.expiration) : undefined;
  if (expiration === undefined || Number.isNaN(expiration.getTime())) {
    throw new Error(`${where}.expiration: ${JSON.stringify(fields.expiration)} is not an ISO 8601 date`);
  }
  const issued = typeof fields.issued === "string" ? new Date(fields.issued) : undefined;
  if (fields.issued !== undefined && (issued === undefined || Number.isNaN(issued.getTime()))) {
    throw new Error(`${where}.issued: ${JSON.stringify(fields.issued)} is not an ISO 8601 date`);
  }
  if (fields.policy !== undefined && typeof fields.policy !== "string") {
    throw new Error(`${where}.policy: is not a policy document's text`);
  }
  if (
    fields.policyArns !== undefined &&
    (!Array.isArray(fields.policyArns) || fields.policyArns.some((arn) => typeof arn !== "string"))
  ) {
    throw new Error(`${where}.policyArns: ${JSON.stringify(fields.policyArns)} is not a list of ARNs`);
  }
  if (
    fields.tags !== undefined &&
    (typeof fields.tags !== "object" ||
      fields.tags === null ||
      Array.isArray(fields.tags) ||
      Object.values(fields.tags).some((value) => typeof value !== "string"))
  ) {
    throw new Error(`${where}.tags: ${JSON.stringify(fields.tags)} is not an object of tag values`);
  }
  if (
    fields.transitiveTagKeys !== undefined &&
    (!Array.isArray(fields.transitiveTagKeys) ||
      fields.transitiveTagKeys.some((key) => typeof key !== "string"))
  ) {
    throw new Error(
      `${where}.transitiveTagKeys: ${JSON.stringify(fields.transitiveTagKeys)} is not a list of tag keys`,
    );
  }
  if (fields.sourceIdentity !== undefined && typeof fields.sourceIdentity !== "string") {
    throw new Error(
      `${where}.sourceIdentity: ${JSON.stringify(fields.sourceIdentity)} is not a source identity`,
    );
  }
  const text = fields as Record<(typeof SESSION_TEXT_FIELDS)[number], string>;
  return {
    accessKeyId: text.accessKeyId,
    secretAccessKey: text.secretAccessKey,
    sessionToken: text.sessionToken,
    sessionArn: text.sessionArn,
    roleArn: text.roleArn,
    assumedRoleId: text.assumedRoleId,
    accountId: text.accountId,
    expiration,
    ...(issued === undefined ? {} : { issued }),
    ...(typeof fields.policy === "string" ? { policy: fields.policy } : {}),
    ...(Array.isArray(fields.policyArns) ? { policyArns: fields.policyArns as string[] } : {}),
    ...attributesOf({
      tags: fields.tags as Record<string, string> | undefined,
      transitiveTagKeys: fields.transitiveTagKeys as string[] | undefined,
      sourceIdentity: fields.sourceIdentity as string | undefined,
    }),
  };
}

/** A session's tags, transitive keys and source identity, each only when it has some. */
function attributesOf(request: {
  readonly tags?: Readonly<Record<string, string>>;
  readonly transitiveTagKeys?: readonly string[];
  readonly sourceIdentity?: string;
}): Pick<RoleSession, "tags" | "transitiveTagKeys" | "sourceIdentity"> {
  return {
    ...(request.tags === undefined || Object.keys(request.tags).length === 0
      ? {}
      : { tags: { ...request.tags } }),
    ...(request.transitiveTagKeys === undefined || request.transitiveTagKeys.length === 0
      ? {}
      : { transitiveTagKeys: [...request.transitiveTagKeys] }),
    ...(request.sourceIdentity === undefined ? {} : { sourceIdentity: request.sourceIdentity }),
  };
}

function sameSession(a: SessionRequest | RoleSession, b: SessionRequest | RoleSession): boolean {
  const tags = (session: SessionRequest | RoleSession) =>
    JSON.stringify(Object.entries(session.tags ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)));
  return (
    a.policy === b.policy &&
    (a.policyArns ?? []).join("\n") === (b.policyArns ?? []).join("\n") &&
    tags(a) === tags(b) &&
    (a.transitiveTagKeys ?? []).join("\n") === (b.transitiveTagKeys ?? []).join("\n") &&
    a.sourceIdentity === b.sourceIdentity
  );
}

function randomText(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) {
    out += alphabet[bytes[i] % alphabet.length];
  }
  return out;
}
