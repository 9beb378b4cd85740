/**
 * Outputs of resources of providers other than AWS, for a full plan (the one the sandbox deploys), where
 * the provider's computation is a function of the inputs and fresh randomness: `random` (pulumi-random,
 * from terraform-provider-random: RandomString, RandomPassword, RandomId, RandomInteger, RandomPet,
 * RandomUuid, RandomShuffle, RandomBytes) and `tls` PrivateKey (terraform-provider-tls: RSA, ECDSA,
 * ED25519 keys in PEM and OpenSSH forms). Each value has the type and form the provider documents; its
 * randomness is derived from the stack and the resource's URN (keys of RSA aside, which are drawn at
 * random), so the same config gives the same plan. A preview knows none of these: these providers
 * compute them when they create the resource, not at Check. Any other provider's computed outputs stay
 * unknown and are named in the plan (plan/monitor.ts).
 */
import {
  createECDH,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";

type Model = (inputs: Record<string, unknown>, random: Random) => Record<string, unknown>;

/** A deterministic byte stream: SHA-256 in counter mode over a seed. */
export class Random {
  private counter = 0;
  private buffer = Buffer.alloc(0);

  constructor(private readonly seed: string) {}

  bytes(n: number): Buffer {
    while (this.buffer.length < n) {
      const block = createHash("sha256").update(`${this.seed}#${this.counter++}`).digest();
      this.buffer = Buffer.concat([this.buffer, block]);
    }
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return Buffer.from(out);
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return this.bytes(4).readUInt32BE(0) % n;
  }
}

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NUMERIC = "0123456789";
// terraform-provider-random's default special characters.
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

const flag = (value: unknown, fallback: boolean): boolean => (typeof value === "boolean" ? value : fallback);
const count = (value: unknown, fallback: number): number => (typeof value === "number" ? value : fallback);

/** RandomString/RandomPassword's `result`: the minimums of each class first, then any allowed character, shuffled. */
function randomString(inputs: Record<string, unknown>, random: Random): string {
  const length = count(inputs.length, 16);
  const special = typeof inputs.overrideSpecial === "string" ? inputs.overrideSpecial : SPECIAL;
  const classes: [boolean, string, number][] = [
    [flag(inputs.lower, true), LOWER, count(inputs.minLower, 0)],
    [flag(inputs.upper, true), UPPER, count(inputs.minUpper, 0)],
    [flag(inputs.numeric, flag(inputs.number, true)), NUMERIC, count(inputs.minNumeric, 0)],
    [flag(inputs.special, true), special, count(inputs.minSpecial, 0)],
  ];
  const chars: string[] = [];
  let all = "";
  for (const [enabled, set, min] of classes) {
    if (enabled) {
      all += set;
      for (let i = 0; i < min; i++) chars.push(set[random.below(set.length)]);
    }
  }
  all ||= LOWER;
  while (chars.length < length) chars.push(all[random.below(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.slice(0, Math.max(length, 0)).join("");
}

const PET_ADJECTIVES = [
  "able",
  "brave",
  "calm",
  "eager",
  "fair",
  "gentle",
  "happy",
  "keen",
  "lively",
  "proud",
  "quick",
  "witty",
];
const PET_NAMES = [
  "badger",
  "cat",
  "dingo",
  "eagle",
  "ferret",
  "gecko",
  "heron",
  "ibis",
  "koala",
  "lemur",
  "otter",
  "panda",
];

function uuid(bytes: Buffer): string {
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = bytes.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const MODELS: Readonly<Record<string, Model>> = {
  "random:index/randomString:RandomString": (inputs, random) => {
    const result = randomString(inputs, random);
    return { result, id: result };
  },
  "random:index/randomPassword:RandomPassword": (inputs, random) => ({
    result: randomString(inputs, random),
    id: "none",
  }),
  "random:index/randomId:RandomId": (inputs, random) => {
    const bytes = random.bytes(count(inputs.byteLength, 8));
    const prefix = typeof inputs.prefix === "string" ? inputs.prefix : "";
    const b64Url = bytes.toString("base64url");
    return {
      id: b64Url,
      b64Url: `${prefix}${b64Url}`,
      b64Std: `${prefix}${bytes.toString("base64")}`,
      hex: `${prefix}${bytes.toString("hex")}`,
      dec: `${prefix}${BigInt(`0x${bytes.toString("hex") || "0"}`).toString(10)}`,
    };
  },
  "random:index/randomInteger:RandomInteger": (inputs, random) => {
    const min = count(inputs.min, 0);
    const max = count(inputs.max, min);
    const result = min + random.below(Math.max(max - min + 1, 1));
    return { result, id: String(result) };
  },
  "random:index/randomPet:RandomPet": (inputs, random) => {
    const length = count(inputs.length, 2);
    const separator = typeof inputs.separator === "string" ? inputs.separator : "-";
    const words = Array.from({ length }, (_, i) =>
      i === length - 1
        ? PET_NAMES[random.below(PET_NAMES.length)]
        : PET_ADJECTIVES[random.below(PET_ADJECTIVES.length)],
    );
    if (typeof inputs.prefix === "string") words.unshift(inputs.prefix);
    return { id: words.join(separator) };
  },
  "random:index/randomUuid:RandomUuid": (_inputs, random) => {
    const result = uuid(random.bytes(16));
    return { result, id: result };
  },
  "random:index/randomShuffle:RandomShuffle": (inputs, random) => {
    const list = Array.isArray(inputs.inputs) ? [...inputs.inputs] : [];
    for (let i = list.length - 1; i > 0; i--) {
      const j = random.below(i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
    const n = typeof inputs.resultCount === "number" ? inputs.resultCount : list.length;
    return { results: list.slice(0, n), id: "-" };
  },
  "random:index/randomBytes:RandomBytes": (inputs, random) => {
    const bytes = random.bytes(count(inputs.length, 32));
    return { base64: bytes.toString("base64"), hex: bytes.toString("hex"), id: "none" };
  },
  "tls:index/privateKey:PrivateKey": (inputs, random) => privateKey(inputs, random),
};

/** Outputs a secret in the provider's schema (`secret: true`): the plan marks them so. */
export const SECRET_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  "random:index/randomPassword:RandomPassword": ["result"],
  "random:index/randomBytes:RandomBytes": ["base64", "hex"],
  "tls:index/privateKey:PrivateKey": ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"],
};

/** The outputs the provider computes for a created resource, or undefined for a type not modelled. */
export function providerOutputs(
  type: string,
  stack: string,
  urn: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const model = MODELS[type];
  return model === undefined ? undefined : model(inputs, new Random(`${stack}\n${urn}`));
}

const CURVES: Record<string, { name: string; crv: string; ssh: string; bytes: number }> = {
  P256: { name: "prime256v1", crv: "P-256", ssh: "nistp256", bytes: 32 },
  P384: { name: "secp384r1", crv: "P-384", ssh: "nistp384", bytes: 48 },
  P521: { name: "secp521r1", crv: "P-521", ssh: "nistp521", bytes: 66 },
};

function privateKey(inputs: Record<string, unknown>, random: Random): Record<string, unknown> {
  const algorithm = typeof inputs.algorithm === "string" ? inputs.algorithm : "RSA";
  let key: KeyObject;
  let sshBlob: Buffer;
  let sshType: string;
  if (algorithm === "ED25519") {
    const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), random.bytes(32)]);
    key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    const raw = createPublicKey(key).export({ format: "der", type: "spki" }).subarray(-32);
    sshType = "ssh-ed25519";
    sshBlob = Buffer.concat([sshString(Buffer.from(sshType)), sshString(raw)]);
  } else if (algorithm === "ECDSA") {
    const curve = CURVES[typeof inputs.ecdsaCurve === "string" ? inputs.ecdsaCurve : "P224"] ?? CURVES.P256;
    const ecdh = createECDH(curve.name);
    // A scalar below the curve's order: the top byte cleared keeps it in range for these curves.
    const scalar = random.bytes(curve.bytes);
    scalar[0] &= curve.bytes === 66 ? 0x01 : 0x7f;
    ecdh.setPrivateKey(scalar);
    const point = ecdh.getPublicKey();
    const half = (point.length - 1) / 2;
    key = createPrivateKey({
      key: {
        kty: "EC",
        crv: curve.crv,
        d: scalar.toString("base64url"),
        x: point.subarray(1, 1 + half).toString("base64url"),
        y: point.subarray(1 + half).toString("base64url"),
      },
      format: "jwk",
    });
    sshType = `ecdsa-sha2-${curve.ssh}`;
    sshBlob = Buffer.concat([
      sshString(Buffer.from(sshType)),
      sshString(Buffer.from(curve.ssh)),
      sshString(point),
    ]);
  } else {
    const bits = typeof inputs.rsaBits === "number" ? inputs.rsaBits : 2048;
    key = generateKeyPairSync("rsa", { modulusLength: bits }).privateKey;
    const jwk = createPublicKey(key).export({ format: "jwk" });
    sshType = "ssh-rsa";
    sshBlob = Buffer.concat([
      sshString(Buffer.from(sshType)),
      sshString(mpint(Buffer.from(String(jwk.e), "base64url"))),
      sshString(mpint(Buffer.from(String(jwk.n), "base64url"))),
    ]);
  }
  const publicKey = createPublicKey(key);
  const publicKeyPem = String(publicKey.export({ format: "pem", type: "spki" }));
  const pkcs8 = String(key.export({ format: "pem", type: "pkcs8" }));
  const traditional =
    algorithm === "RSA"
      ? String(key.export({ format: "pem", type: "pkcs1" }))
      : algorithm === "ECDSA"
        ? String(key.export({ format: "pem", type: "sec1" }))
        : pkcs8;
  const md5 = createHash("md5").update(sshBlob).digest("hex").match(/../g)!.join(":");
  return {
    algorithm,
    privateKeyPem: traditional,
    privateKeyPemPkcs8: pkcs8,
    publicKeyPem,
    publicKeyOpenssh: `${sshType} ${sshBlob.toString("base64")}\n`,
    publicKeyFingerprintMd5: md5,
    publicKeyFingerprintSha256: `SHA256:${createHash("sha256").update(sshBlob).digest("base64").replace(/=+$/, "")}`,
    id: createHash("sha1")
      .update(publicKey.export({ format: "der", type: "spki" }))
      .digest("hex"),
  };
}

function sshString(data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

function mpint(data: Buffer): Buffer {
  return data[0] & 0x80 ? Buffer.concat([Buffer.from([0]), data]) : data;
}
