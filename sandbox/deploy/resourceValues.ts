/**
 * Reading a deployed resource's values as the AWS provider receives them: a resource passed as an input
 * (`role: role`) is a resource reference, which the engine sends to a provider that takes no references
 * as the resource's ID (a component's as its URN); a policy document given as an object is serialized by
 * the provider; a value not known until deployment is the engine's unknown marker, which nothing here
 * guesses at.
 */
import { containsUnknown, RESOURCE_REFERENCE_SIG, SPECIAL_SIG_KEY } from "../../plan/values";
import type { DeployedResource } from "./deployment";

/** A value the model needs is unknown until deployment: its resource is set aside and reported. */
export class UnknownValueError extends Error {
  constructor(
    readonly urn: string,
    readonly path: string,
  ) {
    super(`${urn}: ${path} is not known until deployment`);
    this.name = "UnknownValueError";
  }
}

/** Whether a value is unknown, or a string built from an unknown one (it carries the marker). */
export function isUnknownValue(value: unknown): boolean {
  return typeof value === "string" && containsUnknown(value);
}

/** The first path under `path` whose value is unknown, or undefined. */
export function unknownPathIn(value: unknown, path: string): string | undefined {
  if (isUnknownValue(value)) {
    return path;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unknownPathIn(item, `${path}[${index}]`);
      if (found !== undefined) {
        return found;
      }
    }
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = unknownPathIn(item, `${path}.${key}`);
      if (found !== undefined) {
        return found;
      }
    }
  }
  return undefined;
}

export interface ResourceReference {
  readonly urn: string;
  readonly id?: string;
}

export function isResourceReference(value: unknown): value is ResourceReference {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === RESOURCE_REFERENCE_SIG &&
    typeof (value as Record<string, unknown>).urn === "string"
  );
}

/**
 * The values of a deployment's resources as the provider would read them, with resource references
 * resolved against the deployment itself.
 */
export class ResourceValues {
  private readonly byUrn: Map<string, DeployedResource>;

  constructor(resources: readonly DeployedResource[]) {
    this.byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  }

  /** The resource a URN names, if the deployment has it. */
  resource(urn: string): DeployedResource | undefined {
    return this.byUrn.get(urn);
  }

  /**
   * The value of an input (or, with `side` "outputs", of an output, inputs underneath) with resource
   * references replaced by what the engine sends a provider: a custom resource's ID, a component's URN.
   * Throws UnknownValueError when the value holds an unknown.
   */
  value(resource: DeployedResource, side: "inputs" | "outputs", name: string): unknown {
    const raw = side === "inputs" ? resource.inputs[name] : { ...resource.inputs, ...resource.outputs }[name];
    if (raw === undefined && side === "outputs" && resource.custom && resource.id === undefined) {
      // A preview: the provider has not created the resource, so what it computes (an ARN, a unique id)
      // is not in the plan at all (`pulumi preview` shows no id and no computed outputs).
      throw new UnknownValueError(resource.urn, `outputs.${name} (computed when the resource is created)`);
    }
    const resolved = this.resolve(raw);
    const unknown = unknownPathIn(resolved, `${side}.${name}`);
    if (unknown !== undefined) {
      throw new UnknownValueError(resource.urn, unknown);
    }
    return resolved;
  }

  /** A non-empty string value, or undefined when absent; throws UnknownValueError for an unknown one. */
  optionalString(resource: DeployedResource, side: "inputs" | "outputs", name: string): string | undefined {
    const value = this.value(resource, side, name);
    return typeof value === "string" && value !== "" ? value : undefined;
  }

  /** A non-empty string value; throws naming the resource and the field when it is not one. */
  string(resource: DeployedResource, side: "inputs" | "outputs", name: string): string {
    const value = this.value(resource, side, name);
    if (typeof value !== "string" || value === "") {
      throw new Error(
        `${resource.urn}: ${side}.${name} is ${JSON.stringify(value)}, expected a non-empty string`,
      );
    }
    return value;
  }

  /**
   * A resource's physical name: the `name` input the program (or the provider's auto-naming, which puts it
   * among the inputs at Check) gave it, else the name the provider reported, else its ID.
   */
  physicalName(resource: DeployedResource, property = "name"): string {
    const name =
      this.optionalString(resource, "inputs", property) ??
      this.optionalString(resource, "outputs", property) ??
      (resource.id !== undefined && !isUnknownValue(resource.id) && resource.id !== ""
        ? resource.id
        : undefined);
    if (name === undefined) {
      if (isUnknownValue(resource.id)) {
        throw new UnknownValueError(resource.urn, "id");
      }
      throw new Error(`${resource.urn}: has no ${property} among its inputs or outputs and no id`);
    }
    return name;
  }

  /**
   * A policy document input as the provider sends it to AWS: a string as given; an object serialized
   * as the Pulumi AWS provider does it (pulumi-terraform-bridge, `TransformJSONDocument`: Go's
   * `json.Marshal`, which sorts object keys and escapes <, > and &).
   */
  document(resource: DeployedResource, name: string): string {
    const value = this.value(resource, "inputs", name);
    if (typeof value === "string" && value !== "") {
      return value;
    }
    if (typeof value === "object" && value !== null) {
      return providerJson(value);
    }
    throw new Error(
      `${resource.urn}: inputs.${name} is ${JSON.stringify(value)}, expected a policy document`,
    );
  }

  private resolve(value: unknown): unknown {
    if (isResourceReference(value)) {
      if (value.id !== undefined && value.id !== "") {
        return value.id;
      }
      const target = this.byUrn.get(value.urn);
      return target === undefined ? value.urn : target.custom ? (target.id ?? value.urn) : value.urn;
    }
    if (Array.isArray(value)) {
      return value.map((item) => this.resolve(item));
    }
    if (typeof value === "object" && value !== null) {
      const result: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        result[key] = this.resolve(item);
      }
      return result;
    }
    return value;
  }
}

/** JSON as Go's encoding/json writes a map: keys sorted, <, >, &, U+2028 and U+2029 escaped. */
export function providerJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(
    /[<>&\u2028\u2029]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
