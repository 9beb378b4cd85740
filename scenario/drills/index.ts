/**
 * The key lifecycle drills that follow the grant in `npm start` (docs/runbook.md), each a numbered step with
 * its checks, on the sandbox's simulated clock: revoke a user, disable the key, enable it, schedule its
 * deletion and cancel it. Each adds a phase to the report (`drill-…`).
 */
import { deletionDrill, disableDrill, enableDrill } from "./keyState";
import { revokeDrill } from "./revoke";
import { duration, type DrillContext } from "./context";

export type { DrillContext } from "./context";

export async function runLifecycleDrills(context: DrillContext, stack: string, user: string): Promise<void> {
  const started = context.sandbox.clock.advancedMs;
  await revokeDrill(context, stack, user);
  await disableDrill(context);
  await enableDrill(context);
  await deletionDrill(context);
  const simulated = context.sandbox.clock.advancedMs - started;
  context.say(
    [],
    `   (the drills moved the sandbox's clock ${duration(simulated)} ahead; none of it was waited for)`,
  );
}
