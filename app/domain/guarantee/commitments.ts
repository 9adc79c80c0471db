import { computeHmac, getBytes, hexlify, isHexString, toUtf8Bytes } from "ethers";

/**
 * The salted commitments a guarantee carries on the ledger instead of its parties and its section
 * (issue 14, decision 0059). Each is HMAC-SHA256 keyed by the guarantee's own random 32-byte salt
 * over a labelled value (`bidhall.guarantee.applicant/1:<organisation id>`), so:
 *
 * - before the salt is revealed nobody can test a guess (a bidder's id, a section's id, a USCC)
 *   against a commitment: without the key the HMAC is a random-looking 32 bytes;
 * - two guarantees of the same bidder, or for the same section, share no value on chain, because
 *   each has its own salt;
 * - the label keeps the three apart, so an applicant commitment can never pass for a beneficiary one.
 *
 * At verification (核验, after the deadline) the salt is shown to the tenderer and the bidder, who
 * can recompute the three values and compare them with the chain. Pure; ethers' HMAC runs in Node
 * and the browser alike.
 */
export interface GuaranteeParties {
  applicantOrganisationId: string;
  sectionId: string;
  beneficiaryOrganisationId: string;
}

export interface GuaranteeCommitments {
  /** The bidder (投标人) whose obligation the guarantee secures. */
  applicantRef: string;
  /** The section (标段) the guarantee is issued for. */
  subjectRef: string;
  /** The tenderer (招标人), the beneficiary. */
  beneficiaryRef: string;
}

export const COMMITMENT_LABELS = {
  applicant: "bidhall.guarantee.applicant/1",
  subject: "bidhall.guarantee.subject/1",
  beneficiary: "bidhall.guarantee.beneficiary/1",
} as const;

/** Bytes of a 32-byte salt given as hex, with or without `0x`; anything else is refused. */
export function saltBytes(salt: string): Uint8Array {
  const hex = salt.startsWith("0x") ? salt : `0x${salt}`;
  if (!isHexString(hex, 32)) throw new Error("A guarantee salt is 32 bytes of hex.");
  return getBytes(hex);
}

/** One commitment: HMAC-SHA256(salt, "<label>:<value>") as 0x + 64 hex, the shape of a `bytes32`. */
export function commitment(salt: string, label: string, value: string): string {
  if (!value) throw new Error(`Nothing to commit to under ${label}.`);
  return hexlify(computeHmac("sha256", saltBytes(salt), toUtf8Bytes(`${label}:${value}`)));
}

/** The applicant, subject and beneficiary commitments of a guarantee under its `salt`. */
export function guaranteeCommitments(salt: string, parties: GuaranteeParties): GuaranteeCommitments {
  return {
    applicantRef: commitment(salt, COMMITMENT_LABELS.applicant, parties.applicantOrganisationId),
    subjectRef: commitment(salt, COMMITMENT_LABELS.subject, parties.sectionId),
    beneficiaryRef: commitment(salt, COMMITMENT_LABELS.beneficiary, parties.beneficiaryOrganisationId),
  };
}
