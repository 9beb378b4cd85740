/**
 * Protocol Buffers wire encoding of the two messages the guard sends per resource (AnalyzeRequest and
 * one AnalyzerResource record of AnalyzeStackRequest), written straight from the plan's values.
 *
 * Why not google-protobuf's classes: building a `Struct` object tree per resource, then serializing it,
 * was most of the guard's own CPU on a 10,000-resource state, on a 2-core machine where the pack's
 * process needs the other core. The bytes are the ones google-protobuf writes (map entries in sorted key
 * order, proto3 defaults left out, a oneof member always written): test/guard/wireEncoding.test.ts holds
 * them equal to `serializeBinary()` of the same message built with the classes.
 *
 * Encoding rules: https://protobuf.dev/programming-guides/encoding/ (varints, length-delimited records,
 * "Maps" as repeated entry messages of key = 1 and value = 2). Field numbers: pulumi/proto
 * pulumi/analyzer.proto and google/protobuf/struct.proto.
 */

/** A growable byte buffer with the few primitives the messages below need. */
class Writer {
  private buffer = Buffer.allocUnsafe(4096);
  private length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
  }

  varint(value: number): void {
    this.reserve(10);
    while (value > 0x7f) {
      this.buffer[this.length++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buffer[this.length++] = value;
  }

  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  double(field: number, value: number): void {
    this.tag(field, 1);
    this.reserve(8);
    if (Number.isNaN(value)) {
      // The NaN google-protobuf writes (its writer spells NaN as these bits), so bytes stay equal.
      this.buffer.writeUInt32LE(0xffffffff, this.length);
      this.buffer.writeUInt32LE(0x7fffffff, this.length + 4);
    } else {
      this.buffer.writeDoubleLE(value, this.length);
    }
    this.length += 8;
  }

  bool(field: number, value: boolean): void {
    this.tag(field, 0);
    this.varint(value ? 1 : 0);
  }

  string(field: number, value: string): void {
    this.tag(field, 2);
    const bytes = Buffer.byteLength(value, "utf8");
    this.varint(bytes);
    this.reserve(bytes);
    this.length += this.buffer.write(value, this.length, "utf8");
  }

  /** A length-delimited submessage written by `body`; its length is patched in once it is known. */
  message(field: number, body: () => void): void {
    this.tag(field, 2);
    // Most submessages are short: reserve one length byte, and move the body when it needs more.
    this.reserve(1);
    const at = this.length++;
    body();
    const size = this.length - at - 1;
    if (size < 0x80) {
      this.buffer[at] = size;
      return;
    }
    let lengthBytes = 0;
    for (let rest = size; rest > 0; rest = Math.floor(rest / 128)) {
      lengthBytes++;
    }
    this.reserve(lengthBytes - 1);
    this.buffer.copy(this.buffer, at + lengthBytes, at + 1, this.length);
    let rest = size;
    for (let i = 0; i < lengthBytes; i++) {
      this.buffer[at + i] = (rest & 0x7f) | (i < lengthBytes - 1 ? 0x80 : 0);
      rest = Math.floor(rest / 128);
    }
    this.length += lengthBytes - 1;
  }

  bytes(): Uint8Array {
    return Uint8Array.prototype.slice.call(this.buffer, 0, this.length);
  }
}

/** What google.protobuf.Struct can carry (the properties after the analyzer marshalling). */
export type StructValue = null | boolean | number | string | StructValue[] | { [key: string]: StructValue };

/** google.protobuf.Struct: `map<string, Value> fields = 1`. */
function writeStruct(writer: Writer, object: Readonly<Record<string, unknown>>): void {
  for (const key of Object.keys(object).sort()) {
    if (object[key] === undefined) {
      continue; // Struct has no undefined: the engine leaves unset properties out.
    }
    writer.message(1, () => {
      writer.string(1, key);
      writer.message(2, () => writeValue(writer, object[key], key));
    });
  }
}

/** google.protobuf.Value's oneof: null 1, number 2, string 3, bool 4, struct 5, list 6. */
function writeValue(writer: Writer, value: unknown, where: string): void {
  switch (typeof value) {
    case "string":
      writer.string(3, value);
      return;
    case "number":
      writer.double(2, value);
      return;
    case "boolean":
      writer.bool(4, value);
      return;
    case "object":
      if (value === null) {
        writer.tag(1, 0);
        writer.varint(0);
      } else if (Array.isArray(value)) {
        writer.message(6, () => {
          for (const item of value) {
            // A list keeps its positions: an undefined element is null.
            writer.message(1, () => writeValue(writer, item === undefined ? null : item, where));
          }
        });
      } else {
        writer.message(5, () => writeStruct(writer, value as Record<string, unknown>));
      }
      return;
    default:
      // Struct.fromJavaScript refuses these too ("Unexpected struct type").
      throw new TypeError(`property ${where}: a ${typeof value} has no google.protobuf.Value form`);
  }
}

/** The fields every resource message shares (AnalyzeRequest and AnalyzerResource number them alike). */
export interface ResourceFields {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  /** Already marshalled for the analyzer; undefined values are left out (in a list: null). */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly protect: boolean;
  readonly parent?: string;
}

/** AnalyzerResourceOptions: protect = 1, parent = 8 (the only options the guard knows). */
function writeOptions(writer: Writer, fields: ResourceFields): void {
  writer.message(5, () => {
    if (fields.protect) {
      writer.bool(1, true);
    }
    if (fields.parent !== undefined && fields.parent !== "") {
      writer.string(8, fields.parent);
    }
  });
}

function writeCommon(writer: Writer, fields: ResourceFields): void {
  if (fields.type !== "") {
    writer.string(1, fields.type);
  }
  writer.message(2, () => writeStruct(writer, fields.properties));
  if (fields.urn !== "") {
    writer.string(3, fields.urn);
  }
  if (fields.name !== "") {
    writer.string(4, fields.name);
  }
  writeOptions(writer, fields);
}

/** AnalyzeRequest: type 1, properties 2, urn 3, name 4, options 5. */
export function encodeAnalyzeRequest(fields: ResourceFields): Uint8Array {
  const writer = new Writer();
  writeCommon(writer, fields);
  return writer.bytes();
}

/**
 * One `resources = 1` record of AnalyzeStackRequest: an AnalyzerResource (the common fields, parent 7,
 * dependencies 8, propertyDependencies 9 as a map of AnalyzerPropertyDependencies { urns = 1 }).
 */
export function encodeAnalyzeStackRecord(
  fields: ResourceFields,
  dependencies: readonly string[],
  propertyDependencies: Readonly<Record<string, readonly string[]>>,
): Uint8Array {
  const writer = new Writer();
  writer.message(1, () => {
    writeCommon(writer, fields);
    if (fields.parent !== undefined && fields.parent !== "") {
      writer.string(7, fields.parent);
    }
    for (const dependency of dependencies) {
      writer.string(8, dependency);
    }
    for (const property of Object.keys(propertyDependencies).sort()) {
      writer.message(9, () => {
        writer.string(1, property);
        writer.message(2, () => {
          for (const urn of propertyDependencies[property]) {
            writer.string(1, urn);
          }
        });
      });
    }
  });
  return writer.bytes();
}
