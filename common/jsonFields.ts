/**
 * Reads the fields of a JSON command output (what the AWS CLI prints), naming the file and the path of a
 * field that is wrong in one line (field, value through common/display.ts, what was expected). Shared by
 * the account data's reader (access/accountData/read.ts) and the policy sources that read their part of it
 * (sandbox/deploy/policySources/).
 */
import { displayValue } from "./display";

/** A JSON object, as a record; anything else is undefined. */
export function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Reads one field of a command's output, naming the file and the path of the field when it is wrong. */
export class JsonFields {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly value: Record<string, unknown>,
    /** The error for a wrong field of `file`: the caller's own (a UserError naming its flag). */
    readonly errorOf: (file: string, message: string) => Error,
  ) {}

  private fail(field: string, expected: string): never {
    const got = this.value[field];
    const shown =
      got === undefined
        ? "it is missing"
        : typeof got === "string"
          ? `got ${displayValue(got)}`
          : `got ${Array.isArray(got) ? "a list" : got === null ? "null" : typeof got}`;
    throw this.errorOf(this.file, `${this.where}${field}: expected ${expected}, ${shown}`);
  }

  string(field: string, pattern?: RegExp, expected = "a string"): string {
    const value = this.value[field];
    if (typeof value !== "string" || (pattern !== undefined && !pattern.test(value))) {
      this.fail(field, expected);
    }
    return value;
  }

  optionalString(field: string): string | undefined {
    return this.value[field] === undefined || this.value[field] === null ? undefined : this.string(field);
  }

  list(field: string, optional = true): unknown[] {
    const value = this.value[field];
    if (value === undefined && optional) {
      return [];
    }
    if (!Array.isArray(value)) {
      this.fail(field, "a list");
    }
    return value;
  }

  /** Each entry of a list that must be objects, as Fields. */
  objects(field: string): JsonFields[] {
    return this.list(field).map((item, index) => {
      const record = objectOf(item);
      if (record === undefined) {
        throw this.errorOf(this.file, `${this.where}${field}[${index}]: expected an object`);
      }
      return new JsonFields(this.file, `${this.where}${field}[${index}].`, record, this.errorOf);
    });
  }

  object(field: string): JsonFields | undefined {
    const value = this.value[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    const record = objectOf(value);
    if (record === undefined) {
      this.fail(field, "an object");
    }
    return new JsonFields(this.file, `${this.where}${field}.`, record, this.errorOf);
  }

  stringList(field: string): string[] {
    return this.list(field).map((item, index) => {
      if (typeof item !== "string") {
        throw this.errorOf(this.file, `${this.where}${field}[${index}]: expected a string`);
      }
      return item;
    });
  }

  stringMap(field: string): Record<string, string> | undefined {
    const record = this.object(field);
    if (record === undefined) {
      return undefined;
    }
    for (const key of Object.keys(record.value)) {
      record.string(key);
    }
    return record.value as Record<string, string>;
  }

  /**
   * A policy document as JSON text. The AWS CLI prints IAM's documents decoded, as JSON objects; IAM's API
   * answers them URL-encoded (RFC 3986: IAM API reference, GetAccountAuthorizationDetails, "Policies
   * returned by this operation are URL-encoded"); KMS and Organizations answer JSON text. All three are
   * accepted.
   */
  document(field: string): string {
    const value = this.value[field];
    if (objectOf(value) !== undefined) {
      return JSON.stringify(value);
    }
    if (typeof value === "string") {
      for (const candidate of [value, decodedOrUndefined(value)]) {
        if (candidate !== undefined && objectOf(parsedOrUndefined(candidate)) !== undefined) {
          return candidate;
        }
      }
    }
    return this.fail(field, "a policy document (a JSON object, or its JSON text, URL-encoded or not)");
  }
}

function decodedOrUndefined(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
