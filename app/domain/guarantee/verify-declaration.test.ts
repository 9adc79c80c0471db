import { describe, expect, it } from "vitest";
import { guaranteeCommitments } from "./commitments.ts";
import { describeVerificationFailure, verificationText, verifySecurity, type GuaranteeVerificationFacts } from "./verify-guarantee.ts";

/**
 * Decision 0072: the platform guarantee declared beside the envelope (bid_versions.
 * security_guarantee_id) against the one bid.json names, and the platform's own records of whose
 * it is and what it is bound to — GUARANTEE_DECLARATION_INVALID with its reason.
 */
const randomBytes = (n: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(n)));
const hex32 = () => `0x${randomBytes(32).toString("hex")}`;
const deadline = new Date("2026-12-10T01:00:00Z");
const DAY = 86_400_000;

function facts(over: Partial<GuaranteeVerificationFacts> = {}): GuaranteeVerificationFacts {
  const salt = randomBytes(32).toString("hex");
  const ids = { applicantOrganisationId: "bidder-1", sectionId: "section-1", beneficiaryOrganisationId: "tenderer-1" };
  const refs = guaranteeCommitments(salt, ids);
  const documentSha256 = randomBytes(32).toString("hex");
  const ledgerId = hex32();
  return {
    declared: { kind: "guarantee", reference: ledgerId },
    declaredGuaranteeId: "g-1",
    inBid: { kind: "guarantee", reference: ledgerId },
    bidderOrganisationId: ids.applicantOrganisationId,
    sectionId: ids.sectionId,
    bidVersionId: "version-1",
    tendererOrganisationId: ids.beneficiaryOrganisationId,
    requiredFen: 500_000n,
    deadline,
    bidValidityDays: 90,
    acceptedForms: ["guarantee"],
    creditRecords: [],
    guarantee: {
      id: "g-1",
      ledgerId,
      salt,
      guarantorOrganisationId: "guarantor-1",
      guarantorIsGuarantor: true,
      applicantOrganisationId: ids.applicantOrganisationId,
      sectionId: ids.sectionId,
      boundBidVersionId: null,
    },
    onChain: {
      state: "Issued",
      guarantor: "0x00000000000000000000000000000000000000a1",
      guarantorHasRole: true,
      beneficiaryAccount: "0x00000000000000000000000000000000000000b2",
      amountFen: 500_000n,
      validFrom: new Date(deadline.getTime() - 5 * DAY),
      validUntil: new Date(deadline.getTime() + 120 * DAY),
      ...refs,
      documentHash: `0x${documentSha256}`,
      boundTo: null,
    },
    accounts: { guarantor: "0x00000000000000000000000000000000000000a1", beneficiary: "0x00000000000000000000000000000000000000b2" },
    bindingRef: hex32(),
    document: { sha256: documentSha256, signatureValid: true, signedByGuarantor: true, problem: null },
    ...over,
  };
}
const invalid = (f: GuaranteeVerificationFacts) => verifySecurity(f).failures.filter((x) => x.code === "GUARANTEE_DECLARATION_INVALID");

describe("verifySecurity, the declaration beside the envelope against bid.json (decision 0072)", () => {
  it("verifies a declared guarantee that bid.json names, by its ledger id or by its id", () => {
    const f = facts();
    expect(verifySecurity(f)).toMatchObject({ outcome: "verified", failures: [], bind: true });
    // The same guarantee spelled two ways is one guarantee, not a mismatch.
    const byId = { ...f, inBid: { kind: "guarantee" as const, reference: "g-1" } };
    expect(verifySecurity(byId)).toMatchObject({ outcome: "verified", failures: [] });
  });

  it("fails a bid.json that names another guarantee than the one declared beside the envelope", () => {
    const f = facts({ declaredGuaranteeId: "g-other" });
    const v = verifySecurity(f);
    expect(v.outcome).toBe("failed");
    expect(v.failures.map((x) => x.code)).toEqual(["GUARANTEE_DECLARATION_INVALID"]);
    expect(v.failures[0]).toMatchObject({ reason: "mismatch", declared: f.declared!.reference, inBid: f.inBid.reference });
    expect(verificationText(v).zh).toContain("不是同一份保函");
    // bid.json binds: the guarantee it names is still bound to the bid.
    expect(v.bind).toBe(true);
  });

  it("fails when bid.json names no platform guarantee although one was declared", () => {
    const v = verifySecurity(facts({ guarantee: null, inBid: { kind: "guarantee", reference: "BG-PAPER-1" } }));
    expect(v.failures.map((x) => x.code)).toEqual(["GUARANTEE_NOT_FOUND", "GUARANTEE_DECLARATION_INVALID"]);
  });

  it("fails another organisation's guarantee and one bound to another bid by the platform's records", () => {
    const f = facts();
    expect(invalid({ ...f, guarantee: { ...f.guarantee!, applicantOrganisationId: "bidder-2" } })).toEqual([
      expect.objectContaining({ reason: "notOwn" }),
    ]);
    expect(invalid({ ...f, guarantee: { ...f.guarantee!, sectionId: "section-2" } })).toEqual([
      expect.objectContaining({ reason: "notOwn" }),
    ]);
    expect(invalid({ ...f, guarantee: { ...f.guarantee!, boundBidVersionId: "version-9" } })).toEqual([
      expect.objectContaining({ reason: "boundElsewhere" }),
    ]);
    // Bound to this very bid version (a decryption repeated by the remedy): not elsewhere.
    expect(invalid({ ...f, guarantee: { ...f.guarantee!, boundBidVersionId: "version-1" } })).toEqual([]);
  });

  it("keeps decision 35's DECLARATION_MISMATCH when nothing from the platform was declared", () => {
    const f = facts({ declaredGuaranteeId: null, declared: { kind: "guarantee", reference: "BG-1" } });
    expect(verifySecurity(f).failures.map((x) => x.code)).toEqual(["DECLARATION_MISMATCH"]);
    // A credit commitment declared beside a guarantee in bid.json stays a kind mismatch too.
    const kinds = facts({ declared: { kind: "credit-commitment", reference: "承诺" }, declaredGuaranteeId: null });
    expect(verifySecurity(kinds).failures.map((x) => x.code)).toContain("DECLARATION_MISMATCH");
  });

  it("says each reason in both languages", () => {
    for (const reason of ["mismatch", "notOwn", "boundElsewhere"] as const) {
      const words = describeVerificationFailure({ code: "GUARANTEE_DECLARATION_INVALID", reason, declared: "0xaa", inBid: "0xbb" });
      expect(words.zh).toMatch(/保函/);
      expect(words.en).toMatch(/guarantee/);
    }
  });
});
