/**
 * Policy config in the shape of `pulumi preview --policy-pack-config FILE`:
 *   { "all": "advisory", "<policy>": "mandatory", "<policy>": { "enforcementLevel": "...", "<prop>": ... } }
 * checked against the schemas the pack reports in GetAnalyzerInfo and completed with their defaults,
 * as the engine does before it calls Configure.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { UserError } from "../common/userError";
import {
  AnalyzerInfo,
  ConfigureAnalyzerRequest,
  EnforcementLevel,
  PolicyConfig,
} from "@pulumi/pulumi/proto/analyzer_pb";

/** A policy config the pack's schemas refuse: the user's to fix. */
export class PolicyConfigError extends UserError {}

export type EnforcementLevelName = "advisory" | "mandatory" | "remediate" | "disabled";

const LEVELS: Record<EnforcementLevelName, EnforcementLevel> = {
  advisory: EnforcementLevel.ADVISORY,
  mandatory: EnforcementLevel.MANDATORY,
  remediate: EnforcementLevel.REMEDIATE,
  disabled: EnforcementLevel.DISABLED,
};

export function levelName(level: EnforcementLevel): EnforcementLevelName {
  const entry = Object.entries(LEVELS).find(([, value]) => value === level);
  if (entry === undefined) {
    throw new Error(`enforcement level ${level} is not one of ${Object.keys(LEVELS).join(", ")}`);
  }
  return entry[0] as EnforcementLevelName;
}

function parseLevel(where: string, value: unknown): EnforcementLevelName {
  if (typeof value === "string" && value in LEVELS) {
    return value as EnforcementLevelName;
  }
  throw new PolicyConfigError(
    `${where}: ${JSON.stringify(value)} is not one of ${Object.keys(LEVELS).join(", ")}`,
  );
}

interface JsonSchema {
  type?: string;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  default?: unknown;
}

/** Builds the Configure request: every policy of the pack, with its level and complete properties. */
export function buildConfigureRequest(
  info: AnalyzerInfo,
  config: Record<string, unknown>,
): ConfigureAnalyzerRequest {
  const policies = new Map(info.getPoliciesList().map((p) => [p.getName(), p]));
  for (const key of Object.keys(config)) {
    if (key !== "all" && !policies.has(key)) {
      throw new PolicyConfigError(
        `policy config "${key}": pack ${info.getName()} has no such policy (it has ${[...policies.keys()].join(", ")})`,
      );
    }
  }
  const all = config.all === undefined ? undefined : parseLevel(`policy config "all"`, config.all);
  const request = new ConfigureAnalyzerRequest();
  for (const [name, policy] of policies) {
    const schema = (policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<
      string,
      JsonSchema
    >;
    const entry = config[name];
    let level = all ?? levelName(policy.getEnforcementlevel());
    const properties: Record<string, unknown> = {};
    for (const [property, propertySchema] of Object.entries(schema)) {
      if (propertySchema.default !== undefined) {
        properties[property] = propertySchema.default;
      }
    }
    if (typeof entry === "string") {
      level = parseLevel(`policy config "${name}"`, entry);
    } else if (typeof entry === "object" && entry !== null && !Array.isArray(entry)) {
      for (const [property, value] of Object.entries(entry)) {
        if (property === "enforcementLevel") {
          level = parseLevel(`policy config "${name}".enforcementLevel`, value);
          continue;
        }
        const propertySchema = schema[property];
        if (propertySchema === undefined) {
          throw new PolicyConfigError(
            `policy config "${name}".${property}: not a setting of this policy (settings: ${Object.keys(schema).join(", ") || "none"})`,
          );
        }
        checkValue(`policy config "${name}".${property}`, value, propertySchema);
        properties[property] = value;
      }
    } else if (entry !== undefined) {
      throw new PolicyConfigError(
        `policy config "${name}": ${JSON.stringify(entry)} is neither an enforcement level nor an object`,
      );
    }
    const policyConfig = new PolicyConfig();
    policyConfig.setEnforcementlevel(LEVELS[level]);
    policyConfig.setProperties(Struct.fromJavaScript(properties as Record<string, never>));
    request.getPolicyconfigMap().set(name, policyConfig);
  }
  return request;
}

function checkValue(where: string, value: unknown, schema: JsonSchema): void {
  const fail = (expected: string): never => {
    throw new PolicyConfigError(`${where}: ${JSON.stringify(value)} is not ${expected}`);
  };
  switch (schema.type) {
    case "string":
      if (typeof value !== "string") fail("a string");
      break;
    case "boolean":
      if (typeof value !== "boolean") fail("a boolean");
      break;
    case "integer":
      if (!Number.isInteger(value)) fail("an integer");
      break;
    case "number":
      if (typeof value !== "number") fail("a number");
      break;
    case "array":
      if (!Array.isArray(value)) fail("an array");
      (value as unknown[]).forEach((item, i) => checkValue(`${where}[${i}]`, item, schema.items ?? {}));
      break;
    default:
      break;
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`at most ${schema.maximum}`);
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    fail(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  }
}
