import { describe, expect, it } from "vitest";

const randomBytes = (n: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(n)));
import { guaranteeCommitments } from "./commitments.ts";
import {
  describeVerificationFailure,
  verificationText,
  verifySecurity,
  type GuaranteeVerificationFacts,
  type VerificationFailureCode,
} from "./verify-guarantee.ts";

const hex32 = () => `0x${randomBytes(32).toString("hex")}`;
const deadline = new Date("2026-12-10T01:00:00Z");
const DAY = 86_400_000;

function facts(over: Partial<GuaranteeVerificationFacts> = {}): GuaranteeVerificationFacts {
  const salt = randomBytes(32).toString("hex");
  const ids = { applicantOrganisationId: "bidder-1", sectionId: "section-1", beneficiaryOrganisationId: "tenderer-1" };
  const refs = guaranteeCommitments(salt, ids);
  const documentSha256 = randomBytes(32).toString("hex");
  return {
    declared: { kind: "guarantee", reference: "BH-1" },
    inBid: { kind: "guarantee", reference: "BH-1" },
    bidderOrganisationId: ids.applicantOrganisationId,
    sectionId: ids.sectionId,
    tendererOrganisationId: ids.beneficiaryOrganisationId,
    requiredFen: 500_000n,
    deadline,
    bidValidityDays: 90,
    acceptedForms: ["guarantee", "transfer"],
    creditRecords: [],
    guarantee: { id: "g-1", ledgerId: hex32(), salt, guarantorOrganisationId: "guarantor-1", guarantorIsGuarantor: true },
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
    accounts: { guarantor: "0x00000000000000000000000000000000000000A1", beneficiary: "0x00000000000000000000000000000000000000b2" },
    bindingRef: hex32(),
    document: { sha256: documentSha256, signatureValid: true, signedByGuarantor: true, problem: null },
    ...over,
  };
}
const codes = (f: GuaranteeVerificationFacts) => verifySecurity(f).failures.map((x) => x.code);
const chain = (f: GuaranteeVerificationFacts, over: Partial<NonNullable<GuaranteeVerificationFacts["onChain"]>>) => ({
  ...f,
  onChain: { ...f.onChain!, ...over },
});

