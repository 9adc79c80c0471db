/**
 * What the browser shows about a certificate it holds: serial (the platform's form), holder,
 * organisation and end of validity. Read with node-forge, which runs in the browser.
 */

import forge from "node-forge";

export interface CertificateInfo {
  serialHex: string;
  personName: string;
  organisationName: string;
  notAfter: Date;
}

/** Lowercase magnitude hex with an even number of digits (as normaliseSerialHex on the server). */
export function normaliseSerial(hex: string): string {
  let out = hex.toLowerCase().replace(/^0+/, "");
  if (out.length % 2 === 1) out = "0" + out;
  return out;
}

export function certificateInfo(pem: string): CertificateInfo {
  const cert = forge.pki.certificateFromPem(pem);
  const field = (shortName: string) => {
    const value = cert.subject.getField(shortName)?.value as string | undefined;
    if (value === undefined) return "";
    // forge leaves UTF8String values as UTF-8 bytes in a binary string
    try {
      return forge.util.decodeUtf8(value);
    } catch {
      return value;
    }
  };
  return {
    serialHex: normaliseSerial(cert.serialNumber),
    personName: field("CN"),
    organisationName: field("O"),
    notAfter: cert.validity.notAfter,
  };
}
