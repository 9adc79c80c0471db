import { base64ToBytes, x5cToPem } from "#app/crypto/pki/der.ts";
import { CONFIRMATION_TYPE, RECEIPT_TYPE, verifySignedJson, type VerifiedJson } from "#app/crypto/jws/signed-json.ts";
import { describeSigner, identifySigner, isPlatform, type SignerIdentity } from "./signer-role.server.ts";
import { verifyCertificateChain, type ChainVerification } from "./verify.server.ts";

/**
 * A receipt or confirmation JWS judged as a relying party must (decisions 27, 28): the signature
 * (app/crypto/jws), the signer by certificate and role, and the chain at the time that counts.
 * A receipt must be the platform's; only then is its receivedAt the time its chain is checked at
 * (the platform is trusted for its own clock). Anyone else's claimed time is never trusted: their
 * chain is checked at a proven time (an anchor) or now. A confirmation must be a person's: the
 * platform never signs for a person.
 */

export interface SignedJsonTrust {
  /** The trust anchor (PEM); without it chains are not judged. */
  rootPem?: string | undefined;
  /** Intermediates the relying party already has (the server: its issuing CA). */
  intermediatesPem?: readonly string[] | undefined;
  /** The platform's signing certificates, current and legacy: when given, only these are the platform. */
  platformCertificates?: readonly (string | Uint8Array)[] | undefined;
  /** CRLs (DER) to check the signer against; fail closed when given (verify.server.ts). */
  crls?: Uint8Array[] | undefined;
  now: Date;
  /** A trusted time the document already existed at, e.g. its ledger anchor's block time. */
  existedAt?: { at: Date; source: string } | undefined;
}

export interface SignedJsonVerification extends VerifiedJson {
  signer: SignerIdentity & { description: string };
  /** The time the chain was judged at, and why that one. */
  checkedAt: Date;
  checkedAtSource: string;
  chain: ChainVerification | null;
  problems: string[];
  valid: boolean;
}

/** Throws SignedJsonError when the JWS itself is malformed or its signature does not verify. */
export async function verifySignedJsonDocument(jws: string, trust: SignedJsonTrust): Promise<SignedJsonVerification> {
  const verified = await verifySignedJson(jws);
  const [leafPem, ...chainPem] = verified.x5c.map(x5cToPem);
  const leafDer = base64ToBytes(verified.x5c[0]!);
  const candidate = identifySigner(leafDer, { chainTrusted: true, platformCertificates: trust.platformCertificates });
  const platformCandidate = (candidate.role === "platform" || candidate.role === "platform-legacy") && candidate.problem === null;

  let checkedAt = trust.now;
  let checkedAtSource = "verification time";
  if (verified.typ === RECEIPT_TYPE && platformCandidate && "receivedAt" in verified.payload) {
    checkedAt = new Date(verified.payload.receivedAt);
    checkedAtSource = "the platform's receivedAt";
  } else if (trust.existedAt && trust.existedAt.at < checkedAt) {
    checkedAt = trust.existedAt.at;
    checkedAtSource = trust.existedAt.source;
  }
  const chain = trust.rootPem
    ? verifyCertificateChain({
        leafPem: leafPem!,
        chainPem: [...chainPem, ...(trust.intermediatesPem ?? [])],
        rootPem: trust.rootPem,
        at: checkedAt,
        requireKeyUsage: ["digitalSignature"],
        ...(trust.crls ? { crls: trust.crls } : {}),
      })
    : null;
  const identity = identifySigner(leafDer, { chainTrusted: chain ? chain.ok : null, platformCertificates: trust.platformCertificates });
  const signer = { ...identity, description: describeSigner(identity) };

  const problems: string[] = [];
  if (chain && !chain.ok) problems.push(`chain: ${chain.reason} — ${chain.message}`);
  if (identity.problem) problems.push(identity.problem);
  if (verified.typ === RECEIPT_TYPE) {
    if (!isPlatform(identity)) {
      problems.push(
        identity.roleEstablished || identity.role === "person"
          ? `a receipt must be signed by the platform, not by ${signer.description}`
          : "the signer is not established as the platform: give the platform's root (--trust) or its certificates (--platform)",
      );
    } else if (checkedAt > trust.now) {
      problems.push(`receivedAt ${checkedAt.toISOString()} is in the future`);
    }
  }
  if (verified.typ === CONFIRMATION_TYPE && platformCandidate) {
    problems.push("a confirmation is a person's signature; the platform never signs for a person");
  }
  return { ...verified, signer, checkedAt, checkedAtSource, chain, problems, valid: problems.length === 0 };
}
