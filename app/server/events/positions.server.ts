import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto";

/**
 * How a stream's positions (live event ids) are written for browsers that must not learn about
 * the events they are not sent (decision 23). Ids are one sequence across every stream, so the
 * gap between two ids a viewer receives — or between the position of two renderings of a page —
 * would count the events it was not sent: a sign-in before the deadline, say.
 *
 * A position is written as one AES-256 block of the id (8 bytes, big-endian) and 8 zero bytes,
 * base64url: a single block of AES is a pseudorandom permutation, so tokens of ids 41 and 42 look
 * unrelated and show neither the id nor any distance, while the zero half tells a forged or
 * foreign token (it decrypts to noise) from a real one. The key is derived from the session
 * secret, which every instance shares, so any instance reads a token another one wrote.
 */
export interface EventPositions {
  encode(id: bigint): string;
  /** The id, or undefined when `token` is not a position this platform wrote. */
  decode(token: string): bigint | undefined;
}

const TOKEN = /^[A-Za-z0-9_-]{22}$/;

export function eventPositions(secret: string): EventPositions {
  const key = Buffer.from(hkdfSync("sha256", secret, "bidhall", "live event positions v1", 32));
  const run = (cipher: ReturnType<typeof createCipheriv> | ReturnType<typeof createDecipheriv>, block: Buffer) => {
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(block), cipher.final()]);
  };
  return {
    encode(id) {
      if (id < 0n || id >= 1n << 64n) throw new RangeError(`not a live event id: ${id}`);
      const block = Buffer.alloc(16);
      block.writeBigUInt64BE(id);
      return run(createCipheriv("aes-256-ecb", key, null), block).toString("base64url");
    },
    decode(token) {
      if (!TOKEN.test(token)) return undefined;
      const bytes = Buffer.from(token, "base64url");
      if (bytes.length !== 16) return undefined;
      const block = run(createDecipheriv("aes-256-ecb", key, null), bytes);
      if (!block.subarray(8).equals(Buffer.alloc(8))) return undefined;
      return block.readBigUInt64BE(0);
    },
  };
}

const bySecrets = new WeakMap<object, EventPositions>();

/** The positions of an app (one per process: its key is derived once). */
export function eventPositionsOf(app: { secrets: { session: string } }): EventPositions {
  let positions = bySecrets.get(app.secrets);
  if (!positions) bySecrets.set(app.secrets, (positions = eventPositions(app.secrets.session)));
  return positions;
}
