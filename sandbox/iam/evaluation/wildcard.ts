/**
 * Wildcard matching as IAM does it in Action, Resource, StringLike and ArnLike: `*` matches any run of
 * characters (empty included), `?` exactly one (IAM User Guide, "IAM JSON policy elements: Resource",
 * wildcards; "Condition operators", StringLike).
 *
 * A pattern is handed over as a "glob source": policy text whose wildcards are already encoded as STAR
 * and ONE (two private-use characters), so that a literal `*` (from `${*}`, or from a variable's value)
 * stays literal. Matchers are cached by source: the same pattern in many policies compiles once.
 */
export const STAR = "\uE000";
export const ONE = "\uE001";

export type Matcher = (value: string) => boolean;

const always: Matcher = () => true;
const cache = new Map<string, Matcher>();
const CACHE_LIMIT = 50_000;

/** Policy text with its `*` and `?` as wildcards. */
export function wildcardSource(text: string): string {
  let out = "";
  for (const character of text) {
    out += character === "*" ? STAR : character === "?" ? ONE : character;
  }
  return out;
}

/** A matcher for a glob source; case-insensitive matchers compare lower-cased text. */
export function globMatcher(source: string, ignoreCase = false): Matcher {
  const cacheKey = ignoreCase ? `i${source}` : `s${source}`;
  let matcher = cache.get(cacheKey);
  if (matcher === undefined) {
    matcher = buildMatcher(ignoreCase ? source.toLowerCase() : source, ignoreCase);
    if (cache.size >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.set(cacheKey, matcher);
  }
  return matcher;
}

function buildMatcher(pattern: string, ignoreCase: boolean): Matcher {
  const fold = ignoreCase ? (value: string) => value.toLowerCase() : (value: string) => value;
  const star = pattern.indexOf(STAR);
  const one = pattern.indexOf(ONE);
  if (star < 0 && one < 0) {
    return (value) => fold(value) === pattern;
  }
  if (pattern === STAR) {
    return always;
  }
  if (one < 0 && star === pattern.length - 1 && pattern.indexOf(STAR) === star) {
    const prefix = pattern.slice(0, -1);
    return (value) => fold(value).startsWith(prefix);
  }
  let body = "";
  for (const character of pattern) {
    if (character === STAR) {
      body += "[\\s\\S]*";
    } else if (character === ONE) {
      body += "[\\s\\S]";
    } else {
      body += character.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  const regex = new RegExp(`^${body}$`, "u");
  return (value) => regex.test(fold(value));
}
