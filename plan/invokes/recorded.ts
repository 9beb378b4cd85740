/**
 * Recorded invoke results (`--invokes FILE`): a JSON list `[{ "token", "args"?, "result" }]`, the answers
 * a real preview got from the cloud. An entry answers a call of its token whose arguments deep-equal its
 * `args`; an entry without `args` answers every call of its token. The first entry that matches wins.
 */
import { isDeepStrictEqual } from "node:util";
import { UserError } from "../../common/userError";
import { displayPath, readUserJson, UserFileError } from "../../common/userFile";

export interface RecordedInvoke {
  token: string;
  args?: Record<string, unknown>;
  result: Record<string, unknown>;
}

/** A file of recorded invokes that is not one: the user's to fix. */
export class InvokesFileError extends UserError {}

export function readInvokesFile(file: string): RecordedInvoke[] {
  let parsed: unknown;
  try {
    parsed = readUserJson(file, { flag: "--invokes", maxDepth: MAX_INVOKES_DEPTH });
  } catch (err) {
    throw err instanceof UserFileError ? new InvokesFileError(err.message) : err;
  }
  return parseInvokes(parsed, `--invokes ${displayPath(file)}`);
}

/** Invoke results are walked recursively (deep-equal, marshalled to the program): as deep as a checkpoint. */
const MAX_INVOKES_DEPTH = 1_000;

export function parseInvokes(document: unknown, source: string): RecordedInvoke[] {
  if (!Array.isArray(document)) {
    throw new InvokesFileError(`${source}: expected a JSON list of { token, args?, result }`);
  }
  return document.map((entry: unknown, index) => {
    const at = `${source}: [${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new InvokesFileError(`${at} is not an object`);
    }
    const { token, args, result } = entry as Record<string, unknown>;
    if (typeof token !== "string" || !/^[^:]+:[^:]+:[^:]+$/.test(token)) {
      throw new InvokesFileError(`${at}.token is not an invoke token (package:module/function:function)`);
    }
    if (args !== undefined && (typeof args !== "object" || args === null || Array.isArray(args))) {
      throw new InvokesFileError(`${at}.args is not an object`);
    }
    if (typeof result !== "object" || result === null || Array.isArray(result)) {
      throw new InvokesFileError(`${at}.result is not an object`);
    }
    return {
      token,
      ...(args === undefined ? {} : { args: args as Record<string, unknown> }),
      result: result as Record<string, unknown>,
    };
  });
}

/** The recorded result for a call, if an entry matches it. */
export function recordedAnswer(
  recorded: readonly RecordedInvoke[],
  token: string,
  args: Record<string, unknown>,
): Record<string, unknown> | undefined {
  return recorded.find(
    (entry) => entry.token === token && (entry.args === undefined || isDeepStrictEqual(entry.args, args)),
  )?.result;
}
