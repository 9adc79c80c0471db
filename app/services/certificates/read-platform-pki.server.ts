import type { AppContext } from "#app/server/context.server.ts";
import {
  currentCrl,
  listPlatformCertificates,
  requireCaCertificates,
  type AuthorityInfo,
  type PlatformCertificateInfo,
} from "#app/server/pki/platform-pki.server.ts";

/** The platform's CA certificates, public to anyone (relying parties import the root). */
export async function getPublicCaCertificates(app: AppContext): Promise<{ root: AuthorityInfo; issuing: AuthorityInfo }> {
  return requireCaCertificates(app.db);
}

/** The issuing CA's current CRL (DER), published afresh when the latest is a day old. */
export async function getCurrentCrl(app: AppContext): Promise<{ der: Uint8Array; crlNumber: bigint; thisUpdate: Date; nextUpdate: Date }> {
  return currentCrl(app);
}

/**
 * The platform's document-signing certificates, current first, then legacy ones (decision 27):
 * what relying parties pin (`bidhall verify --platform`), public like the root.
 */
export async function getPlatformCertificates(app: AppContext): Promise<PlatformCertificateInfo[]> {
  await requireCaCertificates(app.db);
  return listPlatformCertificates(app.db);
}
