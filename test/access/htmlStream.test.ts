/**
 * The --html page written in pieces (access/html.ts `htmlChunks`, common/outputFile.ts) and the terminal
 * matrix written a megabyte at a time (access/format.ts `matrixLines`, common/linePieces.ts): the same
 * bytes as the page and the matrix made as one string before they streamed (test/access/htmlReference.ts,
 * formatReference.ts), on the dev stack and on a generated account of 30 users, and a page whose
 * embedded cells parse back to the report's.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { account, plan as benchPlan } from "../../bench/accessAccount.bench";
import { readAccountData } from "../../access/accountData/read";
import { analyzeModel, analyzePlan, loadAccessModel } from "../../access/analyze";
import { compareReports } from "../../access/compare";
import { formatMatrix, matrixLines } from "../../access/format";
import { htmlChunks, renderHtml } from "../../access/html";
import type { AccessReport } from "../../access/types";
import { writeLinesInPieces } from "../../common/linePieces";
import { OutputFileError, writeOutputFile } from "../../common/outputFile";
import { synthesize } from "../../plan/synth";
import { writeAccountData } from "../support/accountData";
import { devConfig } from "../support/plan";
import { useTempDir } from "../support/tempDir";
import { formatMatrixAsOneString } from "./formatReference";
import { renderHtmlAsOneString } from "./htmlReference";

/** What the CLI prints of the matrix: its lines through Io.stdout, which ends each call with a line end. */
function printedMatrix(report: AccessReport, chunkChars?: number): string {
  let text = "";
  writeLinesInPieces(matrixLines(report), (line) => (text += `${line}\n`), { chunkChars });
  return text;
}

describe("access: the HTML page and the terminal matrix written in pieces", function () {
  this.timeout(120_000);
  const workDir = useTempDir("access-html-stream");

  it("is the one-string page's bytes on the dev stack, with and without --compare", async function () {
    const users = [
      { name: "app-user", dynamodbAccess: "readwrite", keyUser: true },
      { name: "kms-test-user", dynamodbAccess: "full", keyUser: false },
    ];
    const before = await analyzePlan(
      await synthesize({ stack: "dev", config: devConfig({ "kms-dynamodb:users": users }) }),
    );
    const after = await analyzePlan(
      await synthesize({
        stack: "dev",
        config: devConfig({ "kms-dynamodb:users": users.map((user) => ({ ...user, keyUser: true })) }),
      }),
    );
    const changes = compareReports(before, after);
    expect(changes).to.not.have.length(0);
    expect(renderHtml(after, changes)).to.equal(renderHtmlAsOneString(after, changes));
    expect(renderHtml(after)).to.equal(renderHtmlAsOneString(after));
    expect(renderHtml(after, [])).to.equal(renderHtmlAsOneString(after, []));
    expect(formatMatrix(after)).to.equal(formatMatrixAsOneString(after));
    for (const chunkChars of [undefined, 1, 100]) {
      expect(printedMatrix(after, chunkChars)).to.equal(`${formatMatrixAsOneString(after)}\n`);
    }

    // Text that HTML or the embedded JSON would read as markup stays text, as it did.
    const tricky: AccessReport = {
      ...after,
      obtainers: [],
      cells: after.cells.map((cell, index) =>
        index === 0 ? { ...cell, reason: `</script><b a="x">&'` } : cell,
      ),
    };
    expect(renderHtml(tricky)).to.equal(renderHtmlAsOneString(tricky));
    expect(renderHtml(tricky)).to.contain("<li>nobody</li>");
  });

  it("writes a generated account's page a piece at a time, byte for byte the one-string page", async function () {
    const dir = workDir();
    writeAccountData(join(dir, "account"), account(30));
    const access = await loadAccessModel(benchPlan(), { accountData: readAccountData(join(dir, "account")) });
    const report = await analyzeModel(access);
    expect(report.principals.length).to.be.greaterThan(30);
    // Megabytes of page: the file is written in several pieces (common/outputFile.ts writes a megabyte at a time).
    expect(report.cells.length).to.be.greaterThan(12_000);

    // Pieces no larger than a row or a cell: nothing near the page's size is built at once.
    let longest = 0;
    for (const piece of htmlChunks(report)) {
      longest = Math.max(longest, piece.length);
    }
    const reference = renderHtmlAsOneString(report);
    expect(longest).to.be.lessThan(reference.length / 100);

    const file = join(dir, "access.html");
    writeOutputFile(file, "--html", htmlChunks(report));
    const written = readFileSync(file, "utf8");
    expect(written).to.equal(reference);

    // The page's embedded cells parse back to the report's cells; every cell of the matrix points at one.
    const data = /<script id="cells" type="application\/json">(.*)<\/script>/.exec(written)?.[1];
    expect(JSON.stringify(JSON.parse(data ?? ""))).to.equal(JSON.stringify(report.cells));
    expect(written.match(/<td class="cell /g)).to.have.length(report.cells.length);

    expect(printedMatrix(report, 64 * 1024)).to.equal(`${formatMatrixAsOneString(report)}\n`);
  });

  it("leaves no file when the pieces fail, and says which file could not be written", function () {
    const dir = workDir();
    const file = join(dir, "page.html");
    function* failing(): Generator<string> {
      yield "<!doctype html>";
      throw new Error("a bug while rendering");
    }
    expect(() => writeOutputFile(file, "--html", failing())).to.throw("a bug while rendering");
    expect(() => readFileSync(file)).to.throw(/ENOENT/);

    function* diskFull(): Generator<string> {
      yield "x".repeat(2 << 20);
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    }
    expect(() => writeOutputFile(file, "--html", diskFull()))
      .to.throw(OutputFileError)
      .with.property("message")
      .that.contains("cannot be written: no space left on the device");
    expect(() => readFileSync(file)).to.throw(/ENOENT/);
  });
});
