/**
 * KMS ListAliases (KMS API reference, ListAliases): the aliases of the caller's account and region, or of
 * one key (KeyId: a key id or key ARN), with Limit (1-100, default 50) and Marker paging. It names no key:
 * the caller's IAM policies alone decide (the Service Authorization Reference lists kms:ListAliases on
 * "*"). The sandbox lists the aliases the stack made; AWS also lists its predefined aws/ aliases, which
 * no sandbox key is behind.
 */
import { AwsError } from "../errors";
import { NOT_MODELLED } from "../http/requestMembers";
import { accountOf } from "../iam/arn";
import type { KmsCall } from "./operations";
import { optionalInteger, optionalString, type RequestBody } from "./requests";

const DEFAULT_LIMIT = 50;

export async function listAliases(request: RequestBody, call: KmsCall): Promise<Record<string, unknown>> {
  const keyId = optionalString(request, "KeyId", "keyId");
  const limit = optionalInteger(request, "Limit", "limit", 1, 100) ?? DEFAULT_LIMIT;
  const marker = optionalString(request, "Marker", "marker");
  const decision = await call.authorizer.authorizeIdentityOnly(call.callerArn, call.action, call.requestKeys);
  if (decision.notModelledKeys !== undefined || !decision.allowed) {
    throw new AwsError(
      decision.notModelledKeys !== undefined ? NOT_MODELLED : "AccessDeniedException",
      decision.message ?? `${call.callerArn} may not ${call.action}`,
    );
  }
  const keyArn = keyId === undefined ? undefined : call.resolveKey(keyId, { aliases: false }).arn;
  const region = call.region;
  const aliases = call.registry
    .aliasesIn({ accountId: accountOf(call.callerArn, "caller arn"), region })
    .filter((alias) => keyArn === undefined || alias.keyArn === keyArn);
  let start = 0;
  if (marker !== undefined) {
    start = aliases.findIndex((alias) => alias.aliasArn === marker);
    if (start < 0) {
      throw new AwsError("InvalidMarkerException", "The marker does not match any alias of this list.");
    }
  }
  const next = aliases[start + limit];
  return {
    Aliases: aliases.slice(start, start + limit).map((alias) => ({
      AliasName: alias.aliasArn.slice(alias.aliasArn.indexOf(":alias/") + 1),
      AliasArn: alias.aliasArn,
      TargetKeyId: alias.keyArn.slice(alias.keyArn.lastIndexOf("/") + 1),
    })),
    Truncated: next !== undefined,
    ...(next !== undefined ? { NextMarker: next.aliasArn } : {}),
  };
}

/**
 * KMS ListKeys (KMS API reference, ListKeys, https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeys.html):
 * the keys of the caller's account and region (KeyId, KeyArn), with Limit (1-1,000, default 100) and
 * Marker paging. Like ListAliases it names no key, so the caller's IAM policies alone decide (kms:ListKeys
 * on "*"). Keys pending deletion are listed, as KMS lists them.
 */
export async function listKeys(request: RequestBody, call: KmsCall): Promise<Record<string, unknown>> {
  const limit = optionalInteger(request, "Limit", "limit", 1, 1000) ?? 100;
  const marker = optionalString(request, "Marker", "marker");
  const decision = await call.authorizer.authorizeIdentityOnly(call.callerArn, call.action, call.requestKeys);
  if (decision.notModelledKeys !== undefined || !decision.allowed) {
    throw new AwsError(
      decision.notModelledKeys !== undefined ? NOT_MODELLED : "AccessDeniedException",
      decision.message ?? `${call.callerArn} may not ${call.action}`,
    );
  }
  const account = accountOf(call.callerArn, "caller arn");
  const keys = call.registry
    .keyArns()
    .filter((arn) => arn.split(":")[4] === account && arn.split(":")[3] === call.region)
    // A deleted key is gone from ListKeys (the registry remembers it only to answer NotFoundException).
    .filter((arn) => call.registry.get(arn) !== undefined);
  let start = 0;
  if (marker !== undefined) {
    start = keys.indexOf(marker);
    if (start < 0) {
      throw new AwsError("InvalidMarkerException", "The marker does not match any key of this list.");
    }
  }
  const next = keys[start + limit];
  return {
    Keys: keys
      .slice(start, start + limit)
      .map((arn) => ({ KeyId: arn.slice(arn.lastIndexOf("/") + 1), KeyArn: arn })),
    Truncated: next !== undefined,
    ...(next !== undefined ? { NextMarker: next } : {}),
  };
}
