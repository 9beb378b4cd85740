/**
 * Reading a file the user named (a flag's value, or a file in a data dir), bounded: what is not a regular
 * file (a FIFO, /dev/zero, a socket, a directory where a file is expected) is refused before a byte is
 * read, and a file larger than the bound is refused instead of read into memory. Every failure is one
 * line naming the flag and the path (a UserError: exit 2), never the file's content, which may hold a
 * secret.
 *
 *   const text = readUserFile(args.state, { flag: "--state" });                 // at most 64 MiB
 *   const value = readUserJson(args.credentials, { flag: "--credentials", maxBytes: 1 << 20 });
 *
 * The file is opened with O_NONBLOCK, so that opening a FIFO with no writer returns at once instead of
 * waiting for one (open(2)), and its type and size are read from the open descriptor (fstat), so the
 * file checked is the file read. Nothing happens at import.
 */
import * as fs from "node:fs";
import { displayValue } from "./display";
import { UserError } from "./userError";

/** The bound when a caller gives none: far above any plan, state or outputs file the project writes. */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface UserFileOptions {
  /** How the user named the file, for the message: a flag (`--state`) or a description (`data dir file`). */
  readonly flag: string;
  /** The largest file accepted, in bytes. Default DEFAULT_MAX_FILE_BYTES. */
  readonly maxBytes?: number;
  /** readUserJson: the deepest nesting of arrays and objects accepted. Default MAX_JSON_DEPTH. */
  readonly maxDepth?: number;
}

/**
 * The deepest JSON nesting accepted by default: Go's encoding/json refuses documents nested deeper than
 * 10,000 levels ("exceeded max depth"), so the Pulumi CLI and engine cannot have written or read one.
 * Code that walks a value recursively may need less: it passes its own maxDepth.
 */
export const MAX_JSON_DEPTH = 10_000;

/** Why a user file was refused, for callers that treat one case apart (a state file not written yet). */
export type UserFileProblem = "missing" | "not-a-file" | "too-large" | "unreadable" | "not-json" | "too-deep";

/** A user file that cannot be read as one: `--state: "/dev/zero" is not a regular file (a character device)`. */
export class UserFileError extends UserError {
  constructor(
    readonly flag: string,
    readonly file: string,
    readonly reason: UserFileProblem,
    problem: string,
  ) {
    super(`${flag}: ${displayPath(file)} ${problem}`);
  }
}

/** The whole file as UTF-8 text; throws UserFileError (one line) for anything but a readable regular file within the bound. */
export function readUserFile(file: string, options: UserFileOptions): string {
  return readUserBytes(file, options).toString("utf8");
}

/**
 * The file parsed as JSON. A syntax error names the position only: the parser's own message quotes the
 * text around the fault, which may be a secret.
 */
export function readUserJson(file: string, options: UserFileOptions): unknown {
  const text = readUserFile(file, options);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new UserFileError(
      options.flag,
      file,
      "not-json",
      `is not valid JSON (${position === undefined ? "malformed" : `at position ${position}`})`,
    );
  }
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  if (nestsDeeperThan(value, maxDepth)) {
    throw new UserFileError(
      options.flag,
      file,
      "too-deep",
      `nests arrays and objects deeper than the ${maxDepth} levels accepted`,
    );
  }
  return value;
}

/**
 * Whether a parsed JSON value nests arrays and objects more than `maxDepth` levels deep (`[]` is one
 * level). Iterative: a value too deep for recursive code is measured without overflowing the stack.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== "object" || item === null) {
      continue;
    }
    if (depth > maxDepth) {
      return true;
    }
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === "object" && child !== null) {
        stack.push([child, depth + 1]);
      }
    }
  }
  return false;
}

/** The whole file's bytes; the checks of readUserFile. */
export function readUserBytes(file: string, options: UserFileOptions): Buffer {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const refuse = (reason: UserFileProblem, problem: string) =>
    new UserFileError(options.flag, file, reason, problem);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    throw refuse(...openProblem(err));
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      throw refuse(
        "not-a-file",
        stat.isDirectory() ? "is a directory, not a file" : `is not a regular file (${kindOf(stat)})`,
      );
    }
    if (stat.size > maxBytes) {
      throw refuse("too-large", `is ${stat.size} bytes, more than the ${maxBytes} accepted`);
    }
    // Read to the end, not to stat's size: the file may grow while it is read, and never past the bound.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte past what stat said (to see the end), at least 64 KiB, at most 1 MiB or one past the bound.
      const want = Math.min(1 << 20, maxBytes + 1 - total, Math.max(stat.size + 1 - total, 1 << 16));
      const chunk = Buffer.allocUnsafe(want);
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) {
        break;
      }
      total += read;
      if (total > maxBytes) {
        throw refuse("too-large", `is more than the ${maxBytes} bytes accepted`);
      }
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof UserFileError) {
      throw err;
    }
    throw refuse("unreadable", `cannot be read: ${errnoText(err)}`);
  } finally {
    fs.closeSync(fd);
  }
}

/** A path as error messages show it: quoted, escaped and shortened (common/display.ts). */
export function displayPath(file: string): string {
  return displayValue(file);
}

function openProblem(err: unknown): [UserFileProblem, string] {
  switch ((err as NodeJS.ErrnoException).code) {
    case "ENOENT":
      return ["missing", "does not exist"];
    case "ENOTDIR":
      return ["missing", "does not exist (a part of the path is not a directory)"];
    case "EACCES":
    case "EPERM":
      return ["unreadable", "cannot be read: permission denied"];
    case "ENXIO":
      // open(2) with O_NONBLOCK on a socket file, or a device with nothing behind it.
      return ["not-a-file", "is not a regular file (a socket or a device)"];
    default:
      return ["unreadable", `cannot be read: ${errnoText(err)}`];
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) {
    return "a FIFO";
  }
  if (stat.isCharacterDevice()) {
    return "a character device";
  }
  if (stat.isBlockDevice()) {
    return "a block device";
  }
  return stat.isSocket() ? "a socket" : "not a file";
}

/** `EIO: i/o error, read`: Node's message without the path (the line names it already). */
function errnoText(err: unknown): string {
  const error = err as NodeJS.ErrnoException;
  return error.code === undefined ? String(error.message).split("\n")[0] : error.code;
}
