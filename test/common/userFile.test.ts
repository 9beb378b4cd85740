/**
 * common/userFile.ts: a file the user names is read whole only when it is a regular file within the
 * bound; anything else is one line naming the flag and the path, never the content.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { isUserError } from "../../common/userError";
import { displayPath, readUserFile, readUserJson, UserFileError } from "../../common/userFile";
import { useTempDir } from "../support/tempDir";

function failure(read: () => unknown): UserFileError {
  try {
    read();
  } catch (err) {
    expect(isUserError(err), String(err)).to.equal(true);
    expect((err as Error).message.split("\n")).to.have.length(1);
    return err as UserFileError;
  }
  throw new Error("expected the read to fail");
}

describe("readUserFile (common/userFile.ts)", () => {
  const dir = useTempDir("user-file");

  it("reads a regular file whole, and one of exactly the bound", () => {
    const file = path.join(dir(), "plan.json");
    fs.writeFileSync(file, "x".repeat(100_000));
    expect(readUserFile(file, { flag: "--plan" })).to.have.length(100_000);
    expect(readUserFile(file, { flag: "--plan", maxBytes: 100_000 })).to.have.length(100_000);
  });

  it("refuses a file over the bound without reading it into memory", () => {
    const file = path.join(dir(), "state.json");
    fs.writeFileSync(file, "x".repeat(1001));
    const err = failure(() => readUserFile(file, { flag: "--state", maxBytes: 1000 }));
    expect(err.message).to.equal(`--state: "${file}" is 1001 bytes, more than the 1000 accepted`);
  });

  it("refuses /dev/zero, which would be read until memory runs out", () => {
    const err = failure(() => readUserFile("/dev/zero", { flag: "--state" }));
    expect(err.message).to.equal('--state: "/dev/zero" is not a regular file (a character device)');
  });

  it("refuses a directory where a file is expected, and a path that does not exist", () => {
    expect(failure(() => readUserFile(dir(), { flag: "--file" })).message).to.equal(
      `--file: "${dir()}" is a directory, not a file`,
    );
    const missing = path.join(dir(), "missing.json");
    expect(failure(() => readUserFile(missing, { flag: "--compare" })).message).to.equal(
      `--compare: "${missing}" does not exist`,
    );
    const underFile = path.join(dir(), "file");
    fs.writeFileSync(underFile, "{}");
    expect(failure(() => readUserFile(path.join(underFile, "x"), { flag: "--config" })).message).to.contain(
      "does not exist (a part of the path is not a directory)",
    );
  });

  it("names a JSON syntax error by its position, never quoting the text (it may be a secret)", () => {
    const file = path.join(dir(), "credentials.json");
    fs.writeFileSync(file, '{"secretAccessKey": "wJalrXUtnFEMI/K7MDENG" oops}');
    const err = failure(() => readUserJson(file, { flag: "--credentials" }));
    expect(err.message).to.match(
      /^--credentials: ".*credentials.json" is not valid JSON \(at position \d+\)$/,
    );
    expect(err.message).not.to.contain("wJalr");
    const good = path.join(dir(), "outputs.json");
    fs.writeFileSync(good, "{}");
    expect(readUserJson(good, { flag: "--outputs" })).to.deep.equal({});
  });

  it("shows a path with control and bidirectional characters escaped, and a long one shortened", () => {
    expect(displayPath("a\u202eb\nc")).to.equal('"a\\u202eb\\u000ac"');
    expect(displayPath("x".repeat(1000))).to.have.length(202);
  });
});
