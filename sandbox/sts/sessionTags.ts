/**
 * AssumeRole's session tags, transitive tag keys and source identity: read from the form, checked against
 * the documented limits, and combined with what a calling session passes on in a role chain.
 *
 * STS API reference, AssumeRole and Tag (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_Tag.html): up to 50 Tags, a Key of 1-128 and a
 * Value of 0-256 characters of [\p{L}\p{Z}\p{N}_.:/=+\-@]; up to 50 TransitiveTagKeys; SourceIdentity 2-64
 * characters of [\w+=,.@-].
 * IAM User Guide, "Passing session tags in AWS STS" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html):
 * more than 50 tags, a key over 128 or a value over 256 characters fail; tags follow the rules for naming
 * tags (keys are case-insensitive, the `aws:` prefix is reserved: "Tagging IAM resources", rules); passing
 * tags needs sts:TagSession; transitive tags pass to the next session of a role chain and stay transitive,
 * and passing a tag with the key of an inherited transitive tag fails ("If you try to pass the Heart = 3
 * session tag, the operation will fail").
 * IAM User Guide, "Monitor and control actions taken with assumed roles"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html): the
 * source identity "cannot be changed during the role session" and persists in a role chain; setting it,
 * and assuming a role from a session that has one, needs sts:SetSourceIdentity; it cannot begin with `aws:`
 * (which its pattern, without `:`, already refuses).
 *
 * Not modelled: the packed size of session policies and tags together (PackedPolicyTooLarge), which AWS
 * computes by a compression it does not document; the sandbox answers no PackedPolicySize.
 */
import { displayValue, escapeControls, shorten } from "../../common/display";
import { AwsError } from "../errors";
import type { RoleSession } from "./sessions";

const MAX_TAGS = 50;
const MAX_TRANSITIVE_KEYS = 50;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;

/** What a new session carries beside its role, and the condition keys its AssumeRole request sets. */
export interface SessionAttributesRequest {
  /** The new session's own tags: those passed, and those inherited as transitive. */
  readonly tags: Readonly<Record<string, string>>;
  readonly transitiveTagKeys: readonly string[];
  readonly sourceIdentity?: string;
  /** Whether the new session carries session tags (sts:TagSession is then needed). */
  readonly tagsSession: boolean;
  /** aws:RequestTag/KEY, aws:TagKeys and sts:TransitiveTagKeys of the passed tags; sts:SourceIdentity. */
  readonly requestKeys: Readonly<Record<string, string | string[]>>;
}

/**
 * Reads Tags.member.N.{Key,Value}, TransitiveTagKeys.member.N and SourceIdentity; `calling` is the session
 * that makes the request in a role chain (undefined for an IAM user).
 */
export function sessionAttributesOf(
  form: URLSearchParams,
  calling: RoleSession | undefined,
): SessionAttributesRequest {
  const passed = passedTags(form);
  const transitive = listOf(form, "TransitiveTagKeys", "transitiveTagKeys", MAX_TRANSITIVE_KEYS);
  for (const [index, key] of transitive.entries()) {
    if (!TAG_KEY.test(key)) {
      throw validation(
        `transitiveTagKeys.${index + 1}.member`,
        key,
        "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+ and have length between 1 and 128",
      );
    }
  }
  // Inherited transitive tags: the calling session's, still transitive; none may be passed again.
  const inherited: Record<string, string> = {};
  for (const key of calling?.transitiveTagKeys ?? []) {
    const value = calling?.tags?.[key];
    if (value !== undefined) {
      inherited[key] = value;
    }
  }
  const inheritedKeys = new Set(Object.keys(inherited).map((key) => key.toLowerCase()));
  for (const key of Object.keys(passed)) {
    if (inheritedKeys.has(key.toLowerCase())) {
      throw new AwsError(
        "InvalidParameterValue",
        `Tags: the session tag ${displayValue(key)} is an inherited transitive tag of the calling session and cannot be passed again`,
      );
    }
  }
  const passedKeys = new Map(Object.keys(passed).map((key) => [key.toLowerCase(), key]));
  const transitiveKeys = [
    ...Object.keys(inherited),
    ...transitive.map((key) => passedKeys.get(key.toLowerCase()) ?? key),
  ];
  const sourceIdentity = sourceIdentityOf(form, calling);
  const requestKeys: Record<string, string | string[]> = {};
  if (Object.keys(passed).length > 0) {
    for (const [key, value] of Object.entries(passed)) {
      requestKeys[`aws:RequestTag/${key}`] = value;
    }
    requestKeys["aws:TagKeys"] = Object.keys(passed);
  }
  if (transitive.length > 0) {
    requestKeys["sts:TransitiveTagKeys"] = transitive;
  }
  if (sourceIdentity !== undefined) {
    requestKeys["sts:SourceIdentity"] = sourceIdentity;
  }
  const tags = { ...inherited, ...passed };
  return {
    tags,
    transitiveTagKeys: [...new Set(transitiveKeys.filter((key) => Object.hasOwn(tags, key)))],
    ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
    tagsSession: Object.keys(tags).length > 0,
    requestKeys,
  };
}

