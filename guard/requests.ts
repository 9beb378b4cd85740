/**
 * The Analyzer requests the Pulumi engine sends, built from an offline plan (plan/types.ts):
 * `Analyze` per resource with its inputs, before the step runs; `AnalyzeStack` once with every
 * resource's outputs, parent, dependencies and property dependencies. Property values stay in the
 * engine's wire form, marshalled as the engine marshals properties for analyzers (pulumi/pulumi
 * pkg/resource/plugin/analyzer_plugin.go: MarshalOptions KeepUnknowns, KeepSecrets, SkipInternalKeys, and
 * not KeepResources nor KeepOutputValues; pkg/resource/plugin/rpc.go): a preview's unknowns reach the
 * pack as the unknown sentinel and secrets as secret objects; a resource reference as its ID (the
 * unknown sentinel when its ID is not known yet), or its URN for a component, which has none; an output
 * value as its value (unknown when it has none), secret if it was; assets and archives as they are; and
 * top-level keys starting with `__` dropped.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
  AnalyzeRequest,
  AnalyzeStackRequest,
  AnalyzerPropertyDependencies,
  AnalyzerResource,
  AnalyzerResourceOptions,
} from "@pulumi/pulumi/proto/analyzer_pb";
import type { PlanResourceState } from "../plan/types";
import { encodeAnalyzeRequest, encodeAnalyzeStackRecord, type ResourceFields } from "./wireEncoding";
import { nameOfUrn } from "../plan/urn";
import {
  OUTPUT_VALUE_SIG,
  RESOURCE_REFERENCE_SIG,
  SECRET_SIG,
  SPECIAL_SIG_KEY,
  UNKNOWN_VALUE,
} from "../plan/values";

function toStruct(props: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(
    marshalForAnalyzer(withoutUndefined(props) as Record<string, unknown>) as Record<string, never>,
  );
}

/** A resource's properties as the engine marshals them for an analyzer (see the module comment). */
export function marshalForAnalyzer(props: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    // SkipInternalKeys applies to the top level only (rpc.go MarshalProperties).
    if (!key.startsWith("__")) {
      result[key] = marshalValue(value);
    }
  }
  return result;
}

function marshalValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(marshalValue);
  }
  if (typeof value !== "object" || value === null) {
    return value;
  }
  const record = value as Record<string, unknown>;
  switch (record[SPECIAL_SIG_KEY]) {
    case RESOURCE_REFERENCE_SIG:
      // rpc.go: with an `id` the reference is its ID ("" meaning unknown), without one its URN.
      if ("id" in record) {
        return record.id === "" || record.id === undefined || record.id === null
          ? UNKNOWN_VALUE
          : marshalValue(record.id);
      }
      return record.urn;
    case OUTPUT_VALUE_SIG: {
      const inner = "value" in record ? marshalValue(record.value) : UNKNOWN_VALUE;
      return record.secret === true ? { [SPECIAL_SIG_KEY]: SECRET_SIG, value: inner } : inner;
    }
    case SECRET_SIG:
      return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: marshalValue(record.value) };
    case undefined:
      break;
    default:
      // Assets and archives travel as they are.
      return record;
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    result[key] = marshalValue(item);
  }
  return result;
}

/** Struct has no undefined; the engine leaves unset properties out, and so does this. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => (item === undefined ? null : withoutUndefined(item)));
  }
  if (typeof value === "object" && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) {
        result[key] = withoutUndefined(item);
      }
    }
    return result;
  }
  return value;
}

/**
 * @pulumi/policy refuses requests without options ("A more recent version of the Pulumi CLI is
 * required"): the engine always sends them.
 */
function resourceOptions(state: PlanResourceState): AnalyzerResourceOptions {
  const options = new AnalyzerResourceOptions();
  options.setProtect(state.protect === true);
  if (state.parent !== undefined) {
    options.setParent(state.parent);
  }
  return options;
}

export function analyzeRequest(state: PlanResourceState): AnalyzeRequest {
  const request = new AnalyzeRequest();
  request.setType(state.type);
  request.setUrn(state.urn);
  request.setName(nameOfUrn(state.urn));
  request.setProperties(toStruct(state.inputs));
  request.setOptions(resourceOptions(state));
  return request;
}

/** What both per-resource messages carry, the properties marshalled for the analyzer. */
function resourceFields(state: PlanResourceState, properties: Record<string, unknown>): ResourceFields {
  return {
    type: state.type,
    urn: state.urn,
    name: nameOfUrn(state.urn),
    properties: marshalForAnalyzer(properties),
    protect: state.protect === true,
    parent: state.parent,
  };
}

/** analyzeRequest(state)'s wire bytes, written directly (wireEncoding.ts says why). */
export function analyzeRequestBytes(state: PlanResourceState): Uint8Array {
  return encodeAnalyzeRequest(resourceFields(state, state.inputs));
}

export function analyzeStackRequest(states: readonly PlanResourceState[]): AnalyzeStackRequest {
  const request = new AnalyzeStackRequest();
  for (const state of states) {
    request.addResources(analyzerResource(state));
  }
  return request;
}

/**
 * One resource's record of AnalyzeStackRequest's wire bytes. AnalyzeStackRequest's only field is
 * `repeated AnalyzerResource resources = 1` (pulumi/analyzer.proto), and a repeated message field is
 * encoded as one length-delimited record per element (protobuf encoding guide, "Repeated Elements"): the
 * concatenation of the resources' records is the whole request (analyzeStackRequest(states) serialized),
 * built one resource at a time, without holding every resource's protobuf object at once, and written
 * directly (wireEncoding.ts).
 */
export function analyzeStackResourceBytes(state: PlanResourceState): Uint8Array {
  return encodeAnalyzeStackRecord(
    resourceFields(state, state.outputs),
    state.dependencies,
    state.propertyDependencies,
  );
}

function analyzerResource(state: PlanResourceState): AnalyzerResource {
  const resource = new AnalyzerResource();
  resource.setType(state.type);
  resource.setUrn(state.urn);
  resource.setName(nameOfUrn(state.urn));
  resource.setProperties(toStruct(state.outputs));
  resource.setOptions(resourceOptions(state));
  if (state.parent !== undefined) {
    resource.setParent(state.parent);
  }
  resource.setDependenciesList(state.dependencies);
  const propertyDependencies = resource.getPropertydependenciesMap();
  for (const [property, urns] of Object.entries(state.propertyDependencies)) {
    const dependencies = new AnalyzerPropertyDependencies();
    dependencies.setUrnsList(urns);
    propertyDependencies.set(property, dependencies);
  }
  return resource;
}
