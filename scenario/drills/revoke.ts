/**
 * Drill: revoke a user by taking it out of the key policy (keyUser: false in the stack file, then
 * apply). DynamoDB keeps using the table key it cached on an open connection and asks KMS again only
 * after five minutes without a request (KMS developer guide, "How Amazon DynamoDB uses AWS KMS", Table
 * key), so the user's application loses access then; a new connection loses it at once.
 */
import { keySchemaOf, checkItemKey } from "../../checks/item";
import { createUserClients } from "../../checks/clients";
import { DEFAULT_TABLE_KEY_CACHE_MS } from "../../sandbox/dynamodb/tableKeyCache";
import { planKeyUserChange } from "../grant";
import { describeTable, duration, probeRead, waitOnSimulatedClock, type DrillContext } from "./context";

export async function revokeDrill(context: DrillContext, stack: string, user: string): Promise<void> {
  await context.step(
    `Drill: revoke ${user} (keyUser: false in Pulumi.${stack}.yaml, apply)`,
    async (notes) => {
      const { sandbox, say } = context;
      const outputs = sandbox.outputs();
      const table = await describeTable(context);
      const schema = keySchemaOf(table);
      const probeKey = checkItemKey(schema, { id: "drill-probe", number: 0 }, 0);
      // The user's application: one client kept open, as a service would keep it.
      const application = createUserClients(outputs.users[user], outputs.region, sandbox.endpoint);
      try {
        const probe = () => probeRead(application, outputs.tableName, probeKey);
        const before = await probe();
        // What changes is read from the plan's steps, as `pulumi preview` shows it.
        const revocation = await planKeyUserChange(context.projectDir, stack, user, false, sandbox.state());
        const revoked = revocation.plan;
        for (const line of revocation.lines) {
          say(notes, line);
        }
        const onlyKeyPolicy = revocation.onlyKeyPolicy;
        await sandbox.apply(revoked);
        context.plan = revoked;
        const warm = await probe();
        say(
          notes,
          `${user}'s open connection right after the revoke: ${warm} (DynamoDB's cached table key, no KMS call)`,
        );
        const waited = await waitOnSimulatedClock(context, notes, "drill-revoke");
        const change = waited.accessChanges?.find((entry) => entry.user === user);
        say(
          notes,
          change
            ? `new connections: ${user} went from ${change.from} to ${change.to} on run ${change.run}`
            : `new connections: no change of ${user}'s access was seen`,
        );
        await sandbox.advanceClock(DEFAULT_TABLE_KEY_CACHE_MS);
        const expired = await probe();
        say(
          notes,
          `the open connection after ${duration(DEFAULT_TABLE_KEY_CACHE_MS)} without a request: ${expired}`,
        );
        say(
          notes,
          `on AWS: new connections at once (after the key policy change propagates, seconds); open connections ` +
            `within ${duration(DEFAULT_TABLE_KEY_CACHE_MS)} of inactivity; \`npm run checks -- --wait-for-revoke\` waits for it`,
        );
        return (
          onlyKeyPolicy &&
          before === "allowed" &&
          warm === "allowed" &&
          waited.ok &&
          change?.to === "denied-by-kms" &&
          expired === "denied-by-kms"
        );
      } finally {
        application.destroy();
      }
    },
  );
}
