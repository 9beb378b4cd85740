/**
 * `npm run sandbox:clock -- --credentials FILE`: moves a running
 * sandbox's simulated clock forward (DURATION: a number and a unit, s m h d, e.g. 5m, 7d), or without
 * --advance prints it. FILE is what `npm run sandbox -- --deployer-credentials FILE` wrote (the
 * deploying identity's key, which alone may call the admin API); the endpoint defaults to the one in it.
 */
import { displayValue } from "../common/display";
import { displayPath, readUserJson } from "../common/userFile";
import { callAdmin, type AdminCredentials } from "../sandbox/admin/client";
import { defineCommand, mainOf, runMain, UsageError } from "./runner";

const UNITS = { s: "Seconds", m: "Minutes", h: "Hours", d: "Days" } as const;

export const command = defineCommand({
  name: "sandbox:clock",
  summary:
    "Prints a running sandbox's simulated clock, or moves it forward (key deletions and table archival follow), through the deployer-signed admin call.",
  options: {
    credentials: {
      type: "string",
      placeholder: "FILE",
      required: true,
      description:
        "what `npm run sandbox -- --deployer-credentials FILE` wrote: the deploying identity's key",
    },
    endpoint: {
      type: "string",
      placeholder: "URL",
      description: "the sandbox's http://127.0.0.1:PORT (default: the one in the credentials file)",
    },
    advance: {
      type: "string",
      placeholder: "DURATION",
      description: "move the clock forward: a number and a unit, s m h d (300s, 5m, 2h, 7d)",
    },
    json: {
      type: "boolean",
      description: 'print { "now": ISO 8601 time, "advancedSeconds": N } as JSON instead of the sentence',
    },
  },
  async run(args, ctx) {
    const { io } = ctx;
    const file = readCredentials(args.credentials);
    const endpoint = args.endpoint ?? file.endpoint;
    if (endpoint === undefined || !/^http:\/\/127\.0\.0\.1:\d+\/?$/.test(endpoint)) {
      throw new UsageError(
        `--endpoint: ${displayValue(String(endpoint))} is not the sandbox's http://127.0.0.1:PORT`,
      );
    }
    const advance = args.advance === undefined ? undefined : parseDuration(args.advance);
    let reply;
    try {
      reply = await callAdmin({
        endpoint,
        region: file.region,
        credentials: file,
        operation: advance === undefined ? "DescribeClock" : "AdvanceClock",
        body: advance === undefined ? {} : { [advance.unit]: advance.value },
      });
    } catch (err) {
      throw new UsageError(`${endpoint}: ${(err as Error).message}`);
    }
    if (reply.status !== 200) {
      // Shortened: the server may not be the sandbox, and its words are not ours to print at length.
      const code = displayValue(String(reply.body.__type ?? reply.status), 100);
      throw new UsageError(`${endpoint}: ${code}: ${displayValue(String(reply.body.message ?? ""))}`);
    }
    const now = Number(reply.body.Now);
    const advanced = Number(reply.body.AdvancedSeconds);
    if (!Number.isFinite(now) || Math.abs(now) > 8.64e12 || !Number.isFinite(advanced)) {
      throw new UsageError(
        `${endpoint}: answered 200, but not as the sandbox's admin API (no Now, AdvancedSeconds)`,
      );
    }
    const time = new Date(now * 1000).toISOString();
    io.stdout(
      args.json
        ? JSON.stringify({ now: time, advancedSeconds: advanced })
        : `sandbox clock: ${time} (advanced ${formatSeconds(advanced)} in all)`,
    );
    return 0;
  },
});

export const main = mainOf(command);

interface CredentialsFile extends AdminCredentials {
  readonly region: string;
  readonly endpoint?: string;
}

function readCredentials(path: string): CredentialsFile {
  // A few hundred bytes as written; bounded, and never quoted in an error (it holds a secret).
  const read = readUserJson(path, { flag: "--credentials", maxBytes: 64 * 1024 });
  if (typeof read !== "object" || read === null || Array.isArray(read)) {
    throw new UsageError(`--credentials: ${displayPath(path)} is not a JSON object`);
  }
  const { accessKeyId, secretAccessKey, region, endpoint } = read as Record<string, unknown>;
  // Never print the values: the file holds a secret.
  if (typeof accessKeyId !== "string" || !/^AKIA[A-Z2-7]{16}$/.test(accessKeyId)) {
    throw new UsageError(`--credentials: ${displayPath(path)} has no accessKeyId of the form AKIA…`);
  }
  if (typeof secretAccessKey !== "string" || typeof region !== "string") {
    throw new UsageError(`--credentials: ${displayPath(path)} needs secretAccessKey and region`);
  }
  return {
    accessKeyId,
    secretAccessKey,
    region,
    endpoint: typeof endpoint === "string" ? endpoint : undefined,
  };
}

export function parseDuration(text: string): { unit: (typeof UNITS)[keyof typeof UNITS]; value: number } {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text);
  if (match === null || Number(match[1]) <= 0) {
    throw new UsageError(
      `--advance: ${displayValue(text)} is not a positive duration such as 300s, 5m, 2h or 7d`,
    );
  }
  return { unit: UNITS[match[2] as keyof typeof UNITS], value: Number(match[1]) };
}

function formatSeconds(seconds: number): string {
  if (seconds >= 86_400) {
    return `${(seconds / 86_400).toFixed(2)} days`;
  }
  return seconds >= 60 ? `${(seconds / 60).toFixed(1)} minutes` : `${seconds} s`;
}

if (require.main === module) {
  runMain(command);
}
