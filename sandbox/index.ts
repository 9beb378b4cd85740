/**
 * The sandbox as a library: a local AWS endpoint (DynamoDB, KMS, STS) on 127.0.0.1 that a plan from
 * `synthesize()` is deployed into, enforcing SigV4, IAM identity policies and KMS key policies as AWS does
 * (docs/sandbox.md, "As a library"). The facade is sandbox.ts; the engine that decides access, without a
 * server, is engine.ts.
 */
export { Sandbox, type ApplyResult, type DeployerCredentials, type SandboxOptions } from "./sandbox";
