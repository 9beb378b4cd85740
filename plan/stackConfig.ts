/**
 * Reads a stack's configuration (`Pulumi.<stack>.yaml`) the way the Pulumi CLI hands it to a
 * program: full keys (`namespace:key`; a bare key belongs to the project), structured values as
 * JSON text, scalars as text.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { UserError } from "../common/userError";

export class StackConfigError extends UserError {}

export const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

function readYaml(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StackConfigError(
      code === "ENOENT" ? `${what}: ${path} does not exist` : `${what}: cannot read ${path} (${code})`,
    );
  }
  try {
    return parse(text);
  } catch (err) {
    throw new StackConfigError(
      `${what}: ${path} is not valid YAML: ${(err as Error).message.split("\n")[0]}`,
    );
  }
}

/** The project name from `Pulumi.yaml`. */
export function readProjectName(projectDir: string): string {
  const project = readYaml(join(projectDir, "Pulumi.yaml"), "project") as { name?: unknown } | null;
  if (typeof project?.name !== "string") {
    throw new StackConfigError(`project: ${join(projectDir, "Pulumi.yaml")} has no name`);
  }
  return project.name;
}

/**
 * The `config:` map of `Pulumi.<stack>.yaml`, values as written (objects stay objects), keys
 * qualified with the project name where they have no namespace.
 */
export function loadStackConfig(stack: string, projectDir = process.cwd()): Record<string, unknown> {
  if (!STACK_NAME.test(stack)) {
    throw new StackConfigError(`--stack: ${JSON.stringify(stack)} is not a stack name (A-Z a-z 0-9 _ . -)`);
  }
  const project = readProjectName(projectDir);
  const file = join(projectDir, `Pulumi.${stack}.yaml`);
  const document = readYaml(file, `stack ${stack}`) as { config?: unknown } | null;
  const config = document?.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new StackConfigError(`stack ${stack}: ${file} has a config: that is not a map`);
  }
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === "object" && value !== null && "secure" in value) {
      // Secrets are encrypted with the stack's secrets provider, which only the Pulumi CLI can open.
      throw new StackConfigError(
        `${key}: is a secure value; the offline plan cannot decrypt it, set it in plain text for offline runs`,
      );
    }
    result[key.includes(":") ? key : `${project}:${key}`] = value;
  }
  return result;
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
