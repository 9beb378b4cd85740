/**
 * Where each DynamoDB table form keeps its encryption key, and what a known value there means.
 * Shared by the two mandatory table rules: `dynamodb-table-customer-managed-key` judges the known
 * values, `dynamodb-table-key-from-stack-at-preview` decides the unknown ones.
 */
import { AllowedKeys, checkAllowedKey, classifyKeyReference } from "./keys";
import {
  DYNAMODB_GLOBAL_TABLE_2017,
  DYNAMODB_TABLE,
  DYNAMODB_TABLE_REPLICA,
  NATIVE_DYNAMODB_GLOBAL_TABLE,
  NATIVE_DYNAMODB_TABLE,
} from "./types";
import { PropertyPath, asArray, describeValue, findUnknown, formatPath, probe } from "./values";

const FIX =
  "to the ARN of a customer-managed KMS key (an aws.kms.Key of this stack, or one your organisation allows)";

export interface TableInspection {
  /** Whole sentences, one per violation found in known values. */
  findings: string[];
  /** Paths of key settings that are unknown (preview), left to the stack rule. */
  unknownPaths: string[];
}

/**
 * For each table type, the top-level input properties that carry its encryption key: the keys of
 * `propertyDependencies` the stack rule follows. The engine records dependencies per top-level
 * property, so that is the finest grain a policy can see.
 */
export const ENCRYPTION_PROPERTIES: Record<string, readonly string[]> = {
  [DYNAMODB_TABLE]: ["serverSideEncryption", "replicas"],
  [DYNAMODB_TABLE_REPLICA]: ["kmsKeyArn"],
  [NATIVE_DYNAMODB_TABLE]: ["sseSpecification"],
  [NATIVE_DYNAMODB_GLOBAL_TABLE]: ["sseSpecification", "replicas"],
};

/**
 * Every table form inspectTableEncryption judges: the forms with a key setting, and the 2017.11.29 global
 * table, which has none. A rule asks this first, so that the other resources of a stack (most of them)
 * cost it no config read and no inspection.
 */
export const TABLE_TYPES: ReadonlySet<string> = new Set([
  ...Object.keys(ENCRYPTION_PROPERTIES),
  DYNAMODB_GLOBAL_TABLE_2017,
]);

/** Returns the path of the first unknown key setting under `property` of a table of `type`. */
export function findUnknownKeySetting(type: string, props: unknown, property: string): string | undefined {
  if (property === "replicas") {
    const inReplica: PropertyPath = type === DYNAMODB_TABLE ? ["kmsKeyArn"] : ["sseSpecification"];
    const replicas = probe(props, ["replicas"]);
    if (!replicas.known) {
      return replicas.path;
    }
    const entries = asArray(replicas.value);
    for (let i = 0; i < entries.length; i++) {
      const unknown = unknownInside(props, ["replicas", i, ...inReplica]);
      if (unknown !== undefined) {
        return unknown;
      }
    }
    return undefined;
  }
  return unknownInside(props, [property]);
}

function unknownInside(root: unknown, path: PropertyPath): string | undefined {
  const read = probe(root, path);
  if (!read.known) {
    return read.path;
  }
  return findUnknown(read.value, path);
}

/**
 * Inspects the known encryption settings of a table; returns undefined for other resource types.
 * `allowed` is called only when a known customer-managed key is checked against the config.
 */
