/**
 * One definition per domain constant: the access levels and the secret placeholder live in
 * infra/outputs.ts (the outputs contract), and every other module uses that definition, so a new access
 * level or a changed placeholder cannot leave one reader behind.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { REDACTED as checksRedacted } from "../../checks/redact";
import { DYNAMODB_ACCESS_LEVELS as configLevels } from "../../infra/config";
import { DYNAMODB_ACCESS_LEVELS, REDACTED } from "../../infra/outputs";
import { REDACTED as planRedacted } from "../../plan/values";

const ROOT = path.resolve(__dirname, "..", "..");
const SOURCE_DIRS = ["infra", "plan", "checks", "sandbox", "guard", "scenario", "cli"];

function sources(): Array<{ file: string; text: string }> {
  return SOURCE_DIRS.flatMap((dir) =>
    fs
      .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .map((file) => path.join(dir, file))
      .map((file) => ({ file, text: fs.readFileSync(path.join(ROOT, file), "utf8") })),
  );
}

describe("one definition per domain constant", () => {
  it("every module uses the one access-level list and secret placeholder", () => {
    expect(configLevels).to.equal(DYNAMODB_ACCESS_LEVELS);
    expect(checksRedacted).to.equal(REDACTED);
    expect(planRedacted).to.equal(REDACTED);
  });

  it("no other source file spells them out", () => {
    const owner = path.join("infra", "outputs.ts");
    for (const { file, text } of sources()) {
      if (file === owner) {
        continue;
      }
      expect(text, file).to.not.match(/"readonly",\s*"readwrite",\s*"full"/);
      expect(text, file).to.not.match(/=\s*"\[secret\]"/);
      expect(text, file).to.not.match(/===\s*"\[secret\]"/);
    }
  });
});
