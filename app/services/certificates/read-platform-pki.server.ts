import type { AppContext } from "#app/server/context.server.ts";
import { currentCrl, requireCaCertificates, type AuthorityInfo } from "#app/server/pki/platform-pki.server.ts";

/** The platform's CA certificates, public to anyone (relying parties import the root). */
export async function getPublicCaCertificates(app: AppContext): Promise<{ root: AuthorityInfo; issuing: AuthorityInfo }> {
  return requireCaCertificates(app.db);
}

/** The issuing CA's current CRL (DER), published afresh when the latest is a day old. */
export async function getCurrentCrl(app: AppContext): Promise<{ der: Uint8Array; crlNumber: bigint; thisUpdate: Date; nextUpdate: Date }> {
  return currentCrl(app);
}
