import { X509Certificate } from "node:crypto";
import { OID, parseCertificateDer } from "./x509.server.ts";

/**
 * Who signed, from the certificate alone (decision 27): a signer is named by its certificate's
 * subject, never by a name the document declares, and is the platform only when its certificate
 * is one the relying party pins (the server: its own; `bidhall verify --platform/--server`: what
 * the platform publishes at /pki/platform.pem), or — with no pins — when it chains to the trusted
 * root and carries the platform's purpose, which the platform CA never gives a person.
 */

export type SignerRole = "platform" | "platform-legacy" | "person";

export interface SignerIdentity {
  commonName: string | null;
  organization: string | null;
  /** organizationIdentifier (2.5.4.97): the organisation's USCC. */
  organizationIdentifier: string | null;
  serialHex: string;
  fingerprint256: string;
  /** "platform-legacy": a pinned platform certificate issued before the platform's purpose existed. */
  role: SignerRole;
  /** By a pin, or by a chain to the trusted root; false when nothing was trusted. */
  roleEstablished: boolean;
  hasPlatformPurpose: boolean;
  /** Why the certificate cannot be what it claims, when it cannot. */
  problem: string | null;
}

export interface IdentifySignerOptions {
  /** Whether the certificate chains to a trusted root at the time that counts (null: not checked). */
  chainTrusted: boolean | null;
  /** The platform's signing certificates, current and legacy: when given, only these are the platform. */
  platformCertificates?: readonly (string | Uint8Array)[] | undefined;
}

const fingerprintOf = (input: string | Uint8Array) =>
  new X509Certificate(typeof input === "string" ? input : Buffer.from(input)).fingerprint256;

export function identifySigner(certificateDer: Uint8Array, options: IdentifySignerOptions): SignerIdentity {
  const parsed = parseCertificateDer(certificateDer);
  const fingerprint256 = new X509Certificate(Buffer.from(certificateDer)).fingerprint256;
  const hasPlatformPurpose = parsed.extKeyUsage?.includes(OID.bidhallPlatformDocumentSigning) ?? false;
  const pins = (options.platformCertificates ?? []).map(fingerprintOf);
  const base = {
    commonName: parsed.subject.commonName ?? null,
    organization: parsed.subject.organizationName ?? null,
    organizationIdentifier: parsed.subject.organizationIdentifier ?? null,
    serialHex: parsed.serialHex,
    fingerprint256,
    hasPlatformPurpose,
  };
  if (pins.length > 0) {
    if (pins.includes(fingerprint256)) {
      return { ...base, role: hasPlatformPurpose ? "platform" : "platform-legacy", roleEstablished: true, problem: null };
    }
    return {
      ...base,
      role: "person",
      roleEstablished: options.chainTrusted === true,
      problem: hasPlatformPurpose ? "the certificate carries the platform's purpose but is not one of the platform's certificates" : null,
    };
  }
  return { ...base, role: hasPlatformPurpose ? "platform" : "person", roleEstablished: options.chainTrusted === true, problem: null };
}

export function isPlatform(identity: SignerIdentity): boolean {
  return identity.roleEstablished && (identity.role === "platform" || identity.role === "platform-legacy") && identity.problem === null;
}

const ROLE_LABELS: Record<SignerRole, string> = {
  platform: "platform",
  "platform-legacy": "platform (legacy, no EKU)",
  person: "person",
};

/** `person: CN=张三, O=某某建设集团有限公司, USCC 91350100M000100Y43` and how far that is established. */
export function describeSigner(identity: SignerIdentity): string {
  const subject = [
    identity.commonName !== null && `CN=${identity.commonName}`,
    identity.organization !== null && `O=${identity.organization}`,
    identity.organizationIdentifier !== null && `USCC ${identity.organizationIdentifier}`,
  ]
    .filter(Boolean)
    .join(", ");
  const established = identity.roleEstablished ? "" : " (unverified: no trusted root or pin vouches for it)";
  return `${ROLE_LABELS[identity.role]}${established}: ${subject || `serial ${identity.serialHex}`}`;
}
