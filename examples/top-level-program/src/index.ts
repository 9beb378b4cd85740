// Top-level program: no exported function; resources are registered as the module loads and the
// stack outputs are the module's exported consts, as in most Pulumi TypeScript programs.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const attributes = [{ name: "id", type: "S" }];

const key = new aws.kms.Key("orders-key", {
  description: "orders table key",
  deletionWindowInDays: 7,
  enableKeyRotation: true,
});

// Compliant: server-side encryption with the customer-managed key above.
const orders = new aws.dynamodb.Table("orders", {
  name: config.require("ordersTable"),
  hashKey: "id",
  attributes,
  billingMode: "PAY_PER_REQUEST",
  serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
});

// Not compliant: no serverSideEncryption block, so DynamoDB's default (an AWS owned key).
const sessions = new aws.dynamodb.Table("sessions", {
  hashKey: "id",
  attributes,
  billingMode: "PAY_PER_REQUEST",
});

const role = new aws.iam.Role("reader-role", {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }),
});
new aws.iam.RolePolicyAttachment("reader-logs", {
  role: role.name,
  policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
});
new aws.iam.RolePolicy("reader-table", {
  role: role.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: orders.arn },
      { Effect: "Allow", Action: ["kms:Decrypt"], Resource: key.arn },
    ],
  }),
});

const reader = new aws.lambda.Function("reader", {
  runtime: aws.lambda.Runtime.NodeJS20dX,
  handler: "index.handler",
  role: role.arn,
  code: new pulumi.asset.AssetArchive({ ".": new pulumi.asset.FileArchive("./app") }),
  environment: { variables: { TABLE: orders.name } },
});

export const ordersTable = orders.name;
export const sessionsTable = sessions.name;
export const readerArn = reader.arn;
