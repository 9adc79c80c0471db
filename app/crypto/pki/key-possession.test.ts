import { describe, expect, it } from "vitest";
import { KEY_POSSESSION_CONTEXT, keyPossessionMessage, signChallenge } from "./key-possession.ts";

const subtle = globalThis.crypto.subtle;

describe("key possession", () => {
  it("binds the challenge to a context label that cannot start a DER structure or a JWS", () => {
    const challenge = new Uint8Array(32).fill(7);
    const message = keyPossessionMessage(challenge);
    const label = new TextEncoder().encode(KEY_POSSESSION_CONTEXT);
    expect(message.subarray(0, label.length)).toEqual(label);
    expect(message[label.length]).toBe(0);
    expect(message.subarray(label.length + 1)).toEqual(challenge);
    expect(message[0]).not.toBe(0x30);
    expect(message[0]).not.toBe(0x31);
  });

  it("refuses challenges that are too short or too long", () => {
    expect(() => keyPossessionMessage(new Uint8Array(15))).toThrow(RangeError);
    expect(() => keyPossessionMessage(new Uint8Array(257))).toThrow(RangeError);
  });

  it("signs the message, not the bare challenge, and only with a signing key", async () => {
    const { privateKey, publicKey } = await subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      false,
      ["sign", "verify"],
    );
    const challenge = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const signature = await signChallenge(privateKey, challenge, subtle);
    const alg = { name: "RSASSA-PKCS1-v1_5" };
    expect(await subtle.verify(alg, publicKey, signature, keyPossessionMessage(challenge))).toBe(true);
    expect(await subtle.verify(alg, publicKey, signature, challenge)).toBe(false);
    await expect(signChallenge(publicKey, challenge, subtle)).rejects.toThrow(TypeError);
  });
});
