/**
 * `JSON.stringify(value, null, 2)` handed over in pieces that end where a line ends: an access report at
 * account scale (millions of cells) is larger than the longest string V8 can hold, so it cannot be built
 * as one. Arrays longer than `bigArray` items, and the objects that hold them, are written item by item;
 * everything else is JSON.stringify's own text, indented where it sits. The bytes are JSON.stringify's:
 * the same keys in the same order, undefined and functions left out of objects and null in arrays.
 */
export function writeJsonLines(
  value: unknown,
  /** Called with text that ends where a line ends; the caller puts the line end after it (as Io.stdout does). */
  writeLine: (text: string) => void,
  options: { readonly bigArray?: number; readonly chunkChars?: number } = {},
): void {
  const bigArray = options.bigArray ?? 10_000;
  const chunkChars = options.chunkChars ?? 1 << 20;
  let buffer = "";
  const add = (text: string): void => {
    buffer += text;
    if (buffer.length >= chunkChars) {
      const end = buffer.lastIndexOf("\n");
      if (end >= 0) {
        writeLine(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
      }
    }
  };
  const holdsBigArray = (item: unknown): boolean =>
    Array.isArray(item)
      ? item.length > bigArray || item.some(holdsBigArray)
      : isPlainRecord(item) && Object.values(item).some(holdsBigArray);
  const emit = (item: unknown, indent: string): void => {
    if (!holdsBigArray(item)) {
      add((JSON.stringify(item, null, 2) ?? "null").replace(/\n/g, `\n${indent}`));
      return;
    }
    const inner = `${indent}  `;
    if (Array.isArray(item)) {
      add("[");
      item.forEach((element, index) => {
        add(`\n${inner}`);
        emit(skipped(element) ? null : element, inner);
        if (index < item.length - 1) {
          add(",");
        }
      });
      add(`\n${indent}]`);
      return;
    }
    const entries = Object.entries(item as Record<string, unknown>).filter(([, field]) => !skipped(field));
    add("{");
    entries.forEach(([key, field], index) => {
      add(`\n${inner}${JSON.stringify(key)}: `);
      emit(field, inner);
      if (index < entries.length - 1) {
        add(",");
      }
    });
    add(`\n${indent}}`);
  };
  emit(value, "");
  writeLine(buffer);
}

/** Values JSON.stringify leaves out of an object (and writes as null in an array). */
function skipped(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

/** An object JSON.stringify writes key by key: not an array, no toJSON of its own. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function"
  );
}
