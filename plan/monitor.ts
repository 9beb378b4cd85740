/**
 * A resource monitor for the Pulumi runtime that stands in for the engine: it answers registrations
 * from AwsMocks and records each one, with its inputs, dependencies and property dependencies, as a
 * plan step. Unlike @pulumi/pulumi's MockMonitor it builds URNs as the engine does, honours
 * additionalSecretOutputs, and in preview mode answers a create the way a provider's preview does:
 * inputs only, so computed outputs (ARNs, ids) are unknown to the program, as in `pulumi preview`.
 */
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { AwsMocks } from "./mocks";
import { buildUrn, parseUrn } from "./urn";
import { PlanInvoke, PlanResourceState } from "./types";
import { isSecret, reveal, SECRET_SIG, SPECIAL_SIG_KEY } from "./values";

type Callback<T> = (err: Error | null, response?: T) => void;

const STACK_TYPE = "pulumi:pulumi:Stack";

export class PlanMonitor {
  readonly states: PlanResourceState[] = [];
  readonly invokes: PlanInvoke[] = [];
  readonly errors: Error[] = [];
  private readonly byUrn = new Map<string, PlanResourceState>();

  constructor(
    private readonly mocks: AwsMocks,
    private readonly stack: string,
    private readonly project: string,
    private readonly preview: boolean,
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
      const inputs = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
      const propertyDependencies: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((deps, key) => {
        propertyDependencies[key] = deps.getUrnsList();
      });
      const custom = req.getCustom();
      const state: PlanResourceState = {
        type,
        urn,
        custom,
        parent: req.getParent() || undefined,
        inputs,
        outputs: {},
        dependencies: req.getDependenciesList(),
        propertyDependencies,
      };
      // Resource options the engine records in the state (apitype ResourceV3 `protect`,
      // `retainOnDelete`, omitted when false): a parent's protect is already folded in by the SDK.
      if (req.getProtect() === true) {
        state.protect = true;
      }
      if (req.getRetainondelete() === true) {
        state.retainOnDelete = true;
      }
      let id = "";
      if (custom) {
        if (this.preview) {
          // A provider's preview of a create knows only the inputs; everything it computes is unknown.
          state.outputs = { ...inputs };
        } else {
          const result = this.mocks.newResource({
            type,
            name,
            urn,
            inputs: reveal(inputs) as Record<string, unknown>,
          });
          id = result.id;
          state.id = id;
          state.outputs = { ...inputs, ...withoutUndefined(result.outputs), id };
        }
        for (const key of req.getAdditionalsecretoutputsList()) {
          if (key in state.outputs && !isSecret(state.outputs[key])) {
            state.outputs[key] = { [SPECIAL_SIG_KEY]: SECRET_SIG, value: state.outputs[key] };
          }
        }
      }
      this.byUrn.set(urn, state);
      this.states.push(state);
      const response = new resproto.RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(id);
      response.setObject(structproto.Struct.fromJavaScript(custom ? (state.outputs as never) : {}));
      callback(null, response);
    } catch (err) {
      this.fail(err, callback);
    }
  }

  registerResourceOutputs(req: resproto.RegisterResourceOutputsRequest, callback: Callback<object>) {
    const state = this.byUrn.get(req.getUrn());
    if (!state) {
      this.fail(new Error(`outputs registered for unknown resource ${req.getUrn()}`), callback);
      return;
    }
    state.outputs = (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
    callback(null, {});
  }

  invoke(req: provproto.InvokeRequest, callback: Callback<provproto.InvokeResponse>) {
    try {
      const token = req.getTok();
      const inputs = reveal(req.getArgs()?.toJavaScript() ?? {}) as Record<string, unknown>;
      const result = this.mocks.call(token, inputs);
      this.invokes.push({ token, inputs, result });
      const response = new provproto.InvokeResponse();
      response.setReturn(structproto.Struct.fromJavaScript(result as never));
      callback(null, response);
    } catch (err) {
      this.fail(err, callback);
    }
  }

  readResource(req: resproto.ReadResourceRequest, callback: Callback<never>) {
    this.fail(
      new Error(`the offline plan cannot read existing resources (${req.getType()} ${req.getId()})`),
      callback,
    );
  }

  supportsFeature(req: resproto.SupportsFeatureRequest, callback: Callback<{ getHassupport(): boolean }>) {
    // As in @pulumi/pulumi's MockMonitor: Output values in inputs are not supported, so inputs arrive resolved.
    const hasSupport = req.getId() !== "outputValues";
    callback(null, { getHassupport: () => hasSupport });
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

function withoutUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}
