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
import { describeJson } from "../common/display";

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

/**
 * Builds the Configure request as the engine reconciles a pack's config (pulumi/pulumi
 * pkg/resource/analyzer/config.go ReconcilePolicyPackConfig): each policy's own level and its schema's
 * defaults, then the pack's `initialConfig` (what `new PolicyPack(name, args, initialConfig)` declares,
 * sent in GetAnalyzerInfo), then the config file; in each, `all` sets every policy's level before the
 * entries for single policies apply.
 */
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
  const result = new Map<string, { level: EnforcementLevelName; properties: Record<string, unknown> }>();
  const schemas = new Map<string, Record<string, JsonSchema>>();
  for (const [name, policy] of policies) {
    const schema = (policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<
      string,
      JsonSchema
    >;
    schemas.set(name, schema);
    const properties: Record<string, unknown> = {};
    for (const [property, propertySchema] of Object.entries(schema)) {
      if (propertySchema.default !== undefined) {
        properties[property] = propertySchema.default;
      }
    }
    result.set(name, { level: levelName(policy.getEnforcementlevel()), properties });
  }
  // The pack's initial config: as the engine converts it, an entry's level is the one it carries (a
  // PolicyConfig without one reads as advisory, the enum's zero).
  const initial = info.getInitialconfigMap();
  const initialAll = initial.get("all");
  if (initialAll !== undefined) {
    for (const entry of result.values()) {
      entry.level = levelName(initialAll.getEnforcementlevel());
    }
  }
  initial.forEach((policyConfig, name) => {
    const entry = result.get(name);
    if (name === "all" || entry === undefined) {
      return;
    }
    entry.level = levelName(policyConfig.getEnforcementlevel());
    Object.assign(entry.properties, policyConfig.getProperties()?.toJavaScript() ?? {});
  });
  if (config.all !== undefined) {
    const all = parseLevel(`policy config "all"`, config.all);
    for (const entry of result.values()) {
      entry.level = all;
    }
  }
  for (const [name, entry] of result) {
    const given = config[name];
    const schema = schemas.get(name) ?? {};
    if (typeof given === "string") {
      entry.level = parseLevel(`policy config "${name}"`, given);
    } else if (typeof given === "object" && given !== null && !Array.isArray(given)) {
      for (const [property, value] of Object.entries(given)) {
        if (property === "enforcementLevel") {
          entry.level = parseLevel(`policy config "${name}".enforcementLevel`, value);
          continue;
        }
        const propertySchema = schema[property];
        if (propertySchema === undefined) {
          throw new PolicyConfigError(
            `policy config "${name}".${property}: not a setting of this policy (settings: ${Object.keys(schema).join(", ") || "none"})`,
          );
        }
        checkValue(`policy config "${name}".${property}`, value, propertySchema);
        entry.properties[property] = value;
      }
    } else if (given !== undefined) {
      throw new PolicyConfigError(
        `policy config "${name}": ${JSON.stringify(given)} is neither an enforcement level nor an object`,
      );
    }
  }
  const request = new ConfigureAnalyzerRequest();
  for (const [name, entry] of result) {
    const policyConfig = new PolicyConfig();
    policyConfig.setEnforcementlevel(LEVELS[entry.level]);
    policyConfig.setProperties(Struct.fromJavaScript(entry.properties as Record<string, never>));
    request.getPolicyconfigMap().set(name, policyConfig);
  }
  return request;
}

function checkValue(where: string, value: unknown, schema: JsonSchema): void {
  const fail = (expected: string): never => {
    throw new PolicyConfigError(`${where}: ${describeJson(value)} is not ${expected}`);
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
