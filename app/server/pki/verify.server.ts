/**
 * Certificate path validation for people's and the platform's certificates (RFC 5280 §6, the
 * subset a single-root platform PKI needs) and the "prove key possession" check built on it.
 * jose and forge do not check chains (STACK.md); node:crypto's X509Certificate does the
 * signatures, this module the path, validity, CA constraints and CRL revocation. Every failure
 * comes back as a typed reason, never as an exception.
 */

import { constants, verify, X509Certificate } from "node:crypto";
import { equalBytes } from "#app/crypto/pki/der.ts";
import { keyPossessionMessage } from "#app/crypto/pki/key-possession.ts";
import { crlIssuedBy, parseCrl, type CrlReason, type ParsedCrl } from "./crl.server.ts";
import { OID, parseCertificatePem, type KeyUsageName, type ParsedCertificate, type SubjectFields } from "./x509.server.ts";

export type ChainFailureReason =
  /** the certificate (or one above it) ended before `at` */
  | "EXPIRED"
  /** the certificate (or one above it) starts after `at` */
  | "NOT_YET_VALID"
  /** no path to the given root, or an unsupported critical extension */
  | "UNTRUSTED"
  /** listed on a valid CRL of its issuer */
  | "REVOKED"
  /** a certificate's signature does not verify with its issuer's key */
  | "BAD_SIGNATURE"
  /** an issuer is not a CA, may not sign certificates, or its path length is exceeded */
  | "NOT_A_CA"
  /** the leaf's keyUsage lacks a usage the caller requires */
  | "KEY_USAGE"
  /** CRLs were supplied but none valid at `at` covers a certificate that must be checked */
  | "REVOCATION_UNKNOWN"
  /** a certificate could not be parsed */
  | "MALFORMED";

export type CertificateSummary = {
  subject: SubjectFields;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
};

export type ChainVerification =
  | {
      ok: true;
      leaf: CertificateSummary;
      /** leaf first, root last */
      path: CertificateSummary[];
      revocationChecked: boolean;
    }
  | {
      ok: false;
      reason: ChainFailureReason;
      message: string;
      /** the certificate the failure is about, when there is one */
      certificate?: CertificateSummary;
      revokedAt?: Date;
      revocationReason?: CrlReason;
    };

export type VerifyChainInput = {
  leafPem: string;
  /** intermediate certificates, any order; may contain extras */
  chainPem?: string[];
  /** the trust anchor */
  rootPem: string;
  /** the time to validate at (the platform clock, or a proven signing time) */
  at: Date;
  /**
   * DER CRLs. When given, revocation is checked (fail closed: REVOCATION_UNKNOWN when no valid
   * CRL from the right issuer is among them); when omitted, it is not.
   */
  crls?: Uint8Array[];
  /** "leaf" (default): the leaf only, like `openssl verify -crl_check`; "all": every non-root one */
  crlCheck?: "leaf" | "all";
  /** keyUsage bits the leaf must allow (RFC 5280 §4.2.1.3; an absent extension allows all) */
  requireKeyUsage?: KeyUsageName[];
};

/**
 * Extensions this validator understands. Any other extension marked critical makes the
 * certificate unusable (RFC 5280 §4.2: "MUST reject the certificate if it encounters a critical
 * extension it does not recognize"). nameConstraints and policy constraints are not processed,
 * hence not listed.
 */
const UNDERSTOOD_EXTENSIONS = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.subjectAltName,
  OID.cRLDistributionPoints,
  OID.certificatePolicies,
  OID.authorityInfoAccess,
]);

/** Reasons after which a certificate is treated as revoked even at times before the revocation date. */
const KEY_COMPROMISE_REASONS = new Set<CrlReason>(["keyCompromise", "cACompromise", "aACompromise"]);

type Node = { parsed: ParsedCertificate; x509: X509Certificate };

