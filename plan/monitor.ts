/**
 * A resource monitor for the Pulumi runtime that stands in for the engine: it answers registrations
 * from AwsMocks and records each one, with its inputs, dependencies and property dependencies, as a
 * plan step. Like the engine it works from the stack's previous state: a registration whose URN the
 * state holds is diffed against it (plan/steps.ts), and a `same` or an `update` keeps the recorded id,
 * outputs and secrets, so what the program builds from them (policies naming an ARN, stack outputs)
 * sees the deployed values. Unlike @pulumi/pulumi's MockMonitor it builds URNs as the engine does, honours
 * additionalSecretOutputs, and in preview mode answers a create the way a provider's preview does:
 * inputs only, so computed outputs (ARNs, ids) are unknown to the program, as in `pulumi preview`.
 *
 * What a real engine gets from elsewhere, it gets here as follows: invokes from the invoke layer
 * (plan/invokes); `pulumi:pulumi:getResource`, which the SDK calls to rehydrate a resource passed as an
 * input (`role: role`), from the resources registered so far (as @pulumi/pulumi's own mocks answer it);
 * the name the AWS provider gives a resource at Check from plan/autoName.ts; the outputs of other
 * providers' resources from plan/providers.ts. A computed output nothing models is unknown and named in
 * `unknownOutputs`; in a full plan the program sees a string carrying the unknown marker there (never
 * `undefined`). Any input built from an unknown marker is recorded as unknown. A remote component
 * (`remote: true`: its children are made by a provider plugin, which is not here) is recorded as such.
 */
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { withAutoName } from "./autoName";
import type { InvokeLayer } from "./invokes";
import { AwsMocks } from "./mocks";
import { providerOutputs, SECRET_OUTPUTS } from "./providers";
import type { SchemaReader } from "./schema";
import { buildUrn, parseUrn } from "./urn";
import { stepFor } from "./steps";
import { PlanInvoke, PlanResourceState, PlanStep, UnknownOutputs } from "./types";
import {
  isSecret,
  normalizeUnknowns,
  reveal,
  SECRET_SIG,
  SPECIAL_SIG_KEY,
  UNKNOWN_VALUE,
  unknownMarker,
} from "./values";

type Callback<T> = (err: Error | null, response?: T) => void;

const STACK_TYPE = "pulumi:pulumi:Stack";
const GET_RESOURCE = "pulumi:pulumi:getResource";
const UNSUPPORTED_FEATURES = new Set(["outputValues", "transforms", "invokeTransforms", "resourceHooks"]);