describe("verifySecurity, an electronic guarantee", () => {
  it("verifies a guarantee that passes every check, binds it and reveals its salt and commitments", () => {
    const f = facts();
    const v = verifySecurity(f);
    expect(v).toMatchObject({ outcome: "verified", failures: [], bind: true, ledgerId: f.guarantee!.ledgerId });
    expect(v.commitments).toMatchObject({ salt: f.guarantee!.salt, applicantRef: f.onChain!.applicantRef });
    expect(verificationText(v).zh).toBe("已核验");
  });

  it("stays verified, without binding again, once bound to this very bid", () => {
    const f = facts();
    const v = verifySecurity(chain(f, { state: "Bound", boundTo: f.bindingRef }));
    expect(v).toMatchObject({ outcome: "verified", bind: false });
  });

  const cases: [string, (f: GuaranteeVerificationFacts) => GuaranteeVerificationFacts, VerificationFailureCode][] = [
    ["a reference no guarantee has", (f) => ({ ...f, guarantee: null }), "GUARANTEE_NOT_FOUND"],
    ["a guarantee the ledger lacks", (f) => ({ ...f, onChain: null }), "GUARANTEE_NOT_ON_LEDGER"],
    ["a ledger that cannot be read", (f) => ({ ...f, ledgerUnreadable: true }), "GUARANTEE_LEDGER_UNREADABLE"],
    ["another bidder's guarantee", (f) => chain(f, { applicantRef: hex32() }), "GUARANTEE_NOT_FOR_THIS_BID"],
    ["a guarantee for another section", (f) => chain(f, { subjectRef: hex32() }), "GUARANTEE_NOT_FOR_THIS_BID"],
    ["a guarantee bound to another bid", (f) => chain(f, { state: "Bound", boundTo: hex32() }), "GUARANTEE_BOUND_ELSEWHERE"],
    ["a released guarantee", (f) => chain(f, { state: "Released" }), "GUARANTEE_NOT_LIVE"],
    ["an expired guarantee", (f) => chain(f, { state: "Expired" }), "GUARANTEE_NOT_LIVE"],
    ["an issuer without the guarantor role", (f) => chain(f, { guarantorHasRole: false }), "GUARANTEE_ISSUER_NOT_GUARANTOR"],
    [
      "an issuer that is not the guarantor organisation's account",
      (f) => chain(f, { guarantor: "0x" + "cd".repeat(20) }),
      "GUARANTEE_ISSUER_NOT_GUARANTOR",
    ],
    [
      "an organisation no longer a guarantor",
      (f) => ({ ...f, guarantee: { ...f.guarantee!, guarantorIsGuarantor: false } }),
      "GUARANTEE_ISSUER_NOT_GUARANTOR",
    ],
    ["an amount one fen short", (f) => chain(f, { amountFen: 499_999n }), "GUARANTEE_AMOUNT_TOO_LOW"],
    ["a beneficiary commitment of someone else", (f) => chain(f, { beneficiaryRef: hex32() }), "GUARANTEE_BENEFICIARY_MISMATCH"],
    [
      "a beneficiary account not the tenderer's",
      (f) => chain(f, { beneficiaryAccount: "0x" + "ef".repeat(20) }),
      "GUARANTEE_BENEFICIARY_MISMATCH",
    ],
    [
      "validity ending a second before the bid validity",
      (f) => chain(f, { validUntil: new Date(deadline.getTime() + 90 * DAY - 1000) }),
      "GUARANTEE_VALIDITY_SHORT",
    ],
    [
      "validity starting after the deadline",
      (f) => chain(f, { validFrom: new Date(deadline.getTime() + 1000) }),
      "GUARANTEE_VALIDITY_SHORT",
    ],
    [
      "a PDF whose hash is not the ledger's",
      (f) => ({ ...f, document: { ...f.document!, sha256: "00".repeat(32) } }),
      "GUARANTEE_DOCUMENT_MISMATCH",
    ],
    ["no PDF at all", (f) => ({ ...f, document: null }), "GUARANTEE_DOCUMENT_MISMATCH"],
    [
      "a PDF whose signature fails",
      (f) => ({ ...f, document: { ...f.document!, signatureValid: false, problem: "digest" } }),
      "GUARANTEE_SIGNATURE_INVALID",
    ],
    [
      "a PDF signed by someone else",
      (f) => ({ ...f, document: { ...f.document!, signedByGuarantor: false } }),
      "GUARANTEE_SIGNATURE_INVALID",
    ],
    [
      "a declaration that differs from bid.json",
      (f) => ({ ...f, declared: { kind: "guarantee", reference: "BH-2" } }),
      "DECLARATION_MISMATCH",
    ],
    ["a section that takes no guarantee", (f) => ({ ...f, acceptedForms: ["transfer"] }), "FORM_NOT_ACCEPTED"],
  ];
  it.each(cases)("fails %s with its own reason and words", (_title, change, code) => {
    const v = verifySecurity(change(facts()));
    expect(v.outcome).toBe("failed");
    expect(v.failures.map((x) => x.code)).toContain(code);
    for (const failure of v.failures) {
      const words = describeVerificationFailure(failure);
      expect(words.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(words.en.length).toBeGreaterThan(10);
    }
    expect(verificationText(v).zh).toMatch(/^核验未通过：/);
  });

  it("binds a guarantee of this bidder and section even when it fails another check, never one of another bidder", () => {
    expect(verifySecurity(chain(facts(), { amountFen: 1n })).bind).toBe(true);
    expect(verifySecurity(chain(facts(), { applicantRef: hex32() })).bind).toBe(false);
    expect(verifySecurity(chain(facts(), { state: "Expired" })).bind).toBe(false);
  });

  it("lists every failure, not only the first", () => {
    expect(codes(chain(facts(), { amountFen: 1n, beneficiaryRef: hex32() }))).toEqual([
      "GUARANTEE_AMOUNT_TOO_LOW",
      "GUARANTEE_BENEFICIARY_MISMATCH",
    ]);
  });
});

describe("verifySecurity, a credit commitment", () => {
  const commitment = { kind: "credit-commitment", reference: "XYCN-1" } as const;
  const red = {
    grade: "red" as const,
    effectiveFrom: new Date("2026-01-01T00:00:00Z"),
    effectiveTo: null,
    source: "福州市信用办",
    reason: "守信激励",
  };
  it("verifies a red-rated bidder's commitment where the section accepts it", () => {
    const v = verifySecurity(
      facts({ declared: commitment, inBid: commitment, acceptedForms: ["guarantee", "creditCommitment"], creditRecords: [red] }),
    );
    expect(v).toMatchObject({ outcome: "verified", kind: "credit-commitment", bind: false, commitments: null });
  });
  it("fails a commitment of a bidder not red at the deadline, and one the section does not accept", () => {
    expect(codes(facts({ declared: commitment, inBid: commitment, acceptedForms: ["guarantee", "creditCommitment"] }))).toEqual([
      "CREDIT_COMMITMENT_NOT_RED",
    ]);
    expect(codes(facts({ declared: commitment, inBid: commitment, creditRecords: [red] }))).toEqual(["FORM_NOT_ACCEPTED"]);
  });
});