export function verifyCertificateChain(input: VerifyChainInput): ChainVerification {
  const at = input.at;
  let leaf: Node;
  let root: Node;
  let pool: Node[];
  try {
    leaf = load(input.leafPem);
    root = load(input.rootPem);
    pool = (input.chainPem ?? []).map(load);
  } catch (e) {
    return {
      ok: false,
      reason: "MALFORMED",
      message: `cannot read a certificate: ${(e as Error).message}`,
    };
  }

  // 1. Path building: follow issuer names (and key identifiers) from the leaf to the given root.
  if (equalBytes(leaf.parsed.der, root.parsed.der)) {
    return fail("UNTRUSTED", "the trust anchor itself is not an end-entity certificate", leaf);
  }
  const path: Node[] = [leaf];
  for (;;) {
    const current = path[path.length - 1]!;
    if (issued(root, current)) {
      path.push(root);
      break;
    }
    const next = pool.find((c) => !path.includes(c) && !selfIssued(c.parsed) && issued(c, current));
    if (!next) {
      return fail("UNTRUSTED", "no chain from this certificate to the trusted root", current);
    }
    path.push(next);
  }

  // 2. Signatures, each with its issuer's key (RFC 5280 §6.1.3 (a)(1)).
  for (let k = 0; k < path.length - 1; k++) {
    const cert = path[k]!;
    if (!cert.x509.verify(path[k + 1]!.x509.publicKey)) {
      return fail("BAD_SIGNATURE", "the certificate's signature does not verify with its issuer's key", cert);
    }
  }

  // 3. Critical extensions and CA constraints (RFC 5280 §6.1.4 (k), (l), (m), (n)).
  for (let k = 0; k < path.length; k++) {
    const cert = path[k]!;
    for (const [oid, ext] of cert.parsed.extensions) {
      if (ext.critical && !UNDERSTOOD_EXTENSIONS.has(oid)) {
        return fail("UNTRUSTED", `unsupported critical extension ${oid}`, cert);
      }
    }
    if (k === 0) continue;
    const bc = cert.parsed.basicConstraints;
    // A v1 trust anchor has no extensions at all; every other issuer must say CA:TRUE.
    const v1Anchor = k === path.length - 1 && cert.parsed.version === 1;
    if (!v1Anchor && !bc?.ca) return fail("NOT_A_CA", "an issuer in the chain is not a CA certificate", cert);
    if (cert.parsed.keyUsage && !cert.parsed.keyUsage.has("keyCertSign")) {
      return fail("NOT_A_CA", "an issuer in the chain may not sign certificates (keyCertSign)", cert);
    }
    // pathLenConstraint counts the non-self-issued intermediates below this CA (§4.2.1.9).
    if (bc?.pathLen !== undefined && k - 1 > bc.pathLen) {
      return fail("NOT_A_CA", `path length constraint ${bc.pathLen} exceeded`, cert);
    }
  }

  // 4. Validity at `at` for every certificate, the root included (§6.1.3 (a)(2); OpenSSL does the same).
  for (const cert of path) {
    if (at < cert.parsed.notBefore) {
      return fail("NOT_YET_VALID", `not valid before ${cert.parsed.notBefore.toISOString()}`, cert);
    }
    if (at > cert.parsed.notAfter) {
      return fail("EXPIRED", `expired at ${cert.parsed.notAfter.toISOString()}`, cert);
    }
  }

  // 5. What the leaf may be used for.
  const ku = leaf.parsed.keyUsage;
  const missing = ku ? (input.requireKeyUsage ?? []).filter((u) => !ku.has(u)) : [];
  if (missing.length > 0) {
    return fail("KEY_USAGE", `the certificate's key usage does not allow ${missing.join(", ")}`, leaf);
  }

  // 6. Revocation against the supplied CRLs (§6.3).
  if (input.crls) {
    const crls: ParsedCrl[] = [];
    for (const der of input.crls) {
      try {
        crls.push(parseCrl(der));
      } catch {
        // An unreadable CRL counts as absent; step 6 then fails closed if nothing else covers.
      }
    }
    const toCheck = input.crlCheck === "all" ? path.length - 1 : 1;
    for (let k = 0; k < toCheck; k++) {
      const cert = path[k]!;
      const issuer = path[k + 1]!;
      const usable = crls.filter(
        (crl) =>
          crl.unknownCriticalExtensions.length === 0 &&
          // stale at `at`: a CRL whose nextUpdate passed says nothing about `at` (§6.3.3 (a))
          !(crl.nextUpdate && crl.nextUpdate < at) &&
          crlIssuedBy(crl, issuer.parsed, issuer.x509.publicKey),
      );
      if (usable.length === 0) {
        return fail("REVOCATION_UNKNOWN", "no valid CRL from the certificate's issuer covers the time", cert);
      }
      for (const crl of usable) {
        const entry = crl.revoked.get(cert.parsed.serialHex);
        // Revoked if revoked by `at`; a compromised key taints every time, since the compromise
        // may precede the revocation date (RFC 5280 §5.3.1, §5.3.2 invalidityDate).
        if (entry && (entry.revokedAt <= at || KEY_COMPROMISE_REASONS.has(entry.reason))) {
          return {
            ok: false,
            reason: "REVOKED",
            message: `revoked at ${entry.revokedAt.toISOString()} (${entry.reason})`,
            certificate: summary(cert),
            revokedAt: entry.revokedAt,
            revocationReason: entry.reason,
          };
        }
      }
    }
  }

  return {
    ok: true,
    leaf: summary(leaf),
    path: path.map(summary),
    revocationChecked: input.crls !== undefined,
  };
}