export function inspectTableEncryption(
  type: string,
  name: string,
  props: unknown,
  allowed: () => AllowedKeys,
): TableInspection | undefined {
  const subject = `DynamoDB table "${name}" (${type})`;
  const result: TableInspection = { findings: [], unknownPaths: [] };
  switch (type) {
    case DYNAMODB_TABLE:
      inspectClassicTable(subject, props, allowed, result);
      return result;
    case DYNAMODB_TABLE_REPLICA:
      checkKey(
        subject,
        props,
        ["kmsKeyArn"],
        "the replica is encrypted with the AWS managed key alias/aws/dynamodb",
        allowed,
        result,
      );
      return result;
    case NATIVE_DYNAMODB_TABLE:
      inspectNativeTable(subject, props, allowed, result);
      return result;
    case NATIVE_DYNAMODB_GLOBAL_TABLE:
      inspectNativeGlobalTable(subject, props, allowed, result);
      return result;
    case DYNAMODB_GLOBAL_TABLE_2017:
      // The rule: a version 2017.11.29 global table cannot be put on a customer-managed key.
      // Neither the resource nor the CreateGlobalTable / UpdateGlobalTable APIs carry any encryption
      // setting, so nothing in the stack could show which key its replicas use.
      result.findings.push(
        `${subject} is a global table version 2017.11.29, which cannot be put on a customer-managed KMS key: ` +
          "it has no encryption setting at all. Replace it with an aws.dynamodb.Table that sets " +
          `replicas (global tables version 2019.11.21), each replica's kmsKeyArn set ${FIX}.`,
      );
      return result;
    default:
      return undefined;
  }
}

function inspectClassicTable(
  subject: string,
  props: unknown,
  allowed: () => AllowedKeys,
  result: TableInspection,
): void {
  const sse = probe(props, ["serverSideEncryption"]);
  if (!sse.known) {
    result.unknownPaths.push(sse.path);
  } else if (sse.value === undefined || sse.value === null) {
    result.findings.push(
      `${subject} has no serverSideEncryption, so DynamoDB encrypts it with an AWS owned key that no key ` +
        `policy of this account controls. Set serverSideEncryption to { enabled: true, kmsKeyArn } with kmsKeyArn set ${FIX}.`,
    );
  } else {
    const enabled = probe(sse.value, ["enabled"]);
    if (!enabled.known) {
      result.unknownPaths.push("serverSideEncryption.enabled");
    } else if (enabled.value !== true) {
      result.findings.push(
        `${subject} has serverSideEncryption.enabled ${describeValue(enabled.value)}, so DynamoDB encrypts it with an ` +
          `AWS owned key that no key policy of this account controls. Set serverSideEncryption.enabled to true and ` +
          `serverSideEncryption.kmsKeyArn ${FIX}.`,
      );
    } else {
      checkKey(
        subject,
        sse.value,
        ["kmsKeyArn"],
        "the table is encrypted with the AWS managed key alias/aws/dynamodb",
        allowed,
        result,
        ["serverSideEncryption"],
      );
    }
  }
  checkReplicaKeys(
    subject,
    props,
    { region: ["regionName"], key: ["kmsKeyArn"] },
    "is encrypted with the AWS managed key alias/aws/dynamodb of its region, whatever the table's own key is",
    allowed,
    result,
  );
}

function inspectNativeTable(
  subject: string,
  props: unknown,
  allowed: () => AllowedKeys,
  result: TableInspection,
): void {
  const sse = probe(props, ["sseSpecification"]);
  if (!sse.known) {
    result.unknownPaths.push(sse.path);
    return;
  }
  if (!checkNativeSseEnabled(subject, sse.value, result)) {
    return;
  }
  checkKey(
    subject,
    sse.value,
    ["kmsMasterKeyId"],
    "the table is encrypted with the AWS managed key alias/aws/dynamodb",
    allowed,
    result,
    ["sseSpecification"],
  );
}

function inspectNativeGlobalTable(
  subject: string,
  props: unknown,
  allowed: () => AllowedKeys,
  result: TableInspection,
): void {
  const sse = probe(props, ["sseSpecification"]);
  if (!sse.known) {
    result.unknownPaths.push(sse.path);
  } else {
    checkNativeSseEnabled(subject, sse.value, result);
  }
  checkReplicaKeys(
    subject,
    props,
    { region: ["region"], key: ["sseSpecification", "kmsMasterKeyId"] },
    "is encrypted with the AWS managed key alias/aws/dynamodb of its region",
    allowed,
    result,
  );
}

/**
 * Every entry of `replicas` needs its own key: a replica without one is encrypted with its region's
 * AWS managed key. `paths` locate the replica's region and key within an entry.
 */
