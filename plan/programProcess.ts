/**
 * Runs a Pulumi program folder as the Pulumi Node language host does, so that any program works, not
 * only one that exports a function: top-level code that registers resources and exports consts as
 * stack outputs, the entry point named by `Pulumi.yaml`'s `main` (or package.json's), TypeScript
 * compiled by the runtime, and the program's own `node_modules` with its own copy of @pulumi/pulumi.
 *
 * The language host starts `node <the program's @pulumi/pulumi>/cmd/run --monitor ADDR --engine ADDR
 * --project P --stack S --pwd DIR [--dry-run] PROGRAM` with the stack's config in PULUMI_CONFIG
 * (sdk/nodejs/cmd/run/index.ts; runtime/config.ts). This module does the same, and serves the plan
 * engine's monitor (plan/monitor.ts) over the engine's gRPC protocol (pulumirpc.ResourceMonitor and
 * pulumirpc.Engine), so every registration and invoke of the child is answered by the plan engine.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import type { PlanMonitor } from "./monitor";
import { describeJson, displayValue } from "../common/display";
import { readYaml, StackConfigError } from "./stackConfig";

export interface ProgramProcessOptions {
  /** The program folder: Pulumi.yaml, its entry point, maybe its own node_modules. */
  projectDir: string;
  project: string;
  stack: string;
  preview: boolean;
  /** Config as the CLI hands it to a program (plan/stackConfig.ts toRuntimeConfig). */
  config: Record<string, string>;
  monitor: PlanMonitor;
}

/** A program that failed, with what it logged as errors (as `pulumi preview` prints them). */
export class ProgramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProgramError";
  }
}

/** Runs the program folder to completion against `monitor`; throws ProgramError if it fails. */
export async function runProgramProcess(options: ProgramProcessOptions): Promise<void> {
  const { main, typescript } = readProjectRuntime(options.projectDir);
  const entry = runtimeEntryPoint(options.projectDir);
  const errors: string[] = [];
  let rootUrn = "";
  const server = new grpc.Server();
  const monitor = options.monitor;
  server.addService(resrpc.ResourceMonitorService, {
    supportsFeature: unary(monitor.supportsFeature.bind(monitor)),
    registerResource: unary(monitor.registerResource.bind(monitor)),
    registerResourceOutputs: unary(monitor.registerResourceOutputs.bind(monitor)),
    invoke: unary(monitor.invoke.bind(monitor)),
    readResource: unary(monitor.readResource.bind(monitor)),
    registerPackage: unary(monitor.registerPackage.bind(monitor)),
  });
  server.addService(engrpc.EngineService, {
    log: (call: grpc.ServerUnaryCall<engproto.LogRequest, Empty>, callback: grpc.sendUnaryData<Empty>) => {
      if (call.request.getSeverity() === engproto.LogSeverity.ERROR) {
        errors.push(withoutStack(call.request.getMessage()));
      }
      callback(null, new Empty());
    },
    getRootResource: (_call: unknown, callback: grpc.sendUnaryData<engproto.GetRootResourceResponse>) => {
      const response = new engproto.GetRootResourceResponse();
      response.setUrn(rootUrn);
      callback(null, response);
    },
    setRootResource: (
      call: grpc.ServerUnaryCall<engproto.SetRootResourceRequest, engproto.SetRootResourceResponse>,
      callback: grpc.sendUnaryData<engproto.SetRootResourceResponse>,
    ) => {
      rootUrn = call.request.getUrn();
      callback(null, new engproto.SetRootResourceResponse());
    },
  } as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  const address = `127.0.0.1:${port}`;
  try {
    const { code, stderr } = await runChild(
      [
        entry,
        `--monitor=${address}`,
        `--engine=${address}`,
        `--project=${options.project}`,
        `--stack=${options.stack}`,
        `--pwd=${options.projectDir}`,
        ...(options.preview ? ["--dry-run"] : []),
        main,
      ],
      {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify(options.config),
        PULUMI_CONFIG_SECRET_KEYS: "[]",
        PULUMI_NODEJS_TYPESCRIPT: String(typescript),
        // Type-checking belongs to the program's own build; the plan only needs to run it.
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      },
      options.projectDir,
    );
    if (code !== 0 || monitor.errors.length > 0) {
      const reasons = [...errors, ...monitor.errors.map((err) => err.message)];
      const detail = reasons.length > 0 ? reasons.join("\n") : stderr.trim().split("\n").slice(-5).join("\n");
      throw new ProgramError(
        `the program in ${options.projectDir} failed (exit ${code}): ${detail || "no error was reported"}`,
      );
    }
  } finally {
    server.forceShutdown();
  }
}

/** An error as the program logged it, without colours and stack frames: what `pulumi preview` leads with. */
function withoutStack(message: string): string {
  const lines = message
    // The runtime colours its messages with ANSI escapes (ESC [ ... m).
    .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "")
    .trim()
    .split("\n");
  const frame = lines.findIndex((line) => /^\s+at /.test(line));
  return (frame < 0 ? lines : lines.slice(0, frame)).join(" ").trim();
}

/** A gRPC unary handler for a monitor method that takes the request and a node-style callback. */
function unary(handler: (request: never, callback: never) => void): grpc.handleUnaryCall<unknown, unknown> {
  return (call, callback) => handler(call.request as never, callback as never);
}

/** `main` from Pulumi.yaml (default: the folder, so package.json decides) and the TypeScript option. */
export function readProjectRuntime(projectDir: string): { main: string; typescript: boolean } {
  const file = path.join(projectDir, "Pulumi.yaml");
  const project = readYaml(file, "project");
  const record = (typeof project === "object" && project !== null ? project : {}) as Record<string, unknown>;
  const runtime = record.runtime;
  const runtimeName =
    typeof runtime === "string" ? runtime : (runtime as { name?: unknown } | undefined)?.name;
  if (runtimeName !== "nodejs") {
    throw new StackConfigError(
      `project: ${file} has runtime ${describeJson(runtimeName)}; the offline plan runs nodejs programs`,
    );
  }
  const options = (
    typeof runtime === "object" && runtime !== null ? (runtime as { options?: unknown }).options : {}
  ) as { typescript?: unknown } | undefined;
  const main = typeof record.main === "string" ? record.main : ".";
  if (main !== "." && !existsSync(path.resolve(projectDir, main))) {
    throw new StackConfigError(`project: ${file} names main ${displayValue(main)}, which does not exist`);
  }
  // The language host's default: TypeScript on unless `runtime.options.typescript: false`.
  return { main, typescript: options?.typescript !== false };
}

/** The program's own @pulumi/pulumi runtime entry point, as the language host resolves it. */
function runtimeEntryPoint(projectDir: string): string {
  try {
    return require.resolve("@pulumi/pulumi/cmd/run", { paths: [projectDir] });
  } catch {
    throw new StackConfigError(
      `project: ${projectDir} cannot resolve @pulumi/pulumi/cmd/run; run npm install in the program's folder`,
    );
  }
}

function runChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    // The program's console output is its own; keep it off the plan's stdout (which may be JSON).
    child.stdout.on("data", (chunk: Buffer) => process.stderr.write(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}
