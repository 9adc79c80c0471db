import { X509Certificate } from "node:crypto";

/**
 * Certificate paths checked with node:crypto alone (jose and forge do not check x5c chains;
 * STACK.md): names and signatures link each certificate to its issuer, up to a trust anchor.
 */

export interface ChainResult {
  trusted: boolean;
  /** Subjects from the signer up to the trust anchor (as far as a path was found). */
  path: string[];
  problems: string[];
}

export function toCertificate(input: string | Uint8Array): X509Certificate {
  return new X509Certificate(typeof input === "string" ? input : Buffer.from(input));
}

function validAt(certificate: X509Certificate, at: Date): boolean {
  return new Date(certificate.validFrom) <= at && at <= new Date(certificate.validTo);
}

/**
 * Builds a path from `leaf` through `intermediates` to one of `roots`: each link by name and
 * signature (X509Certificate#checkIssued and #verify), every certificate valid at `at`, every
 * issuer a CA. No revocation checking: B-B carries no revocation data.
 */
export function verifyCertificateChain(
  leaf: X509Certificate,
  intermediates: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  at: Date,
): ChainResult {
  const problems: string[] = [];
  const path: string[] = [leaf.subject];
  const issues = (child: X509Certificate, issuer: X509Certificate) => child.checkIssued(issuer) && child.verify(issuer.publicKey);
  let current = leaf;
  for (let depth = 0; depth < 8; depth++) {
    if (!validAt(current, at)) problems.push(`${current.subject} is not valid at ${at.toISOString()}`);
    if (roots.some((root) => root.fingerprint256 === current.fingerprint256)) {
      return { trusted: problems.length === 0, path, problems };
    }
    const root = roots.find((candidate) => issues(current, candidate));
    if (root) {
      path.push(root.subject);
      if (!root.ca) problems.push(`${root.subject} is not a CA`);
      if (!validAt(root, at)) problems.push(`${root.subject} is not valid at ${at.toISOString()}`);
      return { trusted: problems.length === 0, path, problems };
    }
    const issuer = intermediates.find((candidate) => candidate.fingerprint256 !== current.fingerprint256 && issues(current, candidate));
    if (!issuer) {
      problems.push(`no trusted issuer found for ${current.subject}`);
      return { trusted: false, path, problems };
    }
    if (!issuer.ca) problems.push(`${issuer.subject} issued a certificate but is not a CA`);
    path.push(issuer.subject);
    current = issuer;
  }
  problems.push("certificate path too long");
  return { trusted: false, path, problems };
}
