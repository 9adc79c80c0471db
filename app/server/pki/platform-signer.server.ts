import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "../context.server.ts";
import { resolvePkiPassphrase } from "../secrets.server.ts";
import { decryptPrivateKey } from "./key-storage.server.ts";
import { platformSigner, type Signer } from "../pdf/sign/signer.server.ts";

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * The platform's own signing identity (receipts, reading-out and opening records): its key and
 * the x5c chain [platform certificate, issuing CA]. The platform never signs for a person.
 */
export interface PlatformSigningIdentity {
  key: KeyObject;
  /** Base64 DER, leaf first. */
  x5c: string[];
  certificatePem: string;
  chainPem: string[];
}

const cache = new WeakMap<object, Promise<PlatformSigningIdentity>>();

/** Pass `db` = the transaction when called inside one (embedded PGlite has a single connection). */
export async function loadPlatformSigningIdentity(app: AppContext, db: Executor = app.db): Promise<PlatformSigningIdentity> {
  let cached = cache.get(app.db);
  if (!cached) {
    cached = (async () => {
      const rows = await db
        .selectFrom("pki_authorities")
        .select(["role", "certificate_pem", "encrypted_private_key_pem"])
        .where("role", "in", ["platform", "issuing"])
        .execute();
      const platform = rows.find((r) => r.role === "platform");
      const issuing = rows.find((r) => r.role === "issuing");
      if (!platform || !issuing) throw new AppError("PKI_NOT_INITIALISED");
      const key = createPrivateKey(decryptPrivateKey(platform.encrypted_private_key_pem, resolvePkiPassphrase(app.config, app.log)));
      const b64 = (pem: string) => new X509Certificate(pem).raw.toString("base64");
      return {
        key,
        x5c: [b64(platform.certificate_pem), b64(issuing.certificate_pem)],
        certificatePem: platform.certificate_pem,
        chainPem: [issuing.certificate_pem],
      };
    })();
    cache.set(app.db, cached);
    cached.catch(() => cache.delete(app.db));
  }
  return cached;
}

/** Drops the cached identity (after the platform certificate was renewed). */
export function forgetPlatformSigningIdentity(app: AppContext): void {
  cache.delete(app.db);
}

/** The platform's PDF signer (PAdES B-B) for the records it signs itself: opening records, complaint receipts, objection answers. */
export async function platformPdfSigner(app: AppContext): Promise<Signer> {
  const identity = await loadPlatformSigningIdentity(app);
  const keyPem = identity.key.export({ type: "pkcs8", format: "pem" }).toString();
  return platformSigner(keyPem, [identity.certificatePem, ...identity.chainPem]);
}
