/**
 * Proof of key possession: the server sends random challenge bytes, the person's browser signs
 * them with the non-extractable signing key, the server checks the signature against the
 * person's certificate (app/server/pki/verify.server.ts `verifySignedChallenge`).
 *
 * The same RSA key signs bids, notices and contracts (ARCHITECTURE.md §3), so the browser must
 * never sign bytes chosen by the server as they are: a server could send the DER of a CMS
 * SignedAttributes and get back a valid document signature the person never saw (电子签名法
 * Art 13 "sole control", DOMAIN.md §8). The signed message is therefore a fixed context label,
 * a zero byte, then the challenge. It starts with ASCII "b" (0x62), so it can be neither DER
 * SignedAttributes (0x31, RFC 5652 §5.4) nor a JWS signing input (base64url of "{", "ey…").
 */

import { toBytes } from "./der.ts";

export const KEY_POSSESSION_CONTEXT = "bidhall/key-possession/v1";

/** Challenges are random server nonces; bounds keep them from carrying documents. */
export const CHALLENGE_MIN_BYTES = 16;
export const CHALLENGE_MAX_BYTES = 256;

/** The exact bytes signed for a challenge: UTF-8 context label ‖ 0x00 ‖ challenge. */
export function keyPossessionMessage(challenge: Uint8Array): Uint8Array<ArrayBuffer> {
  if (challenge.length < CHALLENGE_MIN_BYTES || challenge.length > CHALLENGE_MAX_BYTES) {
    throw new RangeError(`challenge must be ${CHALLENGE_MIN_BYTES}–${CHALLENGE_MAX_BYTES} bytes, got ${challenge.length}`);
  }
  const label = new TextEncoder().encode(KEY_POSSESSION_CONTEXT);
  const out = new Uint8Array(label.length + 1 + challenge.length);
  out.set(label, 0);
  out[label.length] = 0;
  out.set(challenge, label.length + 1);
  return out;
}

/**
 * Signs a server challenge with the person's signing key (RSASSA-PKCS1-v1_5 with SHA-256, the
 * key imported by `importNonExtractableKeys`). Returns the raw signature (modulus-length bytes).
 */
export async function signChallenge(signingKey: CryptoKey, challenge: Uint8Array, subtle: SubtleCrypto): Promise<Uint8Array<ArrayBuffer>> {
  if (signingKey.algorithm.name !== "RSASSA-PKCS1-v1_5" || !signingKey.usages.includes("sign")) {
    throw new TypeError("signChallenge needs an RSASSA-PKCS1-v1_5 key with usage 'sign'");
  }
  const signature = await subtle.sign({ name: "RSASSA-PKCS1-v1_5" }, signingKey, keyPossessionMessage(challenge));
  return toBytes(signature);
}
