/**
 * Values as error messages show them: control characters and bidirectional overrides escaped, so that a
 * value can never rewrite the terminal or reorder the line it is shown in (Unicode TR36, "Bidirectional
 * text"), and long values shortened, so that a 10 MB name never becomes a 10 MB message. Nothing happens
 * at import.
 *
 *   `--state: ${displayValue(file)} is not a regular file`   // "--state: \"a\\u202eb\" is not…"
 *   escapeControls(message)                                  // newlines and tabs kept: a whole message
 */

/** The longest value an error message shows, in characters; longer ones end with "…". */
export const MAX_DISPLAY_CHARS = 200;

const CONTROLS_BUT_NEWLINE_AND_TAB =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const ALL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** Control characters (but newline and tab) and bidirectional marks and overrides, as `\uXXXX` escapes. */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS_BUT_NEWLINE_AND_TAB, escapeChar);
}

/** At most `max` characters: a longer text is cut, ending with "…". */
export function shorten(text: string, max: number = MAX_DISPLAY_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * One value as a message shows it: quoted, every control character (newlines too) and bidirectional mark
 * escaped, at most MAX_DISPLAY_CHARS characters inside the quotes. Never give it a value that may be a
 * secret: name the field instead.
 */
export function displayValue(value: string, max: number = MAX_DISPLAY_CHARS): string {
  // Cut before escaping, so that a 10 MB value costs no 60 MB of escapes.
  const escaped = value.slice(0, max).replace(ALL_CONTROLS, escapeChar);
  const cut = value.length > max || escaped.length > max;
  return `"${cut ? `${escaped.slice(0, max - 1)}…` : escaped}"`;
}

/**
 * A whole message as a terminal shows it: escapeControls, each line at most `maxLine` characters and at
 * most `maxLines` lines, so that no value it quotes can make it unbounded.
 */
export function boundMessage(text: string, maxLine = 1000, maxLines = 40): string {
  const lines = escapeControls(
    text.length > maxLine * maxLines * 2 ? text.slice(0, maxLine * maxLines * 2) : text,
  ).split("\n");
  const kept = lines.slice(0, maxLines).map((line) => shorten(line, maxLine));
  return lines.length > maxLines ? [...kept, "… (further lines cut)"].join("\n") : kept.join("\n");
}

/**
 * A parsed JSON value as a message names it: a string through displayValue, a number, boolean or null as
 * written, an array or object by its kind (never its content, which may be large or a secret).
 */
export function describeJson(value: unknown): string {
  if (value === undefined) {
    return "missing";
  }
  if (typeof value === "string") {
    return displayValue(value);
  }
  if (Array.isArray(value)) {
    return "a list";
  }
  if (typeof value === "object" && value !== null) {
    return "an object";
  }
  return shorten(String(value));
}

/** A parsed JSON value by its kind alone (`a string`, `a list`, `null`): for fields that may hold a secret. */
export function kindOfJson(value: unknown): string {
  if (typeof value === "string") {
    return "a string";
  }
  return typeof value === "number" || typeof value === "boolean" ? `a ${typeof value}` : describeJson(value);
}
