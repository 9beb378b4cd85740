/**
 * common/display.ts: values in error messages are escaped (no control or bidirectional characters that
 * rewrite the terminal or reorder the line: Unicode TR36, "Bidirectional text") and bounded.
 */
import { expect } from "chai";
import {
  boundMessage,
  describeJson,
  displayValue,
  escapeControls,
  MAX_DISPLAY_CHARS,
} from "../../common/display";

describe("display of values in messages", () => {
  it("quotes a value, escapes every control and bidi character, and shortens it", () => {
    expect(displayValue("tab\tle\u202eft\n")).to.equal('"tab\\u0009le\\u202eft\\u000a"');
    const long = displayValue("n".repeat(10 * 1024 * 1024));
    expect(long).to.have.length(MAX_DISPLAY_CHARS + 2);
    expect(long.endsWith('…"')).to.equal(true);
    // Escapes never push a value past the bound.
    expect(displayValue("\u202e".repeat(1000))).to.have.length(MAX_DISPLAY_CHARS + 2);
  });

  it("keeps newlines and tabs of a whole message, escaping the rest", () => {
    expect(escapeControls("a\tb\nc\u0007\u2066")).to.equal("a\tb\nc\\u0007\\u2066");
  });

  it("bounds a whole message: each line and the number of lines", () => {
    const message = boundMessage(`${"x".repeat(5000)}\n${"y\n".repeat(100)}`);
    const lines = message.split("\n");
    expect(lines[0]).to.have.length(1000);
    expect(lines).to.have.length(41);
    expect(lines.at(-1)).to.equal("… (further lines cut)");
  });

  it("names a JSON value by its kind, never its content", () => {
    expect(describeJson(undefined)).to.equal("missing");
    expect(describeJson({ password: "hunter2" })).to.equal("an object");
    expect(describeJson(["hunter2"])).to.equal("a list");
    expect(describeJson(5)).to.equal("5");
    expect(describeJson(null)).to.equal("null");
    expect(describeJson("a\u202eb")).to.equal('"a\\u202eb"');
  });
});