function checkReplicaKeys(
  subject: string,
  props: unknown,
  paths: { region: PropertyPath; key: PropertyPath },
  whenMissing: string,
  allowed: () => AllowedKeys,
  result: TableInspection,
): void {
  const replicas = probe(props, ["replicas"]);
  if (!replicas.known) {
    result.unknownPaths.push(replicas.path);
    return;
  }
  asArray(replicas.value).forEach((_, i) => {
    const region = probe(props, ["replicas", i, ...paths.region]);
    const where = region.known && typeof region.value === "string" ? ` (region ${region.value})` : "";
    checkKey(
      subject,
      props,
      ["replicas", i, ...paths.key],
      `the replica${where} ${whenMissing}`,
      allowed,
      result,
    );
  });
}

/**
 * CloudFormation SSESpecification: with SSEEnabled false or absent DynamoDB uses an AWS owned key;
 * SSEType KMS is the only type that takes a KMS key (AWS::DynamoDB::Table SSESpecification).
 */
function checkNativeSseEnabled(subject: string, sse: unknown, result: TableInspection): boolean {
  if (sse === undefined || sse === null) {
    result.findings.push(
      `${subject} has no sseSpecification, so DynamoDB encrypts it with an AWS owned key that no key policy of ` +
        `this account controls. Set sseSpecification to { sseEnabled: true, sseType: "KMS" } and the key ${FIX}.`,
    );
    return false;
  }
  let ok = true;
  const enabled = probe(sse, ["sseEnabled"]);
  if (!enabled.known) {
    result.unknownPaths.push("sseSpecification.sseEnabled");
    ok = false;
  } else if (enabled.value !== true) {
    result.findings.push(
      `${subject} has sseSpecification.sseEnabled ${describeValue(enabled.value)}, so DynamoDB encrypts it with an AWS ` +
        `owned key. Set sseSpecification.sseEnabled to true, sseSpecification.sseType to "KMS" and the key ${FIX}.`,
    );
    ok = false;
  }
  const sseType = probe(sse, ["sseType"]);
  if (!sseType.known) {
    result.unknownPaths.push("sseSpecification.sseType");
    ok = false;
  } else if (sseType.value !== "KMS") {
    result.findings.push(
      `${subject} has sseSpecification.sseType ${describeValue(sseType.value)}; only "KMS" encrypts with a KMS key. ` +
        `Set sseSpecification.sseType to "KMS" and the key ${FIX}.`,
    );
    ok = false;
  }
  return ok;
}

/**
 * Judges the key reference at `path` below `root` (printed with `prefix` in front).
 * `whenMissing` says what DynamoDB does without one.
 */
function checkKey(
  subject: string,
  root: unknown,
  path: PropertyPath,
  whenMissing: string,
  allowed: () => AllowedKeys,
  result: TableInspection,
  prefix: PropertyPath = [],
): void {
  const shown = formatPath([...prefix, ...path]);
  const read = probe(root, path);
  if (!read.known) {
    result.unknownPaths.push(shown);
    return;
  }
  const value = read.value;
  if (typeof value !== "string" || value === "") {
    result.findings.push(`${subject} has no ${shown}, so ${whenMissing}. Set ${shown} ${FIX}.`);
    return;
  }
  const reference = classifyKeyReference(value);
  if (reference.kind === "aws-managed") {
    result.findings.push(
      `${subject} has ${shown} ${JSON.stringify(value)}, an ${reference.form} of the AWS managed key ${reference.alias}: ` +
        "its key policy belongs to AWS and lets every principal of the account that may use DynamoDB decrypt through it, " +
        `so the key users of this stack cannot be enforced. Set ${shown} ${FIX}.`,
    );
    return;
  }
  if (reference.kind === "malformed") {
    result.findings.push(
      `${subject} has ${shown} ${JSON.stringify(value)}, which is not a KMS key id, key ARN, alias name or alias ARN. ` +
        `Set ${shown} ${FIX}.`,
    );
    return;
  }
  const refusal = checkAllowedKey(value, allowed());
  if (refusal !== undefined) {
    result.findings.push(
      `${subject} has ${shown} ${refusal}, as the policy config requires. Set ${shown} to an allowed key.`,
    );
  }
}
