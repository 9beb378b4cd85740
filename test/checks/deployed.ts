/**
 * A stack deployed into a real sandbox on 127.0.0.1 for the checks' tests: synthesized by the plan
 * engine from the dev stack's config (with changes, as if Pulumi.dev.yaml were edited), applied, and
 * its outputs read back as `npm run sandbox -- --outputs FILE` writes them.
 */
import { synthesize } from "../../plan/synth";
import { Sandbox } from "../../sandbox";
import type { StackOutputs } from "../../infra/outputs";
import { devConfig } from "../helpers/plan";

export interface LiveStack {
  sandbox: Sandbox;
  endpoint: string;
  outputs: StackOutputs;
  /** Re-deploys with other config, as `pulumi up` after editing the stack file. */
  update(changes: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

export async function deploy(changes: Record<string, unknown> = {}): Promise<LiveStack> {
  const sandbox = await Sandbox.start({ port: 0 });
  try {
    await sandbox.apply(await synthesize({ stack: "dev", config: devConfig(changes) }));
    return {
      sandbox,
      endpoint: sandbox.endpoint,
      outputs: sandbox.outputs() as StackOutputs,
      async update(next) {
        // From the sandbox's checkpoint, as `pulumi up` previews from the stack's last state.
        await sandbox.apply(
          await synthesize({ stack: "dev", config: devConfig(next), previousState: sandbox.state() }),
        );
      },
      stop: () => sandbox.stop(),
    };
  } catch (err) {
    await sandbox.stop();
    throw err;
  }
}

/** A deep copy of the outputs with one user's fields changed: intent that differs from the deployment. */
export function withUser(
  outputs: StackOutputs,
  name: string,
  user: Partial<StackOutputs["users"][string]>,
): StackOutputs {
  const copy = structuredClone(outputs);
  copy.users[name] = { ...copy.users[name], ...user };
  return copy;
}