export class PlanMonitor {
  readonly states: PlanResourceState[] = [];
  /** One step per registration, in registration order. */
  readonly steps: PlanStep[] = [];
  readonly invokes: PlanInvoke[] = [];
  readonly errors: Error[] = [];
  /** Computed outputs of created resources that nothing models: unknown in the plan. */
  readonly unknownOutputs: UnknownOutputs[] = [];
  private readonly byUrn = new Map<string, PlanResourceState>();
  /** What the program was answered for each custom resource: its outputs with markers, not yet normalized. */
  private readonly answered = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly mocks: AwsMocks,
    private readonly stack: string,
    private readonly project: string,
    private readonly preview: boolean,
    /** The stack's previous state, by URN. */
    private readonly previous: ReadonlyMap<string, PlanResourceState> = new Map(),
    private readonly invokeLayer?: InvokeLayer,
    private readonly schema?: SchemaReader,
  ) {}

  /** The engine's URN: the parent's type chain (minus the stack) joined with `$`. */
  private urnOf(parent: string, type: string, name: string): string {
    const parentState = parent ? this.byUrn.get(parent) : undefined;
    const parentChain =
      parentState && parentState.type !== STACK_TYPE ? parseUrn(parentState.urn)?.qualifiedType : undefined;
    return buildUrn(this.stack, this.project, parentChain ? `${parentChain}$${type}` : type, name);
  }

  registerResource(
    req: resproto.RegisterResourceRequest,
    callback: Callback<resproto.RegisterResourceResponse>,
  ) {
    try {
      const type = req.getType();
      const name = req.getName();
      const urn = this.urnOf(req.getParent(), type, name);
      if (this.byUrn.has(urn)) {
        throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
      }
      const old = this.previous.get(urn);
      const custom = req.getCustom();
      const given = normalizeUnknowns(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
      // The provider names an auto-named resource at Check, so even a preview shows the name.
      const inputs = custom ? withAutoName(type, name, this.stack, urn, given, old?.inputs) : given;
      const propertyDependencies: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((deps, key) => {
        propertyDependencies[key] = deps.getUrnsList();
      });
      const remote = req.getRemote();
      const state: PlanResourceState = {
        type,
        urn,
        custom,
        ...(remote && !custom ? { remote: true } : {}),
        ...(req.getParent() ? { parent: req.getParent() } : {}),
        inputs,
        outputs: {},
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        ...(req.getProtect() === true ? { protect: true } : {}),
        ...(req.getRetainondelete() === true ? { retainOnDelete: true } : {}),
      };
      const step = stepFor(old, state);
      let id = "";
      if (custom) {
        const plainInputs = reveal(inputs) as Record<string, unknown>;
        if (step.op === "same" && old !== undefined) {
          // The engine does not call the provider for an unchanged resource: the state stands.
          id = old.id ?? "";
          state.outputs = old.outputs;
        } else if (step.op === "update" && old !== undefined) {
          const result = this.mocks.newResource({
            type,
            name,
            urn,
            inputs: plainInputs,
            previous: { id: old.id ?? "", outputs: reveal(old.outputs) as Record<string, unknown> },
          });
          id = result.id;
          state.outputs = { ...inputs, ...withoutUndefined(result.outputs), id };
        } else if (this.preview) {
          // A provider's preview of a create knows only the inputs; everything it computes is unknown.
          state.outputs = { ...inputs };
        } else {
          const modelled = type.startsWith("aws:")
            ? undefined
            : providerOutputs(type, this.stack, urn, plainInputs);
          const result =
            modelled === undefined
              ? this.mocks.newResource({
                  type,
                  name,
                  urn,
                  inputs: plainInputs,
                  replacing: step.op === "replace" ? old?.id : undefined,
                })
              : { id: String(modelled.id ?? `${name}-${urn.length}`), outputs: modelled };
          id = result.id;
          state.outputs = { ...inputs, ...withoutUndefined(result.outputs), id };
          for (const key of SECRET_OUTPUTS[type] ?? []) {
            if (key in state.outputs && !isSecret(state.outputs[key])) {
              state.outputs[key] = { [SPECIAL_SIG_KEY]: SECRET_SIG, value: state.outputs[key] };
            }
          }
        }
        if (step.op !== "same") {
          this.nameUnknownOutputs(type, urn, state);
        }
        if (id !== "") {
          state.id = id;
        }
        for (const key of req.getAdditionalsecretoutputsList()) {
          if (key in state.outputs && !isSecret(state.outputs[key])) {
            state.outputs[key] = { [SPECIAL_SIG_KEY]: SECRET_SIG, value: state.outputs[key] };
          }
        }
      }
      this.steps.push(step);
      this.byUrn.set(urn, state);
      this.states.push(state);
      const response = new resproto.RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(id);
      const answer = custom ? (this.answered.get(urn) ?? state.outputs) : {};
      this.answered.delete(urn);
      response.setObject(structproto.Struct.fromJavaScript(answer as never));
      callback(null, response);
    } catch (err) {
      this.fail(err, callback);
    }
  }

  registerResourceOutputs(req: resproto.RegisterResourceOutputsRequest, callback: Callback<Empty>) {
    const state = this.byUrn.get(req.getUrn());
    if (!state) {
      this.fail(new Error(`outputs registered for unknown resource ${req.getUrn()}`), callback);
      return;
    }
    state.outputs = normalizeUnknowns(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
    callback(null, new Empty());
  }

  invoke(req: provproto.InvokeRequest, callback: Callback<provproto.InvokeResponse>) {
    try {
      const token = req.getTok();
      const inputs = reveal(req.getArgs()?.toJavaScript() ?? {}) as Record<string, unknown>;
      let result: Record<string, unknown>;
      if (token === GET_RESOURCE) {
        // The SDK rehydrating a resource passed as an input: answered from the registrations, as
        // @pulumi/pulumi's mocks answer it (runtime/mocks.js), and not recorded as the program's invoke.
        result = this.registeredResource(String(inputs.urn));
      } else {
        const answer = this.invokeLayer?.answer(token, inputs) ?? {
          result: this.mocks.call(token, inputs),
          source: "computed",
        };
        result = answer.result;
        this.invokes.push({
          token,
          inputs: normalizeUnknowns(inputs) as Record<string, unknown>,
          result: normalizeUnknowns(result) as Record<string, unknown>,
          ...(answer.source === "unresolved" ? { unresolved: true } : {}),
        });
      }
      const response = new provproto.InvokeResponse();
      response.setReturn(structproto.Struct.fromJavaScript(result as never));
      callback(null, response);
    } catch (err) {
      this.fail(err, callback);
    }
  }

  /** `pulumi:pulumi:getResource`'s answer: the resource's URN, id and state as registered. */
  private registeredResource(urn: string): Record<string, unknown> {
    const state = this.byUrn.get(urn);
    if (state === undefined) {
      throw new Error(`pulumi:pulumi:getResource: no resource ${urn} was registered`);
    }
    return { urn, id: state.id ?? (state.custom && this.preview ? UNKNOWN_VALUE : ""), state: state.outputs };
  }

  /**
   * Names the computed outputs of a created or updated resource that nothing modelled (outputs of its
   * class in the provider's SDK that are neither inputs nor computed here). In a full plan the program is
   * answered a string carrying the unknown marker for each string one, so no `undefined` reaches a name
   * or a policy; the plan records them as unknown. The project's own detailed AWS models are complete for
   * what it reads and are left as they are.
   */
  private nameUnknownOutputs(type: string, urn: string, state: PlanResourceState): void {
    if (this.schema === undefined || (type.startsWith("aws:") && DETAILED_AWS_TYPES.has(type))) {
      return;
    }
    const shapes = this.schema.resourceOutputs(type);
    if (shapes === undefined) {
      return;
    }
    // The provider's own region is known: every resource of @pulumi/aws 7 reports it.
    if (
      type.startsWith("aws:") &&
      state.outputs.region === undefined &&
      shapes.some((shape) => shape.name === "region")
    ) {
      state.outputs.region = this.mocks.region;
    }
    // What the provider computes is never unset; what it may leave unset (an optional input not given)
    // stays absent, as the provider leaves it.
    const missing = shapes.filter((shape) => state.outputs[shape.name] === undefined && !shape.optional);
    if (this.preview) {
      // A preview of a create knows no computed output anyway; name those of other providers, whose
      // resources no model here computes even in a full plan.
      // Booleans and numbers there are mostly defaults the provider fills in at Check.
      const computed = missing.filter((shape) => shape.kind !== "boolean" && shape.kind !== "number");
      if (!type.startsWith("aws:") && computed.length > 0) {
        this.unknownOutputs.push({ urn, type, properties: computed.map((shape) => shape.name) });
      }
      return;
    }
    const marked = missing.filter((shape) => shape.kind === "string").map((shape) => shape.name);
    if (marked.length === 0) {
      return;
    }
    this.unknownOutputs.push({ urn, type, properties: marked });
    const answer = { ...state.outputs };
    for (const property of marked) {
      answer[property] = unknownMarker(`${type}.${property}`);
      state.outputs[property] = UNKNOWN_VALUE;
    }
    this.answered.set(urn, answer);
  }

  readResource(req: resproto.ReadResourceRequest, callback: Callback<never>) {
    this.fail(
      new Error(`the offline plan cannot read existing resources (${req.getType()} ${req.getId()})`),
      callback,
    );
  }

  supportsFeature(
    req: resproto.SupportsFeatureRequest,
    callback: Callback<resproto.SupportsFeatureResponse>,
  ) {
    // As in @pulumi/pulumi's MockMonitor: Output values in inputs are not supported, so inputs arrive
    // resolved; nor are transforms, which would need a callback server of the program's.
    const response = new resproto.SupportsFeatureResponse();
    response.setHassupport(!UNSUPPORTED_FEATURES.has(req.getId()));
    callback(null, response);
  }

  registerPackage(_req: unknown, callback: Callback<resproto.RegisterPackageResponse>) {
    const response = new resproto.RegisterPackageResponse();
    response.setRef("offline-plan");
    callback(null, response);
  }

  close(): void {}

  private fail(err: unknown, callback: Callback<never>) {
    const error = err instanceof Error ? err : new Error(String(err));
    this.errors.push(error);
    callback(error);
  }
}

/** The AWS types plan/mocks.ts models in detail, for this project's program and the sandbox. */
const DETAILED_AWS_TYPES = new Set([
  "aws:kms/key:Key",
  "aws:kms/alias:Alias",
  "aws:kms/grant:Grant",
  "aws:dynamodb/table:Table",
  "aws:iam/user:User",
  "aws:iam/role:Role",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/accessKey:AccessKey",
]);

function withoutUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}
