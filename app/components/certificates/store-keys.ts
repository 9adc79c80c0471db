import { certificateInfo } from "#app/crypto/pki/certificate-info.ts";
import { importNonExtractableKeys } from "#app/crypto/pki/enrolment.ts";
import { saveCertificate, type StoredCertificate } from "#app/crypto/pki/key-store.ts";

/**
 * The last step of enrolment and of importing a backup (ARCHITECTURE.md §3): the private key is
 * imported twice as non-extractable CryptoKeys and stored with its certificate in IndexedDB,
 * keyed by serial; the PKCS#8 bytes are wiped, so only the non-extractable copies remain.
 */
export async function storeNonExtractable(input: {
  pkcs8Der: Uint8Array<ArrayBuffer>;
  certificatePem: string;
  chainPem: string[];
  origin?: StoredCertificate["origin"];
  backupFileName?: string;
}): Promise<StoredCertificate> {
  const subtle = globalThis.crypto.subtle;
  try {
    const { signingKey, decryptionKey } = await importNonExtractableKeys(input.pkcs8Der, subtle);
    const info = certificateInfo(input.certificatePem);
    const record: StoredCertificate = {
      serialHex: info.serialHex,
      certificatePem: input.certificatePem,
      chainPem: input.chainPem,
      personName: info.personName,
      organisationName: info.organisationName,
      notAfter: info.notAfter.toISOString(),
      signingKey,
      decryptionKey,
      importedAt: new Date().toISOString(),
      ...(input.origin ? { origin: input.origin } : {}),
      ...(input.backupFileName ? { backupFileName: input.backupFileName } : {}),
    };
    await saveCertificate(record);
    return record;
  } finally {
    input.pkcs8Der.fill(0);
  }
}

/** Offers bytes as a file download (the browser asks where to save, or saves to Downloads). */
export function downloadFile(bytes: Uint8Array<ArrayBuffer>, fileName: string, type: string): string {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  return url;
}
