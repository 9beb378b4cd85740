/**
 * Invokes that are pure functions of their arguments and the stack's config, computed as the AWS
 * provider computes them, so an offline plan gets the value a real preview gets:
 *
 * - `aws.getCallerIdentity`: the deploying identity (the plan's deployer);
 * - `aws.getRegion`, `aws.getPartition`: from `aws:region` (or the `region` argument) and the AWS
 *   partitions (aws, aws-cn, aws-us-gov);
 * - `aws.getArn`: the parts of an ARN ("Amazon Resource Names (ARNs)", IAM User Guide);
 * - `aws.getServicePrincipal`: `SERVICE.amazonaws.com` (`amazonaws.com.cn` for the China partition's
 *   services that use it), as the provider's data source builds it;
 * - `aws.iam.getPolicyDocument`: the provider's document rules (policyDocument.ts).
 */
import type { DeployerIdentity } from "../mocks";
import { getPolicyDocument } from "./policyDocument";

export interface InvokeContext {
  region: string;
  deployer: DeployerIdentity;
}

type Computed = (args: Record<string, unknown>, context: InvokeContext) => Record<string, unknown>;

export function partitionOf(region: string): { partition: string; dnsSuffix: string } {
  if (region.startsWith("cn-")) {
    return { partition: "aws-cn", dnsSuffix: "amazonaws.com.cn" };
  }
  if (region.startsWith("us-gov-")) {
    return { partition: "aws-us-gov", dnsSuffix: "amazonaws.com" };
  }
  return { partition: "aws", dnsSuffix: "amazonaws.com" };
}

const regionOf = (args: Record<string, unknown>, context: InvokeContext): string =>
  typeof args.region === "string" && args.region !== "" ? args.region : context.region;

/** The computed invokes by token. */
export const COMPUTED_INVOKES: Readonly<Record<string, Computed>> = {
  "aws:index/getCallerIdentity:getCallerIdentity": (_args, { deployer }) => ({
    ...deployer,
    id: deployer.accountId,
  }),
  "aws:index/getRegion:getRegion": (args, context) => {
    const region = regionOf(args, context);
    return {
      id: region,
      name: region,
      region,
      description: region,
      endpoint: `ec2.${region}.${partitionOf(region).dnsSuffix}`,
    };
  },
  "aws:index/getPartition:getPartition": (args, context) => {
    const { partition, dnsSuffix } = partitionOf(regionOf(args, context));
    return {
      id: partition,
      partition,
      dnsSuffix,
      reverseDnsSuffix: dnsSuffix.split(".").reverse().join("."),
    };
  },
  "aws:index/getArn:getArn": (args) => {
    const arn = String(args.arn);
    const parts = arn.split(":");
    if (parts.length < 6 || parts[0] !== "arn") {
      throw new Error(
        `aws.getArn: ${JSON.stringify(arn)} is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)`,
      );
    }
    return {
      arn,
      id: arn,
      partition: parts[1],
      service: parts[2],
      region: parts[3],
      account: parts[4],
      resource: parts.slice(5).join(":"),
    };
  },
  "aws:index/getServicePrincipal:getServicePrincipal": (args, context) => {
    const serviceName = String(args.serviceName);
    const region = regionOf(args, context);
    const { dnsSuffix } = partitionOf(region);
    const name = `${serviceName}.${dnsSuffix}`;
    return {
      ...args,
      id: `${serviceName}.${region}.${dnsSuffix}`,
      name,
      region,
      serviceName,
      suffix: dnsSuffix,
    };
  },
  "aws:iam/getPolicyDocument:getPolicyDocument": (args) => getPolicyDocument(args),
};