/** Tags.member.N.Key / .Value, checked: at most 50, each key once whatever its case, none under `aws:`. */
function passedTags(form: URLSearchParams): Record<string, string> {
  const tags: Record<string, string> = {};
  const seen = new Set<string>();
  let count = 0;
  for (
    let index = 1;
    form.has(`Tags.member.${index}.Key`) || form.has(`Tags.member.${index}.Value`);
    index++
  ) {
    count++;
    const key = form.get(`Tags.member.${index}.Key`);
    const value = form.get(`Tags.member.${index}.Value`);
    if (key === null) {
      throw validation(`tags.${index}.member.key`, null, "Member must not be null");
    }
    if (value === null) {
      throw validation(`tags.${index}.member.value`, null, "Member must not be null");
    }
    if (!TAG_KEY.test(key)) {
      throw validation(
        `tags.${index}.member.key`,
        key,
        "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+ and have length between 1 and 128",
      );
    }
    if (!TAG_VALUE.test(value)) {
      throw validation(
        `tags.${index}.member.value`,
        value,
        "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]* and have length between 0 and 256",
      );
    }
    if (key.toLowerCase().startsWith("aws:")) {
      throw new AwsError(
        "InvalidParameterValue",
        `Tags: the tag key ${displayValue(key)} begins with aws:, a prefix reserved for AWS use: choose another key`,
      );
    }
    if (seen.has(key.toLowerCase())) {
      throw new AwsError(
        "InvalidParameterValue",
        `Tags: the tag key ${displayValue(key)} is given twice; tag keys are case insensitive: pass each key once`,
      );
    }
    seen.add(key.toLowerCase());
    tags[key] = value;
  }
  if (count > MAX_TAGS) {
    throw validation("tags", null, `Member must have length less than or equal to ${MAX_TAGS}`);
  }
  return tags;
}

/** SourceIdentity, or the calling session's, which cannot change. */
function sourceIdentityOf(form: URLSearchParams, calling: RoleSession | undefined): string | undefined {
  const given = form.get("SourceIdentity") ?? undefined;
  if (given !== undefined) {
    if (!SOURCE_IDENTITY.test(given)) {
      throw validation(
        "sourceIdentity",
        given,
        "Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64",
      );
    }
  }
  const inherited = calling?.sourceIdentity;
  if (inherited !== undefined && given !== undefined && given !== inherited) {
    throw new AwsError(
      "InvalidParameterValue",
      `SourceIdentity: the calling session's source identity is ${displayValue(inherited)}, which cannot be changed: leave SourceIdentity out or pass the same value`,
    );
  }
  return given ?? inherited;
}

function listOf(form: URLSearchParams, name: string, member: string, max: number): string[] {
  const values: string[] = [];
  for (let index = 1; form.has(`${name}.member.${index}`); index++) {
    values.push(form.get(`${name}.member.${index}`) as string);
  }
  if (values.length > max) {
    throw validation(member, null, `Member must have length less than or equal to ${max}`);
  }
  return values;
}

function validation(member: string, value: string | null, constraint: string): AwsError {
  const shown = value === null ? "null" : `'${shorten(escapeControls(value), 128)}'`;
  return new AwsError(
    "ValidationError",
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}
