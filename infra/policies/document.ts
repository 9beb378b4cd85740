import type * as iam from "@pulumi/aws/iam";

/**
 * An IAM policy document built from plain values: an `aws.iam.PolicyDocument` whose statements are
 * a plain array, so the builders' results can be inspected and tested without Outputs.
 */
export interface PolicyDocument extends iam.PolicyDocument {
  Version: "2012-10-17";
  Statement: iam.PolicyStatement[];
}
