/**
 * The data dir's journal: an append-only file of the changes made to the emulated cloud's state since its
 * last snapshot (`state.json`), one record per line. A change costs one small write and one fdatasync,
 * whatever the size of the state: 50,000 grants are 50,000 lines, not 50,000 rewrites of a file that
 * holds them all. The owner (dataDirStore.ts) folds the records into the snapshot when the journal has
 * grown as large as the snapshot, so reading a data dir stays proportional to its state.
 *
 * A change takes effect only once its record is on disk: `append` writes and syncs, and throws
 * DurabilityError when it cannot (a full disk, an I/O error); the caller applies the change only after
 * `append` returned, so a failed change is in force neither now nor after a restart. A write that failed
 * halfway is cut off again (ftruncate to the last whole record); if even that fails, every later append
 * fails until it succeeds, so nothing is ever written after a torn record.
 *
 * Line format: CRC-32 of the JSON text (8 hex digits), a tab, the JSON text, a newline. A reader takes
 * every whole line whose checksum holds; a last line without its newline, or whose checksum fails, is a
 * write the process did not live to finish (never acknowledged) and is dropped. A bad line followed by
 * good ones is corruption: refused.
 *
 * Files go through a FileLayer (node:fs by default) so tests can make a write or a sync fail as a full
 * disk or a failing device would.
 */
import * as fs from "node:fs";
import { crc32 } from "node:zlib";

/** The file operations the journal and the snapshots use: node:fs's, or a test's that fail on purpose. */
export type FileLayer = Pick<
  typeof fs,
  | "openSync"
  | "writeSync"
  | "fsyncSync"
  | "fdatasyncSync"
  | "ftruncateSync"
  | "fstatSync"
  | "closeSync"
  | "renameSync"
  | "rmSync"
  | "fchmodSync"
>;

export const NODE_FILE_LAYER: FileLayer = fs;

/**
 * A change of the cloud's state could not be made durable (ENOSPC, EIO, ...): it was not made. The
 * server answers it as the service's internal error (HTTP 500), the change not in force.
 */
export class DurabilityError extends Error {
  constructor(
    readonly code: string,
    what: string,
  ) {
    super(`the change could not be stored in the data dir (${code}): ${what}`);
    this.name = "DurabilityError";
  }
}

/** Writes `data` whole at the file's end (a short write is continued). */
export function writeAll(files: FileLayer, fd: number, data: Buffer): void {
  let written = 0;
  while (written < data.length) {
    written += files.writeSync(fd, data, written, data.length - written);
  }
}

export class Journal {
  /** Bytes of whole records in the file: where a failed write is cut back to. */
  private length: number;
  /** A failed write could not be cut off: appends must cut it first. */
  private torn = false;

  private constructor(
    private readonly files: FileLayer,
    private readonly fd: number,
    readonly file: string,
  ) {
    this.length = files.fstatSync(fd).size;
  }

  /**
   * Opens `file` for appending (created 0600 if absent). `length`: the bytes of whole records a reader
   * found (readJournal); anything after them (a torn last line) is cut off first.
   */
  static open(file: string, files: FileLayer = NODE_FILE_LAYER, length?: number): Journal {
    const fd = files.openSync(
      file,
      fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT,
      0o600,
    );
    try {
      files.fchmodSync(fd, 0o600);
      const journal = new Journal(files, fd, file);
      if (length !== undefined && length < journal.length) {
        files.ftruncateSync(fd, length);
        files.fsyncSync(fd);
        journal.length = length;
      }
      return journal;
    } catch (err) {
      files.closeSync(fd);
      throw err;
    }
  }

  /** Bytes of whole records. */
  get size(): number {
    return this.length;
  }

  /** Appends one record and syncs it to disk; throws DurabilityError, the file as it was, when it cannot. */
  append(record: unknown, what: string): void {
    const text = JSON.stringify(record);
    const line = Buffer.from(`${checksum(text)}\t${text}\n`, "utf8");
    try {
      if (this.torn) {
        this.files.ftruncateSync(this.fd, this.length);
        this.torn = false;
      }
      writeAll(this.files, this.fd, line);
      // The data and the file's new size; nothing else of the inode matters to a reader.
      this.files.fdatasyncSync(this.fd);
    } catch (err) {
      this.cutBack();
      throw new DurabilityError((err as NodeJS.ErrnoException).code ?? "EIO", what);
    }
    this.length += line.length;
  }

  close(): void {
    this.files.closeSync(this.fd);
  }

  /** Removes what a failed append may have left after the last whole record. */
  private cutBack(): void {
    try {
      this.files.ftruncateSync(this.fd, this.length);
      this.files.fsyncSync(this.fd);
    } catch {
      this.torn = true;
    }
  }
}

/** What a journal file held: its records, and the bytes of whole records (the rest was torn). */
export interface JournalContents {
  readonly records: { readonly line: number; readonly value: unknown }[];
  readonly length: number;
}

/**
 * The records of a journal's text. Throws JournalCorruptError for a bad line followed by good ones: a
 * crash tears only the end.
 */
export function parseJournal(bytes: Buffer): JournalContents {
  const records: { line: number; value: unknown }[] = [];
  let offset = 0;
  let line = 0;
  let length = 0;
  let badLine: number | undefined;
  while (offset < bytes.length) {
    const end = bytes.indexOf(0x0a, offset);
    if (end < 0) {
      // The last line has no newline: a write cut short.
      break;
    }
    line++;
    const value = verifiedRecord(bytes.toString("utf8", offset, end));
    if (value === undefined) {
      badLine ??= line;
    } else if (badLine !== undefined) {
      throw new JournalCorruptError(badLine);
    } else {
      records.push({ line, value });
      length = end + 1;
    }
    offset = end + 1;
  }
  return { records, length };
}

/** A bad line before good ones: not what a crash leaves. */
export class JournalCorruptError extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is corrupt (its checksum does not match) and later lines are not`);
    this.name = "JournalCorruptError";
  }
}

function verifiedRecord(text: string): unknown {
  const tab = text.indexOf("\t");
  if (tab !== 8 || text.slice(0, 8) !== checksum(text.slice(9))) {
    return undefined;
  }
  try {
    return JSON.parse(text.slice(9)) as unknown;
  } catch {
    return undefined;
  }
}

function checksum(text: string): string {
  return crc32(text).toString(16).padStart(8, "0");
}
