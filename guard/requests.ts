/**
 * The Analyzer requests the Pulumi engine sends, built from an offline plan (plan/types.ts):
 * `Analyze` per resource with its inputs, before the step runs; `AnalyzeStack` once with every
 * resource's outputs, parent, dependencies and property dependencies. Property values stay in the
 * engine's wire form, so a preview's unknowns reach the pack as the unknown sentinel and secrets as
 * secret objects, exactly as the CLI sends them.
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
import { nameOfUrn } from "../plan/urn";

function toStruct(props: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(withoutUndefined(props) as Record<string, never>);
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
 * built one resource at a time, without holding every resource's protobuf object at once.
 */
export function analyzeStackResourceBytes(state: PlanResourceState): Uint8Array {
  const one = new AnalyzeStackRequest();
  one.setResourcesList([analyzerResource(state)]);
  return one.serializeBinary();
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
