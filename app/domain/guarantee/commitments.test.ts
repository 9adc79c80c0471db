import { describe, expect, it } from "vitest";

const randomBytes = (n: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(n)));
import { COMMITMENT_LABELS, guaranteeCommitments } from "./commitments.ts";

const parties = {
  applicantOrganisationId: "0b3f6c1e-4d7a-4e43-9f0a-0c1d2e3f4a5b",
  sectionId: "5a6b7c8d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
  beneficiaryOrganisationId: "9f8e7d6c-5b4a-4392-8a1b-0c9d8e7f6a5b",
};

describe("guaranteeCommitments", () => {
  it("is HMAC-SHA256 keyed by the salt over the labelled value, as bytes32 hex", async () => {
    const salt = randomBytes(32).toString("hex");
    const refs = guaranteeCommitments(salt, parties);
    // Checked against WebCrypto's HMAC, not the implementation's own.
    const key = await crypto.subtle.importKey("raw", Buffer.from(salt, "hex"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = async (label: string, value: string) =>
      "0x" + Buffer.from(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${label}:${value}`))).toString("hex");
    const expected = {
      applicant: await mac(COMMITMENT_LABELS.applicant, parties.applicantOrganisationId),
      subject: await mac(COMMITMENT_LABELS.subject, parties.sectionId),
      beneficiary: await mac(COMMITMENT_LABELS.beneficiary, parties.beneficiaryOrganisationId),
    };
    expect(refs).toEqual({
      applicantRef: expected.applicant,
      subjectRef: expected.subject,
      beneficiaryRef: expected.beneficiary,
    });
    expect(refs.applicantRef).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it("takes the salt with or without 0x and gives the same values", () => {
    const salt = randomBytes(32).toString("hex");
    expect(guaranteeCommitments(`0x${salt}`, parties)).toEqual(guaranteeCommitments(salt, parties));
  });

  it("gives unrelated values under another salt, so two guarantees of one bidder share nothing", () => {
    const a = guaranteeCommitments(randomBytes(32).toString("hex"), parties);
    const b = guaranteeCommitments(randomBytes(32).toString("hex"), parties);
    expect(a.applicantRef).not.toBe(b.applicantRef);
    expect(a.subjectRef).not.toBe(b.subjectRef);
    expect(a.beneficiaryRef).not.toBe(b.beneficiaryRef);
  });

  it("keeps the three apart by their labels, even for the same value", () => {
    const salt = randomBytes(32).toString("hex");
    const same = guaranteeCommitments(salt, {
      applicantOrganisationId: "x",
      sectionId: "x",
      beneficiaryOrganisationId: "x",
    });
    expect(new Set(Object.values(same)).size).toBe(3);
  });

  it("refuses a salt that is not 32 bytes of hex, and an empty value", () => {
    expect(() => guaranteeCommitments("abcd", parties)).toThrow(/32 bytes/);
    expect(() => guaranteeCommitments("zz".repeat(32), parties)).toThrow(/32 bytes/);
    expect(() => guaranteeCommitments("00".repeat(32), { ...parties, sectionId: "" })).toThrow(/Nothing to commit/);
  });
});
