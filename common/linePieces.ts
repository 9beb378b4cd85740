/**
 * Lines handed over a megabyte at a time: `writeLine` gets several lines joined by "\n" and puts the line
 * end after them (as Io.stdout does), so the bytes are those of `lines.join("\n")` written in one call,
 * without the whole text ever being one string (at account scale it can be longer than V8 holds).
 */
export function writeLinesInPieces(
  lines: Iterable<string>,
  writeLine: (text: string) => void,
  options: { readonly chunkChars?: number } = {},
): void {
  const chunkChars = options.chunkChars ?? 1 << 20;
  // Lines gathered and not yet handed over (undefined: none, which is not the same as one empty line).
  let buffer: string | undefined;
  let wrote = false;
  for (const line of lines) {
    buffer = buffer === undefined ? line : `${buffer}\n${line}`;
    if (buffer.length >= chunkChars) {
      writeLine(buffer);
      buffer = undefined;
      wrote = true;
    }
  }
  // No lines at all are the empty text, which still ends with a line end, as writeLine("") does.
  if (buffer !== undefined || !wrote) {
    writeLine(buffer ?? "");
  }
}