export type VerifySignedChallengeInput = Omit<VerifyChainInput, "leafPem" | "requireKeyUsage"> & {
  /** the random bytes the server issued (single-use and expiring: the caller's job) */
  challenge: Uint8Array;
  /** what `signChallenge` returned in the browser */
  signature: Uint8Array;
  certificatePem: string;
};

export type SignedChallengeVerification =
  ChainVerification | { ok: false; reason: "BAD_CHALLENGE_SIGNATURE" | "UNSUPPORTED_KEY"; message: string };

/**
 * Proves that whoever answered holds the private key of a valid person certificate: the
 * certificate chains to the root and is valid and unrevoked at `at` with digitalSignature
 * allowed, and the signature (RSASSA-PKCS1-v1_5 SHA-256) verifies over the context-bound
 * challenge message (app/crypto/pki/key-possession.ts). Throws only for a challenge of the wrong
 * size, a caller bug.
 */
export function verifySignedChallenge(input: VerifySignedChallengeInput): SignedChallengeVerification {
  const { challenge, signature, certificatePem, ...chain } = input;
  const message = keyPossessionMessage(challenge);
  const result = verifyCertificateChain({
    ...chain,
    leafPem: certificatePem,
    requireKeyUsage: ["digitalSignature"],
  });
  if (!result.ok) return result;
  const publicKey = new X509Certificate(certificatePem).publicKey;
  if (publicKey.asymmetricKeyType !== "rsa") {
    return { ok: false, reason: "UNSUPPORTED_KEY", message: "the certificate's key is not RSA" };
  }
  const valid = verify("sha256", message, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  if (!valid) {
    return {
      ok: false,
      reason: "BAD_CHALLENGE_SIGNATURE",
      message: "the challenge signature does not verify with the certificate's key",
    };
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

function load(pem: string): Node {
  return { parsed: parseCertificatePem(pem), x509: new X509Certificate(pem) };
}

/** Name chaining (RFC 5280 §6.1.3 (a)(4)), narrowed by AKI/SKI when both are present. */
function issued(issuer: Node, child: Node): boolean {
  if (!equalBytes(issuer.parsed.subjectDer, child.parsed.issuerDer)) return false;
  const aki = child.parsed.authorityKeyId;
  const ski = issuer.parsed.subjectKeyId;
  return !aki || !ski || aki === ski;
}

function selfIssued(cert: ParsedCertificate): boolean {
  return equalBytes(cert.subjectDer, cert.issuerDer);
}

function summary(node: Node): CertificateSummary {
  return {
    subject: node.parsed.subject,
    serialHex: node.parsed.serialHex,
    notBefore: node.parsed.notBefore,
    notAfter: node.parsed.notAfter,
    fingerprint256: node.x509.fingerprint256,
  };
}

function fail(reason: ChainFailureReason, message: string, cert?: Node): ChainVerification {
  return cert ? { ok: false, reason, message, certificate: summary(cert) } : { ok: false, reason, message };
}
