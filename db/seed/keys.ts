import { buildCsr, generateEnrolmentKey, importNonExtractableKeys } from "#app/crypto/pki/enrolment.ts";
import { buildPkcs12Backup } from "#app/crypto/pki/pkcs12.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { issueCertificate, type IssuedCertificate } from "#app/services/certificates/issue-certificate.server.ts";

/**
 * A demo bidder's person holding a key the way a browser does (ARCHITECTURE.md §3), made with the
 * browser's own code on Node's WebCrypto: an RSA-3072 key pair, a CSR, the certificate from the
 * platform CA through the enrolment service, the encrypted PKCS#12 backup, and the private key
 * imported twice as non-extractable CryptoKeys (signing, unwrapping). The seed signs and
 * decrypts with these exactly as the hall's page does; the backup is what the development page
 * offers, so one person can take the seat in a real browser.
 */
export interface DemoKeyHolder {
  actor: Actor;
  meta: RequestMeta;
  signingKey: CryptoKey;
  decryptionKey: CryptoKey;
  certificate: IssuedCertificate;
  backup: Uint8Array;
}

/**
 * The backups' password is printed on the development page beside them, so PBKDF2 iterations
 * protect nothing here; 10,000 (RFC 8018 asks for at least 1,000) keeps seeding and the
 * browser's import quick. Backups people make themselves keep the default (100,000).
 */
export const DEMO_BACKUP_ITERATIONS = 10_000;

export interface PendingKey {
  csrPem: string;
  pkcs8: Uint8Array<ArrayBuffer>;
}

const subtle = () => globalThis.crypto.subtle;

/** Key pair and CSR, as the enrolment page makes them; several at once run on the thread pool. */
export async function makeKey(commonName: string): Promise<PendingKey> {
  const keyPair = await generateEnrolmentKey(subtle());
  const csrPem = await buildCsr(keyPair, subtle(), { commonName });
  const pkcs8 = new Uint8Array(await subtle().exportKey("pkcs8", keyPair.privateKey));
  return { csrPem, pkcs8 };
}

/** Enrols the member (a `certificate.issued` audit row at the story's instant) and keeps the key as the browser would. */
export async function enrolDemoMember(
  app: AppContext,
  input: { actor: Actor; meta: RequestMeta; key: PendingKey; backupPassword: string },
): Promise<DemoKeyHolder> {
  const certificate = await issueCertificate(app, { actor: input.actor, csrPem: input.key.csrPem, meta: input.meta });
  const backup = buildPkcs12Backup({
    privateKeyPkcs8Der: input.key.pkcs8,
    certificatePem: certificate.certificatePem,
    chainPem: certificate.chainPem,
    password: input.backupPassword,
    friendlyName: `${certificate.personName} — ${certificate.organisationName}`,
    iterations: DEMO_BACKUP_ITERATIONS,
  });
  const { signingKey, decryptionKey } = await importNonExtractableKeys(input.key.pkcs8, subtle());
  return { actor: input.actor, meta: input.meta, signingKey, decryptionKey, certificate, backup };
}
