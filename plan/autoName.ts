/**
 * Auto-naming as the Pulumi AWS provider does it. A resource given no name gets one from the provider at
 * Check, before anything is created, so a preview already shows it among the inputs: the logical name,
 * a `-` and 7 random hex characters, within the name's maximum length (pulumi-terraform-bridge
 * `tfbridge.AutoName` with `resource.NewUniqueHex(name + "-", 7, maxlen)`; each type's name field and
 * length in pulumi-aws `provider/resources.go`; Pulumi docs, "Resource names: autonaming"). Some types
 * shape the name further: a KMS alias starts with `alias/`, an S3 bucket's name is lower case, a FIFO
 * queue or topic ends in `.fifo`. A resource that already has a name in the stack's state keeps it, as the
 * provider keeps its old inputs' name. A name prefix (`namePrefix`, `bucketPrefix`) is the provider's to
 * complete when it creates the resource, so no name is chosen at Check then.
 *
 * The suffix is random in the provider; here it is derived from the stack and the resource's URN, so the
 * same config gives the same plan (and the same name the mocks give the physical resource).
 */
import { createHash } from "node:crypto";

interface AutoNameRule {
  /** The input that holds the physical name. */
  property: string;
  maxLength: number;
  /** The inputs that ask the provider to complete a prefix instead. */
  prefixProperties?: string[];
  transform?: (name: string) => string;
  /** The input that makes it FIFO, whose name then ends in `.fifo`. */
  fifo?: string;
}

const lower = (name: string): string => name.toLowerCase();

/** The auto-named types and their name fields (pulumi-aws provider/resources.go). */
export const AUTO_NAMED: Readonly<Record<string, AutoNameRule>> = {
  "aws:iam/user:User": { property: "name", maxLength: 64 },
  "aws:iam/role:Role": { property: "name", maxLength: 64, prefixProperties: ["namePrefix"] },
  "aws:iam/policy:Policy": { property: "name", maxLength: 128, prefixProperties: ["namePrefix"] },
  "aws:iam/group:Group": { property: "name", maxLength: 128 },
  "aws:iam/rolePolicy:RolePolicy": { property: "name", maxLength: 128, prefixProperties: ["namePrefix"] },
  "aws:iam/userPolicy:UserPolicy": { property: "name", maxLength: 128, prefixProperties: ["namePrefix"] },
  "aws:iam/groupPolicy:GroupPolicy": { property: "name", maxLength: 128, prefixProperties: ["namePrefix"] },
  "aws:iam/instanceProfile:InstanceProfile": {
    property: "name",
    maxLength: 128,
    prefixProperties: ["namePrefix"],
  },
  "aws:dynamodb/table:Table": { property: "name", maxLength: 255 },
  "aws:kms/alias:Alias": {
    property: "name",
    maxLength: 256,
    prefixProperties: ["namePrefix"],
    transform: (name) => `alias/${name}`,
  },
  "aws:lambda/function:Function": { property: "name", maxLength: 64 },
  "aws:sns/topic:Topic": {
    property: "name",
    maxLength: 256,
    prefixProperties: ["namePrefix"],
    fifo: "fifoTopic",
  },
  "aws:sqs/queue:Queue": {
    property: "name",
    maxLength: 80,
    prefixProperties: ["namePrefix"],
    fifo: "fifoQueue",
  },
  "aws:s3/bucket:Bucket": {
    property: "bucket",
    maxLength: 63,
    prefixProperties: ["bucketPrefix"],
    transform: lower,
  },
  "aws:s3/bucketV2:BucketV2": {
    property: "bucket",
    maxLength: 63,
    prefixProperties: ["bucketPrefix"],
    transform: lower,
  },
  "aws:cloudwatch/logGroup:LogGroup": { property: "name", maxLength: 512, prefixProperties: ["namePrefix"] },
  "aws:apigateway/restApi:RestApi": { property: "name", maxLength: 255 },
  "aws:secretsmanager/secret:Secret": { property: "name", maxLength: 512, prefixProperties: ["namePrefix"] },
};

/** The 7 hex characters the provider draws at random, derived from the stack and URN here. */
export function autoNameSuffix(stack: string, urn: string): string {
  return createHash("sha256").update(`${stack}\n${urn}#name`).digest("hex").slice(0, 7);
}

/**
 * The inputs with the name the provider would choose at Check, when the type is auto-named and none is
 * given; `previousInputs` are the stack state's inputs of the same resource, whose name it keeps.
 */
export function withAutoName(
  type: string,
  logicalName: string,
  stack: string,
  urn: string,
  inputs: Record<string, unknown>,
  previousInputs?: Record<string, unknown>,
): Record<string, unknown> {
  const rule = AUTO_NAMED[type];
  if (rule === undefined || inputs[rule.property] !== undefined) {
    return inputs;
  }
  if (rule.prefixProperties?.some((key) => inputs[key] !== undefined)) {
    return inputs;
  }
  const kept = previousInputs?.[rule.property];
  if (typeof kept === "string" && kept !== "") {
    return { ...inputs, [rule.property]: kept };
  }
  const suffix = `-${autoNameSuffix(stack, urn)}`;
  const fifo = rule.fifo !== undefined && inputs[rule.fifo] === true ? ".fifo" : "";
  const base = rule.transform ? rule.transform(logicalName) : logicalName;
  const room = rule.maxLength - suffix.length - fifo.length;
  return { ...inputs, [rule.property]: `${base.slice(0, Math.max(room, 1))}${suffix}${fifo}` };
}
