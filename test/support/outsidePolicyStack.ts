/**
 * A generated stack whose users' access is decided by policies outside their own: the sandbox's test of
 * groups, boundaries, SCPs and RCPs over HTTP, and the account-data test that collects it from the
 * sandbox and proves it again.
 */
import type { Plan } from "../../plan/types";
import { buildStackPlan } from "./accessStacks";

/** The plan, its resources' names starting with `id` (`out-u0`, `out-t0`). */
export function outsidePolicyPlan(id: string): Plan {
  return buildStackPlan({
    id,
    users: [
      // u0: no policy of its own; its group gives it read-write access to the table and the key.
      { access: "none", extras: [], withAccessKey: true },
      // u1: read-write and a key user, under a boundary that allows reads only.
      { access: "readwrite", extras: [], withAccessKey: true, boundary: "reads-only" },
      // u2: read-write and a key user, under a boundary that allows DynamoDB only.
      { access: "readwrite", extras: [], withAccessKey: true, boundary: "tables-only" },
    ],
    keys: [{ rootStatement: true, keyUsers: [1, 2], viaDynamoDbOnly: false, deniedUsers: [], enabled: true }],
    tables: [0],
    groups: [
      {
        access: "readwrite",
        extras: ["allow-kms-decrypt"],
        members: [0],
        policyAs: "attached",
        membership: "user-group-membership",
      },
    ],
    // In a member account: an SCP denying DeleteItem and an RCP denying kms:Decrypt outside DynamoDB.
    organization: {
      scps: ["deny-delete-item"],
      rcps: ["deny-direct-decrypt"],
      attachedTo: "root",
      account: "member",
    },
  });
}
