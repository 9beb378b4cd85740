/**
 * `npm run sandbox:clock` refuses a --credentials file it cannot read as one, in one line, before any
 * call: what is not a regular file is never read (/dev/zero would be read until memory runs out).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { main } from "../../cli/sandboxClock";
import { runMainInProcess } from "../support/inProcessCli";
import { useTempDir } from "../support/tempDir";

describe("npm run sandbox:clock --credentials", () => {
  const dir = useTempDir("clock-credentials");

  it("refuses /dev/zero, a directory, and a file that is not JSON, in one line without its content", async () => {
    const notJson = path.join(dir(), "deployer.json");
    fs.writeFileSync(notJson, '{"secretAccessKey": "kept-secret"');
    for (const [file, problem] of [
      ["/dev/zero", "is not a regular file (a character device)"],
      [dir(), "is a directory, not a file"],
      [notJson, "is not valid JSON (at position 33)"],
    ]) {
      const run = await runMainInProcess(main, ["--credentials", file], dir());
      expect(run.code, file).to.equal(2);
      expect(run.stderr).to.equal(`error: --credentials: "${file}" ${problem}\n`);
    }
  });
});
