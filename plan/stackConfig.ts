/**
 * Reads a stack's configuration (`Pulumi.yaml`'s project defaults, then `Pulumi.<stack>.yaml`) the
 * way the Pulumi CLI hands it to a program: full keys (`namespace:key`; a bare key belongs to the project), structured values as
 * JSON text, scalars as text.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { displayValue, shorten } from "../common/display";
import { UserError } from "../common/userError";
import { displayPath, readUserFile, UserFileError } from "../common/userFile";

export class StackConfigError extends UserError {}

export const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** The largest Pulumi.yaml or stack config file read: real ones are a few kilobytes. */
const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024;

/**
 * A YAML file of the user's, bounded (common/userFile.ts) and parsed with a cap on alias expansion: an
 * alias bomb ("billion laughs", YAML 1.2 section 3.2.2.2's aliases nested in aliases) is refused instead
 * of expanded into gigabytes of config values.
 */
export function readYaml(path: string, what: string): unknown {
  let text: string;
  try {
    text = readUserFile(path, { flag: what, maxBytes: MAX_CONFIG_FILE_BYTES });
  } catch (err) {
    throw err instanceof UserFileError ? new StackConfigError(err.message) : err;
  }
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    throw new StackConfigError(
      `${what}: ${displayPath(path)} is not valid YAML: ${shorten((err as Error).message.split("\n")[0])}`,
    );
  }
  // Few aliases of one large value stay under the alias count, yet expand to gigabytes once each value
  // is serialised for the program (PULUMI_CONFIG): the expanded document is held to the file's bound.
  if (expandsBeyond(document, MAX_CONFIG_FILE_BYTES)) {
    throw new StackConfigError(
      `${what}: ${displayPath(path)} expands through YAML aliases to more than the ${MAX_CONFIG_FILE_BYTES} characters accepted`,
    );
  }
  return document;
}

/**
 * Whether a parsed document, with every alias expanded, is longer than `max` characters (strings by
 * their length, any other node counted as a few characters). Iterative, and it stops at the bound:
 * the expansion is never built.
 */
function expandsBeyond(document: unknown, max: number): boolean {
  let size = 0;
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === "string") {
      size += item.length + 2;
    } else if (Array.isArray(item)) {
      size += 2;
      stack.push(...item);
    } else if (typeof item === "object" && item !== null) {
      size += 2;
      for (const [key, value] of Object.entries(item)) {
        size += key.length + 4;
        stack.push(value);
      }
    } else {
      size += 8;
    }
    if (size > max) {
      return true;
    }
  }
  return false;
}

/**
 * The most alias expansions in one YAML document (the yaml package's maxAliasCount; its default is 100):
 * enough for the anchors a hand-written config uses, refusing exponential expansion.
 */
const MAX_YAML_ALIASES = 100;

/** The project name from `Pulumi.yaml`. */
export function readProjectName(projectDir: string): string {
  const project = readYaml(join(projectDir, "Pulumi.yaml"), "project") as { name?: unknown } | null;
  if (typeof project?.name !== "string") {
    throw new StackConfigError(`project: ${join(projectDir, "Pulumi.yaml")} has no name`);
  }
  return project.name;
}

export interface StackConfigOptions {
  /**
   * Read the stack's config from this file instead of `Pulumi.<stack>.yaml` (the Pulumi CLI's
   * `--config-file`). It must exist.
   */
  configFile?: string;
}

/**
 * The stack's config as the Pulumi CLI hands it to a program: the project's `config:` defaults from
 * `Pulumi.yaml` (a key's `default`, or a bare value), then the stack file's `config:` map over them.
 * The stack file is `Pulumi.<stack>.yaml` in the project's `stackConfigDir` (default: the project
 * folder), or `options.configFile`; a stack without a stack file has only the project's defaults, as
 * `pulumi preview` runs a stack nobody configured yet. Values stay as written (objects stay objects);
 * keys without a namespace are the project's.
 */
export function loadStackConfig(
  stack: string,
  projectDir = process.cwd(),
  options: StackConfigOptions = {},
): Record<string, unknown> {
  if (!STACK_NAME.test(stack)) {
    throw new StackConfigError(`--stack: ${displayValue(stack)} is not a stack name (A-Z a-z 0-9 _ . -)`);
  }
  const projectFile = join(projectDir, "Pulumi.yaml");
  const project = readYaml(projectFile, "project") as Record<string, unknown> | null;
  if (typeof project?.name !== "string") {
    throw new StackConfigError(`project: ${projectFile} has no name`);
  }
  const projectName = project.name;
  const qualify = (key: string): string => (key.includes(":") ? key : `${projectName}:${key}`);
  const result: Record<string, unknown> = {};
  const defaults = project.config ?? {};
  if (typeof defaults !== "object" || defaults === null || Array.isArray(defaults)) {
    throw new StackConfigError(`project: ${projectFile} has a config: that is not a map`);
  }
  for (const [key, declared] of Object.entries(defaults)) {
    // A project config entry is a declaration ({ type, default, description, secret }), a project-wide
    // value ({ value }), or a bare value (Pulumi docs, "Project file reference", config).
    const value = isDeclaration(declared) ? (declared.value ?? declared.default) : declared;
    if (value !== undefined) {
      result[qualify(key)] = value;
    }
  }
  let file: string;
  if (options.configFile !== undefined) {
    file = options.configFile;
  } else {
    const dir =
      typeof project.stackConfigDir === "string" ? resolve(projectDir, project.stackConfigDir) : projectDir;
    file = join(dir, `Pulumi.${stack}.yaml`);
    if (!existsSync(file)) {
      return result;
    }
  }
  const document = readYaml(file, options.configFile !== undefined ? "--config-file" : `stack ${stack}`) as {
    config?: unknown;
  } | null;
  const config = document?.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new StackConfigError(`stack ${stack}: ${file} has a config: that is not a map`);
  }
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === "object" && value !== null && "secure" in value) {
      // Secrets are encrypted with the stack's secrets provider, which only the Pulumi CLI can open.
      throw new StackConfigError(
        `${key}: is a secure value; the offline plan cannot decrypt it, set it in plain text for offline runs`,
      );
    }
    result[qualify(key)] = value;
  }
  return result;
}

/** A project config declaration: an object with only the keys Pulumi.yaml's schema allows there. */
function isDeclaration(value: unknown): value is { default?: unknown; value?: unknown } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return (
    keys.length > 0 &&
    keys.every((key) => ["type", "default", "description", "secret", "items", "value"].includes(key))
  );
}

/** Config values as the CLI passes them to a program: structured values as JSON text, scalars as text. */
export function toRuntimeConfig(config: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined || value === null) {
      continue;
    }
    result[key] = typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  return result;
}
