/**
 * The data dir's journal (sandbox/deploy/journal.ts): a record counts once it is written and synced; a
 * write or sync that fails leaves the file as it was; a reader drops a torn last line (never
 * acknowledged) and refuses a bad line before good ones (not what a crash leaves).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import {
  DurabilityError,
  Journal,
  JournalCorruptError,
  parseJournal,
  type FileLayer,
} from "../../../sandbox/deploy/journal";
import { useTempDir } from "../../support/tempDir";

/** node:fs, with one operation failing as a full disk (ENOSPC) or a failing device (EIO) would. */
function failing(name: "writeSync" | "fdatasyncSync", code: string, afterBytes = 0): FileLayer {
  const error = () => Object.assign(new Error(`${code}: injected`), { code });
  if (name === "writeSync") {
    // Writes part of the record, then fails: what a disk that fills up mid-write does.
    return {
      ...fs,
      writeSync: ((fd: number, buffer: Buffer, offset: number, length: number) => {
        if (afterBytes > 0) {
          fs.writeSync(fd, buffer, offset, Math.min(length, afterBytes));
        }
        throw error();
      }) as unknown as typeof fs.writeSync,
    };
  }
  return {
    ...fs,
    fdatasyncSync: () => {
      throw error();
    },
  };
}

describe("data dir journal (sandbox/deploy/journal.ts)", () => {
  const dir = useTempDir("journal");

  it("appends one synced line per record, read back in order", () => {
    const file = path.join(dir(), "journal-1.log");
    const journal = Journal.open(file);
    journal.append({ change: "clock", advancedMs: 1 }, "one");
    journal.append({ change: "clock", advancedMs: 2 }, "two");
    journal.close();
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    const read = parseJournal(fs.readFileSync(file));
    expect(read.records.map((record) => record.value)).to.deep.equal([
      { change: "clock", advancedMs: 1 },
      { change: "clock", advancedMs: 2 },
    ]);
    expect(read.length).to.equal(fs.statSync(file).size);
  });

  for (const [name, code, afterBytes] of [
    ["fdatasyncSync", "EIO", 0],
    ["writeSync", "ENOSPC", 10],
  ] as const) {
    it(`throws DurabilityError and leaves the file as it was when ${name} fails (${code})`, () => {
      const file = path.join(dir(), "journal-1.log");
      const good = Journal.open(file);
      good.append({ change: "clock", advancedMs: 1 }, "kept");
      good.close();
      const before = fs.readFileSync(file);
      const journal = Journal.open(file, failing(name, code, afterBytes));
      expect(() => journal.append({ change: "clock", advancedMs: 2 }, "CreateGrant")).to.throw(
        DurabilityError,
        `the change could not be stored in the data dir (${code}): CreateGrant`,
      );
      journal.close();
      expect(fs.readFileSync(file)).to.deep.equal(before);
    });
  }

  it("drops a torn last line, and opening for append cuts it off", () => {
    const file = path.join(dir(), "journal-1.log");
    const journal = Journal.open(file);
    journal.append({ change: "clock", advancedMs: 1 }, "kept");
    journal.close();
    const whole = fs.statSync(file).size;
    fs.appendFileSync(file, '1234abcd\t{"change":"clock","adv');
    const read = parseJournal(fs.readFileSync(file));
    expect(read.records).to.have.length(1);
    expect(read.length).to.equal(whole);
    Journal.open(file, undefined, read.length).close();
    expect(fs.statSync(file).size).to.equal(whole);
  });

  it("drops a last line whose checksum fails, and refuses a bad line followed by good ones", () => {
    const file = path.join(dir(), "journal-1.log");
    const journal = Journal.open(file);
    for (let i = 1; i <= 3; i++) {
      journal.append({ change: "clock", advancedMs: i }, "record");
    }
    journal.close();
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const flip = (line: string) => line.replace('"advancedMs":', '"advancedMs" :');
    const badLast = [...lines.slice(0, 2), flip(lines[2]), ""].join("\n");
    expect(parseJournal(Buffer.from(badLast)).records).to.have.length(2);
    const badMiddle = [lines[0], flip(lines[1]), lines[2], ""].join("\n");
    expect(() => parseJournal(Buffer.from(badMiddle))).to.throw(JournalCorruptError, "line 2 is corrupt");
  });
});
