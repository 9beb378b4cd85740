/**
 * The one writer of a data dir's state (stateFile.ts has the format): a snapshot (`state.json`) and the
 * journal of the changes since (`journal-<generation>.log`, journal.ts).
 *
 * - `record(change)` appends one synced line, and throws DurabilityError when it cannot: the sandbox
 *   makes a change (a grant, a key's policy or state, a session, the clock) only after it returned, so a
 *   change that could not be made durable is not in force, now or after a restart.
 * - `snapshot(state)` writes the whole state as a new generation: an empty journal for it first, then
 *   state.json naming it (atomically), then the old journal goes. A crash between the steps leaves
 *   state.json naming a journal that exists, whichever generation it is.
 * - Compaction: once the journal has grown as large as the snapshot (and at least 4 MiB), the owner
 *   writes a snapshot (`compactionDue`), so the cost of a change stays constant however large the state:
 *   each snapshot's cost is spread over as many bytes of changes as it holds. A snapshot that fails (a
 *   full disk) is tried again only after as many bytes more, and the journal keeps every change meanwhile.
 */
import * as path from "node:path";
import { Journal, NODE_FILE_LAYER, type FileLayer } from "./journal";
import {
  journalFile,
  stateFilePath,
  stateFileText,
  syncDirectory,
  writeFileAtomic,
  type JournalRecord,
  type PersistedState,
} from "./stateFile";

/** The journal is folded into a snapshot once it holds at least this many bytes (and the snapshot's). */
const MIN_COMPACTION_BYTES = 4 * 1024 * 1024;

export class DataDirStore {
  private journal: Journal | undefined;
  /** Bytes of the last snapshot written. */
  private snapshotBytes = 0;
  /** The journal size at which the next compaction is due. */
  private compactAt = MIN_COMPACTION_BYTES;

  /**
   * `generation`: the one the data dir's state.json names (0 for none yet, or format 1). Nothing is
   * appended until the first snapshot: the sandbox writes one at start, from the state it restored.
   */
  constructor(
    readonly dataDir: string,
    private generation: number,
    private readonly files: FileLayer = NODE_FILE_LAYER,
  ) {}

  /** Whether changes are being journaled: a snapshot was written (something is deployed). */
  get active(): boolean {
    return this.journal !== undefined;
  }

  /** Appends one change, synced; throws DurabilityError (the file as it was) when it cannot. */
  record(change: JournalRecord, what: string): void {
    this.journal?.append(change, what);
  }

  /** The journal has grown enough that folding it into a snapshot is due. */
  get compactionDue(): boolean {
    return this.journal !== undefined && this.journal.size >= this.compactAt;
  }

  /**
   * Writes `state` whole as the next generation and starts its journal. Throws when it cannot (the
   * previous snapshot and journal stay in use: nothing is lost).
   */
  snapshot(state: PersistedState): void {
    const next = this.generation + 1;
    const nextJournalFile = journalFile(this.dataDir, next);
    const text = stateFileText(state, next);
    let journal: Journal | undefined;
    try {
      this.files.rmSync(nextJournalFile, { force: true });
      journal = Journal.open(nextJournalFile, this.files);
      writeFileAtomic(stateFilePath(this.dataDir), text, this.files);
    } catch (err) {
      journal?.close();
      this.files.rmSync(nextJournalFile, { force: true });
      // The next attempt after as many bytes of changes again: a full disk is not retried at every change.
      this.compactAt = (this.journal?.size ?? 0) + Math.max(MIN_COMPACTION_BYTES, this.snapshotBytes);
      throw err;
    }
    this.journal?.close();
    this.journal = journal;
    this.files.rmSync(journalFile(this.dataDir, this.generation), { force: true });
    this.generation = next;
    this.snapshotBytes = Buffer.byteLength(text);
    this.compactAt = Math.max(MIN_COMPACTION_BYTES, this.snapshotBytes);
  }

  /** A destroy left nothing: the snapshot and the journal go (the checkpoint beside them is the plan engine's). */
  remove(): void {
    this.journal?.close();
    this.journal = undefined;
    this.files.rmSync(stateFilePath(this.dataDir), { force: true });
    this.files.rmSync(journalFile(this.dataDir, this.generation), { force: true });
    syncDirectory(path.resolve(this.dataDir), this.files);
  }

  close(): void {
    this.journal?.close();
    this.journal = undefined;
  }
}
