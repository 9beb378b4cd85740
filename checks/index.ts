/** The checks library, as the scenario and other callers use it (cli.ts is the command). */
export { runChecks, type RunChecksOptions } from "./run";
export { waitForChecks, type WaitOptions } from "./wait";
export { formatCheckTable, summaryLine } from "./format";
export { readStackOutputs, CheckInputError, type ReadStackOutputsOptions } from "./outputs";
export { parseStackOutputs, OutputsError } from "../infra/outputs";
export { expectedOutcome } from "./expectations";
export { classifyError } from "./classify";
export * from "./types";
