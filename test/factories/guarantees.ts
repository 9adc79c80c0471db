import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { guaranteeCommitments } from "#app/domain/guarantee/commitments.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { platformSigner, signPdf } from "#app/server/pdf/index.server.ts";
import { loadPlatformTrust } from "#app/server/pki/platform-pki.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import type { Database } from "#db/schema.ts";

/**
 * Guarantee rows made directly (product, application, guarantee in 'issuing'), for tests of the
 * ledger side that do not go through the guarantor's portal: a random ledger id and salt, the
 * salted commitments, and optionally a letter PDF signed with a member's key.
 */
export interface GuaranteeInput {
  guarantorOrganisationId: string;
  guarantorPersonId: string;
  applicantOrganisationId: string;
  applicantPersonId: string;
  sectionId: string;
  beneficiaryOrganisationId: string;
  amountFen: bigint;
  validFrom: Date;
  validUntil: Date;
  claimPeriodDays?: number;
  document?: { key: string; sha256: string } | null;
  now: Date;
}

export async function createGuaranteeRow(db: Kysely<Database>, input: GuaranteeInput) {
  const product = await db
    .insertInto("guarantee_products")
    .values({
      guarantor_organisation_id: input.guarantorOrganisationId,
      name: "投标保函",
      kind: "bid",
      fee_rate_bp: 50,
      minimum_fee_fen: 20000n,
      procurement_types: ["engineering", "government"],
      region_codes: ["350000"],
      created_by: input.guarantorPersonId,
      created_at: input.now,
      updated_at: input.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const application = await db
    .insertInto("guarantee_applications")
    .values({
      product_id: product.id,
      guarantor_organisation_id: input.guarantorOrganisationId,
      section_id: input.sectionId,
      applicant_organisation_id: input.applicantOrganisationId,
      applicant_person_id: input.applicantPersonId,
      beneficiary_organisation_id: input.beneficiaryOrganisationId,
      amount_fen: input.amountFen,
      valid_from: input.validFrom,
      valid_until: input.validUntil,
      fee_fen: 20000n,
      note: "",
      status: "issuing",
      submitted_at: input.now,
      updated_at: input.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const salt = randomBytes(32).toString("hex");
  const refs = guaranteeCommitments(salt, {
    applicantOrganisationId: input.applicantOrganisationId,
    sectionId: input.sectionId,
    beneficiaryOrganisationId: input.beneficiaryOrganisationId,
  });
  return db
    .insertInto("guarantees")
    .values({
      application_id: application.id,
      kind: "bid",
      guarantor_organisation_id: input.guarantorOrganisationId,
      applicant_organisation_id: input.applicantOrganisationId,
      section_id: input.sectionId,
      beneficiary_organisation_id: input.beneficiaryOrganisationId,
      amount_fen: input.amountFen,
      valid_from: input.validFrom,
      valid_until: input.validUntil,
      claim_period_days: input.claimPeriodDays ?? 28,
      ledger_id: `0x${randomBytes(32).toString("hex")}`,
      salt,
      applicant_ref: refs.applicantRef,
      subject_ref: refs.subjectRef,
      beneficiary_ref: refs.beneficiaryRef,
      document_sha256: input.document?.sha256 ?? `${"ab".repeat(32)}`,
      document_key: input.document?.key ?? null,
      status: "issuing",
      created_at: input.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A one-page letter signed with `keyPem`/`certPem` (a member's certificate from the platform CA), stored. */
export async function signedLetter(
  app: AppContext,
  input: { keyPem: string; certPem: string; text: string; signerName: string },
): Promise<{ key: string; sha256: string; bytes: Uint8Array }> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText(input.text, { x: 50, y: 780, size: 12, font: await doc.embedFont(StandardFonts.Helvetica) });
  const trust = await loadPlatformTrust(app.db);
  const bytes = await signPdf(doc, platformSigner(input.keyPem, [input.certPem, trust.issuingPem]), {
    fieldName: "guarantor",
    reason: "开立投标保函",
    location: "bidhall",
    signerName: input.signerName,
    signingTime: app.clock.now(),
  });
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const key = `guarantees/test-${sha256.slice(0, 16)}.pdf`;
  await storageFor(app).put(key, bytes);
  return { key, sha256, bytes };
}
