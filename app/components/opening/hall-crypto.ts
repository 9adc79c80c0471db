import { CONFIRMATION_TYPE, signJson } from "#app/crypto/jws/signed-json.ts";
import { base64ToBytes, bytesToBase64, pemBlocks } from "#app/crypto/pki/der.ts";
import { signChallenge } from "#app/crypto/pki/key-possession.ts";
import type { StoredCertificate } from "#app/crypto/pki/key-store.ts";
import { ApiError, postJson } from "#app/components/certificates/api.ts";

/**
 * What the bidder's browser does in the hall with the keys it holds in IndexedDB (ARCHITECTURE.md
 * §4 step 6): sign the sign-in challenge, unwrap its own content key and post only that key, sign
 * the confirmation of the reading-out record. The private keys never leave the browser.
 */
const api = (sectionId: string, what: string) => `/api/sections/${sectionId}/opening/${what}`;

export async function signInWithCertificate(sectionId: string, cert: StoredCertificate, csrf: string): Promise<void> {
  const { id, challenge } = await postJson<{ id: string; challenge: string }>("/api/auth/challenge", {}, csrf);
  const signature = await signChallenge(cert.signingKey, base64ToBytes(challenge), globalThis.crypto.subtle);
  await postJson(api(sectionId, "sign-in"), { challengeId: id, serial: cert.serialHex, signature: bytesToBase64(signature) }, csrf);
}

export type DecryptStep = "unwrapping" | "decrypting";
/** `defect`: decrypted and read out, but the signature or form failed a later check (decision 39). */
export type DecryptAnswer = { decrypted: true; defect?: string } | { decrypted: false; failure: string; detail: string };

export async function decryptOwnBid(
  sectionId: string,
  cert: StoredCertificate,
  csrf: string,
  onStep: (s: DecryptStep) => void,
): Promise<DecryptAnswer> {
  onStep("unwrapping");
  const info = await postJson<{ encryptedKey: string }>(api(sectionId, "recipient-info"), { serial: cert.serialHex }, csrf);
  // RSAES-OAEP/SHA-256 with the non-extractable key: the content key exists only in this page's memory.
  const contentKey = new Uint8Array(
    await globalThis.crypto.subtle.decrypt({ name: "RSA-OAEP" }, cert.decryptionKey, base64ToBytes(info.encryptedKey)),
  );
  onStep("decrypting");
  return postJson<DecryptAnswer>(api(sectionId, "decrypt"), { contentKey: bytesToBase64(contentKey) }, csrf);
}

export async function signConfirmation(
  sectionId: string,
  cert: StoredCertificate,
  input: { openingId: string; recordSha256: string; decision: "confirm" | "object"; signedAt: Date },
  csrf: string,
): Promise<void> {
  const x5c = [cert.certificatePem, ...cert.chainPem.slice(0, 1)].map((pem) => bytesToBase64(pemBlocks(pem)[0]!.der));
  const confirmationJws = await signJson(
    CONFIRMATION_TYPE,
    {
      format: "bidhall.confirmation/1",
      openingId: input.openingId,
      recordSha256: input.recordSha256,
      decision: input.decision,
      signedAt: input.signedAt.toISOString(),
    },
    { key: cert.signingKey, x5c },
  );
  await postJson(api(sectionId, "confirm"), { confirmationJws }, csrf);
}

/** The remedy: the plaintext backup, streamed with upload progress (XHR: fetch has no upload progress). */
export function uploadRemedy(
  sectionId: string,
  file: File,
  csrf: string,
  onProgress: (sent: number, total: number) => void,
): Promise<DecryptAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", api(sectionId, "remedy"));
    xhr.setRequestHeader("x-csrf-token", csrf);
    xhr.setRequestHeader("content-type", "application/zip");
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total);
    xhr.onload = () => {
      const json = (() => {
        try {
          return JSON.parse(xhr.responseText) as DecryptAnswer & { error?: { code: string; message: string } };
        } catch {
          return null;
        }
      })();
      if (xhr.status >= 200 && xhr.status < 300 && json) resolve(json);
      else reject(new ApiError(json?.error?.code ?? "INTERNAL", json?.error?.message ?? `${xhr.status}`));
    };
    xhr.onerror = () => reject(new ApiError("NETWORK", "network error"));
    xhr.send(file);
  });
}
