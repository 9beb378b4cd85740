/**
 * The project's IAM policy evaluator: compilePolicy checks and compiles a document once; evaluate decides
 * one request; Decider decides many, with caches, and decideMatrix the static proof's bulk question.
 */
export { compilePolicy, PolicyCore } from "./compilePolicy";
export { Decider, DecisionMatrix } from "./decider";
export type {
  DeciderOptions,
  DeciderStats,
  MatrixInput,
  MatrixPrincipal,
  MatrixResource,
  PrincipalPolicies,
} from "./decider";
export { MalformedPolicyDocumentError } from "./errors";
export { evaluate, evaluatePolicy } from "./evaluate";
export type { PolicyEvaluation, StatementHit } from "./evaluate";
export { accessDeniedMessage } from "./messages";
export { principalFromArn } from "./principals";
export { contextFrom, EMPTY_CONTEXT } from "./requestContext";
export type { ContextOptions, ContextRecord } from "./requestContext";
export { FALSE, TRUE, UNKNOWN as TRI_UNKNOWN } from "./tri";
export type { Tri } from "./tri";
export { ABSENT, UNKNOWN } from "./types";
export type {
  CompiledPolicy,
  ContextValue,
  DecidingStatement,
  DeniedBy,
  EvalPrincipal,
  EvalRequest,
  EvalResult,
  Outcome,
  PolicyKind,
  PolicySet,
  PrincipalKind,
  RequestContext,
  ResidualCondition,
  ResourceKind,
} from "./types";
