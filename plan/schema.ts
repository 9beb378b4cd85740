/**
 * The shapes of a provider's functions and resources, read from the program's own copy of the
 * provider's Node SDK (`@pulumi/<package>`, generated from the provider's schema): a function's result
 * interface (`iam/getRole.d.ts`, `GetRoleResult`) and a resource's output properties (`randomString.d.ts`,
 * `class RandomString`, `readonly result: pulumi.Output<string>`). The plan engine uses them to give an
 * invoke nothing can answer a value of the right shape, and to name the computed outputs of a resource
 * no model computes.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

/** A property's type as far as the plan needs it. */
export type PropertyKind = "string" | "number" | "boolean" | "array" | "object";

export interface PropertyShape {
  name: string;
  kind: PropertyKind;
  optional: boolean;
}

/** `pkg:module/member:Name` split into the package, its module file and the member's name. */
export function parseToken(
  token: string,
): { pkg: string; module: string; member: string; name: string } | undefined {
  const match = /^([^:]+):([^:]+):([^:]+)$/.exec(token);
  if (match === null) {
    return undefined;
  }
  const [, pkg, modulePath, name] = match;
  const slash = modulePath.lastIndexOf("/");
  const module = slash < 0 ? modulePath : modulePath.slice(0, slash);
  // `command:local:Command` names no member file: the SDK's file is the type's name, camelCased.
  const member = slash < 0 ? `${name[0].toLowerCase()}${name.slice(1)}` : modulePath.slice(slash + 1);
  return { pkg, module, member, name };
}

/** Reads shapes from the SDKs a program folder resolves (its node_modules, then upwards). */
export class SchemaReader {
  private readonly packageDirs = new Map<string, string | undefined>();
  private readonly files = new Map<string, string | undefined>();

  /** `from`: the program's folder, whence `@pulumi/<package>` resolves as the program resolves it. */
  constructor(private readonly from: string) {}

  /** The fields of a function's result (`GetRoleResult`), or undefined when the SDK is not there. */
  functionResult(token: string): PropertyShape[] | undefined {
    const parsed = parseToken(token);
    if (parsed === undefined) {
      return undefined;
    }
    const text = this.sdkFile(parsed.pkg, parsed.module, parsed.member);
    const interfaceName = `${parsed.name[0].toUpperCase()}${parsed.name.slice(1)}Result`;
    return text === undefined
      ? undefined
      : block(text, `export interface ${interfaceName} {`, /^\s{4}readonly (\w+)(\??): (.+?);?$/);
  }

  /** The output properties of a resource class (`readonly x: pulumi.Output<T>`). */
  resourceOutputs(type: string): PropertyShape[] | undefined {
    const parsed = parseToken(type);
    if (parsed === undefined) {
      return undefined;
    }
    const text = this.sdkFile(parsed.pkg, parsed.module, parsed.member);
    if (text === undefined) {
      return undefined;
    }
    return block(
      text,
      `export declare class ${parsed.name} `,
      /^\s{4}readonly (\w+)(!?): pulumi\.Output<(.+?)(?:>;)?$/,
    )?.filter((shape) => shape.name !== "urn" && shape.name !== "id");
  }

  private sdkFile(pkg: string, module: string, member: string): string | undefined {
    const dir = this.packageDir(pkg);
    if (dir === undefined) {
      return undefined;
    }
    const file = path.join(dir, module === "index" ? "" : module, `${member}.d.ts`);
    if (!this.files.has(file)) {
      let text: string | undefined;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        text = undefined;
      }
      this.files.set(file, text);
    }
    return this.files.get(file);
  }

  private packageDir(pkg: string): string | undefined {
    if (!this.packageDirs.has(pkg)) {
      let dir: string | undefined;
      try {
        dir = path.dirname(require.resolve(`@pulumi/${pkg}/package.json`, { paths: [this.from] }));
      } catch {
        dir = undefined;
      }
      this.packageDirs.set(pkg, dir);
    }
    return this.packageDirs.get(pkg);
  }
}

/** The properties of the declaration opening with `opening`, one per `readonly` line at its top level. */
function block(text: string, opening: string, line: RegExp): PropertyShape[] | undefined {
  const start = text.indexOf(opening);
  if (start < 0) {
    return undefined;
  }
  const shapes: PropertyShape[] = [];
  const lines = text.slice(start).split("\n");
  for (const raw of lines.slice(1)) {
    if (raw.startsWith("}")) {
      break;
    }
    const match = line.exec(raw);
    if (match !== null) {
      // `x?: T` in a result, `Output<T | undefined>` for a resource: a value the provider may leave unset.
      shapes.push({
        name: match[1],
        kind: kindOf(match[3]),
        optional: match[2] === "?" || /\|\s*undefined\s*$/.test(match[3]),
      });
    }
  }
  return shapes;
}

function kindOf(type: string): PropertyKind {
  const t = type.replace(/\s*\|\s*undefined$/, "").trim();
  if (t.endsWith("[]") || t.startsWith("Array<")) {
    return "array";
  }
  if (t === "string") {
    return "string";
  }
  if (t === "number") {
    return "number";
  }
  if (t === "boolean") {
    return "boolean";
  }
  if (t.startsWith("{") || t.startsWith("outputs.") || t === "any") {
    return "object";
  }
  // Enums and other string unions are strings on the wire.
  return "string";
}
