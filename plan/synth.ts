/**
 * The offline plan engine: runs a Pulumi program in this process under AwsMocks, through a monitor
 * that records every registration, and returns the plan of contracts.md section 4: the engine's steps
 * from the stack's previous state (none: every resource a `create`) to what the program declares.
 * It is what the synth command, the policy guard, the sandbox, the scenario and the tests all run.
 */
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Checkpoint } from "./checkpoint";
import { InvokeLayer, type RecordedInvoke } from "./invokes";
import { AwsMocks, DEFAULT_DEPLOYER, DeployerIdentity } from "./mocks";
import { PlanMonitor } from "./monitor";
import { runProgramProcess } from "./programProcess";
import { SchemaReader } from "./schema";
import { loadStackConfig, readProjectName, toRuntimeConfig } from "./stackConfig";
import { deleteSteps, destroySteps } from "./steps";
import { Plan } from "./types";
import { normalizeUnknowns } from "./values";

/** A Pulumi program: registers resources, returns the stack outputs. */
export type Program = () => Promise<Record<string, unknown> | void>;

/**
 * A program folder run as the Pulumi Node runtime runs it, in a child process (plan/programProcess.ts):
 * top-level code, `Pulumi.yaml`'s `main`, its own node_modules.
 */
export interface ProgramFolder {
  folder: string;
}

export interface SynthOptions {
  /** Stack name; its config is `Pulumi.<stack>.yaml` unless `config` is given. */
  stack: string;
  /** Folder of Pulumi.yaml and the stack files. Default: the repository root. */
  projectDir?: string;
  /** Full config map (`aws:region`, `kms-dynamodb:users`, ...), values as in the YAML file. */
  config?: Record<string, unknown>;
  /** The stack's config file instead of `Pulumi.<stack>.yaml` (the CLI's `--config-file`), unless `config`. */
  configFile?: string;
  /** What a first `pulumi preview` sees: computed outputs of new resources are unknown. Default: false. */
  preview?: boolean;
  /** The program to run: a function run in this process, or a folder. Default: infra/, in process. */
  program?: Program | ProgramFolder;
  /** The identity that runs the deployment. Default: DEFAULT_DEPLOYER. */
  deployer?: DeployerIdentity;
  /**
   * What the last deployment recorded (plan/checkpoint.ts readCheckpoint: a sandbox data dir or a
   * `pulumi stack export` file). Default: an empty stack, so every step is a `create`.
   */
  previousState?: Checkpoint;
  /**
   * Recorded invoke results (`--invokes FILE`, plan/invokes/recorded.ts): what the cloud answered the
   * invokes that read it. Default: none.
   */
  invokes?: readonly RecordedInvoke[];
}

export const REPO_ROOT = resolve(__dirname, "..");
const STACK_TYPE = "pulumi:pulumi:Stack";

// The Pulumi runtime is one global per process: runs take turns.
let previousRun: Promise<unknown> = Promise.resolve();

export function synthesize(options: SynthOptions): Promise<Plan> {
  const run = previousRun.then(
    () => synthesizeAlone(options),
    () => synthesizeAlone(options),
  );
  previousRun = run.catch(() => undefined);
  return run;
}

async function synthesizeAlone(options: SynthOptions): Promise<Plan> {
  const projectDir = options.projectDir ?? REPO_ROOT;
  const project = readProjectName(projectDir);
  const config =
    options.config ?? loadStackConfig(options.stack, projectDir, { configFile: options.configFile });
  const preview = options.preview ?? false;
  const source = options.program;
  const region = typeof config["aws:region"] === "string" ? config["aws:region"] : "us-east-1";
  const mocks = new AwsMocks({ stack: options.stack, region, deployer: options.deployer });
  const previous = options.previousState?.resources ?? [];
  // The provider SDKs are the program's own: a folder resolves them from its node_modules.
  const schema = new SchemaReader(
    source !== undefined && typeof source !== "function" ? source.folder : REPO_ROOT,
  );
  const invokeLayer = new InvokeLayer({
    context: { region, deployer: options.deployer ?? DEFAULT_DEPLOYER },
    recorded: options.invokes,
    state: previous,
    schema,
  });
  const monitor = new PlanMonitor(
    mocks,
    options.stack,
    project,
    preview,
    new Map(previous.map((resource) => [resource.urn, resource])),
    invokeLayer,
    schema,
  );

  if (source !== undefined && typeof source !== "function") {
    await runProgramProcess({
      projectDir: source.folder,
      project,
      stack: options.stack,
      preview,
      config: toRuntimeConfig(config),
      monitor,
    });
  } else {
    await runInProcess(source ?? (await import("../infra")).default, monitor, {
      project,
      stack: options.stack,
      preview,
      config,
    });
  }
  if (monitor.errors.length > 0) {
    throw monitor.errors[0];
  }
  const stackState = monitor.states.find((state) => state.type === STACK_TYPE);
  const declared = new Set(monitor.states.map((state) => state.urn));
  return {
    steps: [...monitor.steps, ...deleteSteps(previous, declared)],
    outputs: stackState?.outputs ?? {},
    invokes: monitor.invokes,
    ...(invokeLayer.unresolved.length > 0
      ? {
          unresolvedInvokes: invokeLayer.unresolved.map((call) => ({
            token: call.token,
            args: normalizeUnknowns(call.args) as Record<string, unknown>,
            entry: call.entry,
          })),
        }
      : {}),
    ...(monitor.unknownOutputs.length > 0 ? { unknownOutputs: monitor.unknownOutputs } : {}),
  };
}

/** Runs a program function in this process, with the plan monitor standing in for the engine. */
async function runInProcess(
  program: Program,
  monitor: PlanMonitor,
  run: { project: string; stack: string; preview: boolean; config: Record<string, unknown> },
): Promise<void> {
  // setMocks switches on the runtime features an engine would announce; its MockMonitor is replaced
  // by the plan monitor at once, so the mocks handed to it are never asked anything.
  const answeredByPlanMonitor = (): never => {
    throw new Error("the offline plan's monitor answers registrations and invokes");
  };
  await pulumi.runtime.setMocks(
    { newResource: answeredByPlanMonitor, call: answeredByPlanMonitor },
    run.project,
    run.stack,
    run.preview,
  );
  pulumi.runtime.setMockOptions(monitor, run.project, run.stack, run.preview);
  pulumi.runtime.setAllConfig(toRuntimeConfig(run.config), []);
  let failure: unknown;
  try {
    await pulumi.runtime.runInPulumiStack(program);
  } catch (err) {
    failure = err;
  }
  // Registrations still in flight finish before the plan is read.
  await pulumi.runtime.disconnect();
  if (failure !== undefined) {
    throw failure;
  }
}

/**
 * `pulumi destroy` offline: deletes every resource of `state`, dependents first, without running the
 * program. Throws ProtectedResourceError (the engine's message) for a protected resource.
 */
export function destroyPlan(state: Checkpoint): Plan {
  return { steps: destroySteps(state.resources), outputs: {}, invokes: [] };
}
