/**
 * The emulated cloud as `pulumi refresh` reads it: the sandbox's own record in its data dir (the state
 * file, apart from the checkpoint), behind the plan engine's CloudReader (plan/refresh.ts). Keys are read
 * from their one owner's persisted state (the KeyRegistry's snapshot): what DescribeKey and GetKeyPolicy
 * would answer a provider's Read.
 */
import type { CloudReader } from "../../plan/refresh";
import { readStateFile } from "./stateFile";

export function readCloud(dataDir: string): CloudReader {
  const cloud = readStateFile(dataDir);
  const resources = cloud?.deployment.resources ?? [];
  return {
    resourceInputs: (type, id) =>
      resources.find((resource) => resource.type === type && resource.id === id)?.inputs,
    key: (arn) => {
      if (cloud?.keys?.deleted.some((key) => key.keyArn === arn)) {
        return "deleted";
      }
      return cloud?.keys?.keys.find((key) => key.keyArn === arn);
    },
  };
}
