/**
 * The request context of one decision, as layers looked up by key rather than one record copied per
 * request: the request's own keys, then the time keys, then what the resource and the caller fix
 * (ResourceLayer, one per caller record and resource, kept by the authorizer). A decision reads only the
 * keys its policies name (`RequestContext.get`), so a key no policy reads costs nothing: the organization
 * keys and the resource's tags are worked out on the first read of one of them, once per layer, and a
 * request builds one small object, where it built a record of every key and a wrapper per request.
 *
 * The answers are those of the context the authorizer built before (authorizer.ts, contextOf): the
 * request's keys win over every other, a tag the resource lacks is absent and every tag of a resource of
 * unknown tags unknown (resourceTags.ts), the organization keys as organizationKeys.ts says.
 */
import { ABSENT, UNKNOWN, type ContextRecord, type ContextValue, type RequestContext } from "./evaluation";
import { organizationKeys, type OrganizationTreeSpec } from "./organizationKeys";
import type { ResourceTags } from "./resourceTags";

/** What a resource layer is made from; every field is fixed for the layer's life but `region`. */
export interface ResourceLayerSpec {
  readonly resourceArn: string;
  readonly resourceAccount: string;
  readonly principalAccount: string;
  /** aws:RequestedRegion, asked at each read: the region of a "*" resource is learnt from later requests. */
  readonly region: () => ContextValue;
  /** The resource's tags, asked once, at the first read of a tag key. */
  readonly tags: () => ResourceTags;
  readonly organizationTree: OrganizationTreeSpec | undefined;
  /** The keys the caller alone fixes (authorizer.ts, callerContext). */
  readonly caller: RequestContext;
}

/**
 * The keys a request takes from its resource and caller: aws:RequestedRegion, aws:ResourceAccount, the
 * four organization keys, aws:ResourceTag/KEY (and iam:ResourceTag/KEY on an IAM resource), then the
 * caller's keys.
 */
export class ResourceLayer implements RequestContext {
  private readonly iam: boolean;
  private organization: Map<string, ContextValue> | undefined;
  private tags: { readonly keys: ReadonlyMap<string, string>; readonly unknown: boolean } | undefined;

  constructor(private readonly spec: ResourceLayerSpec) {
    this.iam = spec.resourceArn.split(":")[2] === "iam";
  }

  get(key: string): ContextValue {
    if (key === "aws:requestedregion") {
      return this.spec.region();
    }
    if (key === "aws:resourceaccount") {
      return this.spec.resourceAccount;
    }
    if (key.startsWith("aws:resourcetag/") || (this.iam && key.startsWith("iam:resourcetag/"))) {
      const tags = this.tagKeys();
      return tags.unknown ? UNKNOWN : (tags.keys.get(key) ?? ABSENT);
    }
    if (key.startsWith("aws:principalorg") || key.startsWith("aws:resourceorg")) {
      const value = this.organizationKeys().get(key);
      if (value !== undefined) {
        return value;
      }
    }
    return this.spec.caller.get(key);
  }

  private organizationKeys(): Map<string, ContextValue> {
    if (this.organization === undefined) {
      const keys = organizationKeys(
        this.spec.organizationTree,
        this.spec.principalAccount,
        this.spec.resourceAccount,
      );
      this.organization = new Map(Object.entries(keys).map(([key, value]) => [key.toLowerCase(), value]));
    }
    return this.organization;
  }

  private tagKeys(): { readonly keys: ReadonlyMap<string, string>; readonly unknown: boolean } {
    if (this.tags === undefined) {
      const tags = this.spec.tags();
      const keys = new Map<string, string>();
      if (tags !== "unknown") {
        for (const [key, value] of Object.entries(tags)) {
          keys.set(`aws:resourcetag/${key}`.toLowerCase(), value);
          if (this.iam) {
            keys.set(`iam:resourcetag/${key}`.toLowerCase(), value);
          }
        }
      }
      this.tags = { keys, unknown: tags === "unknown" };
    }
    return this.tags;
  }
}

/** A request's keys in lower case, once per record: a caller's keys are one record for all its requests. */
const loweredRecords = new WeakMap<ContextRecord, ReadonlyMap<string, ContextValue>>();

function lowered(record: ContextRecord): ReadonlyMap<string, ContextValue> {
  let map = loweredRecords.get(record);
  if (map === undefined) {
    const built = new Map<string, ContextValue>();
    for (const key of Object.keys(record)) {
      built.set(key.toLowerCase(), record[key]);
    }
    loweredRecords.set(record, built);
    map = built;
  }
  return map;
}

/**
 * One request's context: its own keys (a record, or a function called at the first read), then
 * aws:CurrentTime and aws:EpochTime of `now` (unknown without a clock), then the resource layer.
 */
export class RequestLayer implements RequestContext {
  private own: ReadonlyMap<string, ContextValue> | undefined;

  constructor(
    private readonly requestKeys: ContextRecord | (() => ContextRecord),
    private readonly now: number | undefined,
    private readonly resource: RequestContext,
  ) {}

  get(key: string): ContextValue {
    if (this.own === undefined) {
      this.own = lowered(typeof this.requestKeys === "function" ? this.requestKeys() : this.requestKeys);
    }
    const value = this.own.get(key);
    if (value !== undefined) {
      return value;
    }
    if (key === "aws:currenttime") {
      return this.now === undefined ? UNKNOWN : new Date(this.now).toISOString().replace(/\.\d{3}Z$/, "Z");
    }
    if (key === "aws:epochtime") {
      return this.now === undefined ? UNKNOWN : String(Math.floor(this.now / 1000));
    }
    return this.resource.get(key);
  }
}
