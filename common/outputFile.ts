/**
 * Files a command writes where the user said (`--html FILE`, `--report FILE`, `--outputs FILE`): checked
 * before any work, so a mistyped directory fails at once in one line instead of after a whole run, and
 * written so that any failure (a full disk, a directory in the way) is one line naming the flag and the
 * path, exit 2. Nothing happens at import.
 *
 *   checkOutputFile(args.html, "--html");            // at the start of the command
 *   writeOutputFile(args.html, "--html", page);      // at its end (a string, or pieces of one)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UserError } from "./userError";
import { displayPath } from "./userFile";

/** An output file that cannot be written: `--html: "/nope/x.html" cannot be written: …`. */
export class OutputFileError extends UserError {
  constructor(
    readonly flag: string,
    readonly file: string,
    problem: string,
  ) {
    super(`${flag}: ${displayPath(file)} cannot be written: ${problem}`);
  }
}

/**
 * Throws OutputFileError unless `file` can be created or replaced: its directory exists, is a directory
 * and is writable; the path itself, if it exists, is a regular file (not a directory, FIFO or device).
 */
export function checkOutputFile(file: string, flag: string): void {
  const dir = path.dirname(path.resolve(file));
  let dirStat: fs.Stats;
  try {
    dirStat = fs.statSync(dir);
  } catch (err) {
    throw new OutputFileError(flag, file, `its directory ${displayPath(dir)} ${problemOf(err)}`);
  }
  if (!dirStat.isDirectory()) {
    throw new OutputFileError(flag, file, `${displayPath(dir)} is not a directory`);
  }
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new OutputFileError(flag, file, problemOf(err));
    }
  }
  if (stat !== undefined && !stat.isFile()) {
    throw new OutputFileError(
      flag,
      file,
      stat.isDirectory() ? "it is a directory" : "it is not a regular file",
    );
  }
  try {
    fs.accessSync(stat === undefined ? dir : file, fs.constants.W_OK);
  } catch (err) {
    throw new OutputFileError(flag, file, problemOf(err));
  }
}

/** Text gathered before each write of a content given in pieces (1 MiB of UTF-16 code units at most, about). */
const WRITE_CHARS = 1 << 20;

/**
 * Writes `content` to `file` whole or not at all (a temporary file beside it, renamed over it: a reader
 * never sees half a page, and a full disk leaves the old file), mode `mode`. Any failure is an
 * OutputFileError, and the temporary file is removed. Content given as pieces (a generator) is written as
 * it comes, a megabyte at a time, so a page larger than the longest string V8 holds never exists whole;
 * each write is synchronous, so no more than one megabyte waits in memory whatever the disk's speed.
 */
export function writeOutputFile(
  file: string,
  flag: string,
  content: string | Iterable<string>,
  mode = 0o644,
): void {
  checkOutputFile(file, flag);
  const temporary = `${path.resolve(file)}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(temporary, "wx", mode);
    try {
      if (typeof content === "string") {
        fs.writeFileSync(fd, content);
      } else {
        let buffer = "";
        for (const piece of content) {
          buffer += piece;
          if (buffer.length >= WRITE_CHARS) {
            fs.writeFileSync(fd, buffer);
            buffer = "";
          }
        }
        fs.writeFileSync(fd, buffer);
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
  } catch (err) {
    fs.rmSync(temporary, { force: true });
    // A failure of the file system is the user's to see; one of the code producing the pieces is not.
    if (typeof content !== "string" && (err as NodeJS.ErrnoException).code === undefined) {
      throw err;
    }
    throw new OutputFileError(flag, file, problemOf(err));
  }
}

function problemOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "does not exist";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOSPC":
      return "no space left on the device";
    case "EDQUOT":
      return "disk quota exceeded";
    case "EROFS":
      return "read-only file system";
    case "EISDIR":
      return "it is a directory";
    default:
      return code ?? String((err as Error).message).split("\n")[0];
  }
}
