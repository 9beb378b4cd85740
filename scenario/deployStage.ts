/**
 * What the scenario uses from the deploy step on (step 3): the sandbox, the AWS SDK clients, the checks,
 * the grant, the access proof and the drills. scenario/run.ts imports this module only after the guard
 * step has stopped the policy pack's process, so that process and these modules are never in memory
 * together (npm start stays under 300 MB in all, npm's own process included: bench/README.md).
 */
export { runChecks } from "../checks";
export { formatCheckTable } from "../checks/format";
export { describeKey } from "../checks/item";
export { planOutputs } from "../plan/outputs";
export { Sandbox } from "../sandbox";
export { accessStep } from "./access";
export { runLifecycleDrills } from "./drills";
export { planKeyUserChange, planWithKeyPolicy } from "./grant";
export { putSeedItem, readSeedItem } from "./seed";
