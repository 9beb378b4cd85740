import { expect } from "chai";
import { writeLinesInPieces } from "../../common/linePieces";

/** What Io.stdout writes for each call: the text, then a line end. */
function written(lines: readonly string[], chunkChars?: number): string {
  let text = "";
  writeLinesInPieces(lines, (line) => (text += `${line}\n`), { chunkChars });
  return text;
}

describe("writeLinesInPieces", () => {
  it('writes lines.join("\\n") and one line end, whatever the size of the pieces', () => {
    const cases: string[][] = [
      [],
      [""],
      ["", ""],
      ["a"],
      ["a", ""],
      ["table t", "principal  Get", "u1         ✓", "", "legend", "", "tail"],
      Array.from({ length: 100 }, (_, index) => "x".repeat(index % 7)),
    ];
    for (const lines of cases) {
      for (const chunkChars of [undefined, 1, 2, 5, 64]) {
        expect(written(lines, chunkChars), `${JSON.stringify(lines)} by ${chunkChars}`).to.equal(
          `${lines.join("\n")}\n`,
        );
      }
    }
  });

  it("hands over pieces of about chunkChars, not one call per line or one for everything", () => {
    const calls: string[] = [];
    writeLinesInPieces(
      Array.from({ length: 1000 }, () => "0123456789"),
      (text) => calls.push(text),
      { chunkChars: 100 },
    );
    expect(calls.length).to.be.within(50, 150);
    expect(calls.every((text) => text.length < 200)).to.equal(true);
  });
});
