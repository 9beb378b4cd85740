/**
 * common/userFile.ts against a FIFO (made with mkfifo, a child process: hence an integration test): with
 * no writer, opening it would wait forever and reading it would never end; it is refused at once.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { expect } from "chai";
import { readUserFile } from "../../common/userFile";
import { useTempDir } from "../support/tempDir";

describe("readUserFile on a FIFO", () => {
  const dir = useTempDir("user-fifo");

  it("refuses it at once, without waiting for a writer", () => {
    const fifo = path.join(dir(), "plan.json");
    execFileSync("mkfifo", [fifo]);
    const started = Date.now();
    expect(() => readUserFile(fifo, { flag: "--plan" })).to.throw(
      `--plan: "${fifo}" is not a regular file (a FIFO)`,
    );
    expect(Date.now() - started).to.be.below(5_000);
  });
});
