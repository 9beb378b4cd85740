import { expect } from "chai";
import { writeJsonLines } from "../../common/jsonLines";

/** What Io.stdout writes for each call: the text, then a line end. */
function written(value: unknown, options: { bigArray?: number; chunkChars?: number }): string {
  let text = "";
  writeJsonLines(value, (line) => (text += `${line}\n`), options);
  return text;
}

describe("writeJsonLines", () => {
  const report = {
    accountId: "111122223333",
    empty: [],
    nothing: {},
    skipped: undefined,
    fn: () => 1,
    when: new Date(0),
    cells: Array.from({ length: 25 }, (_, index) => ({
      table: `t${index % 3}`,
      principal: `arn:aws:iam::111122223333:user/u${index}`,
      decision: index % 2 === 0 ? "allowed" : "denied-by-iam",
      reason: 'a "quoted"\nreason',
      statements: index % 5 === 0 ? [] : [{ policy: "inline:data", index }],
      conditions: index % 7 === 0 ? undefined : ["aws:SourceIp"],
    })),
    nested: { deeper: { list: [1, undefined, "x", null, () => 2, { a: [] }, 7, 8, 9, 10, 11, 12] } },
    stats: { questions: 3, distinctDecisions: 2 },
  };

  it("writes JSON.stringify(value, null, 2) byte for byte, big arrays item by item, in pieces that end at line ends", () => {
    const expected = `${JSON.stringify(report, null, 2)}\n`;
    for (const options of [
      {},
      { bigArray: 10 },
      { bigArray: 0 },
      { bigArray: 10, chunkChars: 1 },
      { chunkChars: 64 },
    ]) {
      expect(written(report, options), JSON.stringify(options)).to.equal(expected);
    }
    let calls = 0;
    writeJsonLines(report, () => calls++, { bigArray: 10, chunkChars: 200 });
    expect(calls).to.be.greaterThan(10);
  });

  it("writes values that hold no big array, and a big array at the top, as JSON.stringify does", () => {
    for (const value of [
      [],
      {},
      "text",
      12,
      null,
      [1, [2, [3, []]]],
      Array.from({ length: 30 }, (_, i) => ({ i })),
    ]) {
      expect(written(value, { bigArray: 5 })).to.equal(`${JSON.stringify(value, null, 2)}\n`);
    }
  });
});
