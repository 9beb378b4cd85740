/**
 * Invokes that read the cloud, answered from what the stack's state holds (`--state`: a sandbox data
 * dir's checkpoint or a `pulumi stack export` file) where it holds the resource they look up: a key by
 * id, ARN or alias, an alias by name, a table, role or user by name, a managed policy by ARN or name.
 * The answer is the resource's recorded outputs, as the data source would read them back.
 */
import type { PlanResourceState } from "../types";
import { reveal } from "../values";

type Lookup = (
  args: Record<string, unknown>,
  resources: readonly PlanResourceState[],
) => Record<string, unknown> | undefined;

const ofType = (resources: readonly PlanResourceState[], type: string) =>
  resources.filter((resource) => resource.type === type && resource.custom);

const outputs = (resource: PlanResourceState | undefined): Record<string, unknown> | undefined =>
  resource === undefined
    ? undefined
    : { ...(reveal(resource.outputs) as Record<string, unknown>), id: resource.id ?? "" };

function byName(type: string, argument: string): Lookup {
  return (args, resources) =>
    outputs(
      ofType(resources, type).find(
        (resource) => resource.outputs.name === args[argument] || resource.id === args[argument],
      ),
    );
}

export const STATE_LOOKUPS: Readonly<Record<string, Lookup>> = {
  "aws:kms/getKey:getKey": (args, resources) => {
    const wanted = args.keyId;
    const alias = ofType(resources, "aws:kms/alias:Alias").find(
      (resource) => resource.outputs.name === wanted || resource.outputs.arn === wanted,
    );
    const target = alias === undefined ? wanted : alias.outputs.targetKeyId;
    const key = ofType(resources, "aws:kms/key:Key").find(
      (resource) =>
        resource.id === target ||
        resource.outputs.arn === target ||
        resource.outputs.arn === alias?.outputs.targetKeyArn,
    );
    return key === undefined ? undefined : { ...outputs(key), keyId: key.id ?? "" };
  },
  "aws:kms/getAlias:getAlias": (args, resources) => {
    const alias = ofType(resources, "aws:kms/alias:Alias").find(
      (resource) => resource.outputs.name === args.name,
    );
    return alias === undefined ? undefined : { ...outputs(alias), id: String(alias.outputs.name) };
  },
  "aws:dynamodb/getTable:getTable": byName("aws:dynamodb/table:Table", "name"),
  "aws:iam/getRole:getRole": byName("aws:iam/role:Role", "name"),
  "aws:iam/getUser:getUser": byName("aws:iam/user:User", "userName"),
  "aws:iam/getPolicy:getPolicy": (args, resources) =>
    outputs(
      ofType(resources, "aws:iam/policy:Policy").find(
        (resource) =>
          (args.arn !== undefined && resource.outputs.arn === args.arn) ||
          (args.name !== undefined && resource.outputs.name === args.name),
      ),
    ),
};
