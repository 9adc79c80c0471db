import { createHash, randomBytes } from "node:crypto";
import type { Selectable, Transaction } from "kysely";
import { guaranteeCommitments } from "#app/domain/guarantee/commitments.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import { enqueueGuaranteeIssue } from "#app/server/ledger/guarantees.server.ts";
import { renderDocument, verifyPdf } from "#app/server/pdf/index.server.ts";
import { guaranteeLetterSpec } from "#app/server/pdf/render/guarantee-letter.server.ts";
import { loadPlatformTrust } from "#app/server/pki/platform-pki.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import type { Database } from "#db/schema.ts";
import { type findApplication, guardStep, loadGuarantorApplication, recordStep } from "./application-steps.server.ts";

/**
 * Issuing (出函, decision 0057). The guarantor's `operate` member starts it once the fee is paid:
 * the guarantee gets a random ledger id, a secret salt and the salted commitments that stand on
 * chain for applicant, section and beneficiary. The platform renders the letter; the guarantor's
 * `sign` member signs it in the browser (SigningKind "guarantee-letter"); on signing the PDF is
 * stored, its SHA-256 recorded and queued for anchoring, and the chain issue queued through the
 * outbox (enqueueGuaranteeIssue); the ledger's delivery hook (afterGuaranteeWrite) moves the
 * guarantee to issued, or to issue_failed with the revert reason (retryable: the guarantor starts
 * again, and the letter is signed again).
 */

/** Days after the validity during which a bound guarantee can be claimed (decision 0057). */
export const CLAIM_PERIOD_DAYS = 30;
export const MAX_LETTER_BYTES = 8 * 1024 * 1024;

export async function startGuaranteeIssue(app: AppContext, opts: { actor: Actor; applicationId: string; meta: RequestMeta }) {
  const { actor } = opts;
  requirePermission(actor, "issue:guarantee:own");
  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    const application = await loadGuarantorApplication(trx, actor, opts.applicationId);
    guardStep("startIssue", application);
    const existing = await trx.selectFrom("guarantees").selectAll().where("application_id", "=", application.id).executeTakeFirst();
    let guaranteeId: string;
    let ledgerId: string;
    if (existing) {
      // A retry after a reverted chain write: the same guarantee, signed again.
      await trx
        .updateTable("guarantees")
        .set({ status: "issuing", issue_error: null, document_sha256: null, document_key: null })
        .where("id", "=", existing.id)
        .execute();
      guaranteeId = existing.id;
      ledgerId = existing.ledger_id;
    } else {
      const salt = randomBytes(32).toString("hex");
      ledgerId = `0x${randomBytes(32).toString("hex")}`;
      const refs = guaranteeCommitments(salt, {
        applicantOrganisationId: application.applicant_organisation_id,
        sectionId: application.section_id,
        beneficiaryOrganisationId: application.beneficiary_organisation_id,
      });
      const row = await trx
        .insertInto("guarantees")
        .values({
          application_id: application.id,
          kind: "bid",
          guarantor_organisation_id: application.guarantor_organisation_id,
          applicant_organisation_id: application.applicant_organisation_id,
          section_id: application.section_id,
          beneficiary_organisation_id: application.beneficiary_organisation_id,
          amount_fen: application.amount_fen,
          valid_from: application.valid_from,
          valid_until: application.valid_until,
          claim_period_days: CLAIM_PERIOD_DAYS,
          ledger_id: ledgerId,
          salt,
          applicant_ref: refs.applicantRef,
          subject_ref: refs.subjectRef,
          beneficiary_ref: refs.beneficiaryRef,
          status: "issuing",
          created_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      guaranteeId = row.id;
    }
    await trx
      .updateTable("guarantee_applications")
      .set({ status: "issuing", issue_error: null, updated_at: now })
      .where("id", "=", application.id)
      .execute();
    await recordStep(app, trx, actor, opts.meta, { application, step: "issuing" }, now);
    await appendAudit(trx, {
      event: {
        type: "guarantee.issue_started",
        data: { guaranteeId, applicationId: application.id, sectionId: application.section_id, ledgerId },
      },
      actor: auditActorOf(actor, opts.meta),
      at: now,
    });
    return { guaranteeId, ledgerId };
  });
}

type Executor = Parameters<typeof findApplication>[0];

async function letterInput(db: Executor, guaranteeId: string) {
  const g = await db
    .selectFrom("guarantees as g")
    .innerJoin("sections as s", "s.id", "g.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .innerJoin("organisations as gu", "gu.id", "g.guarantor_organisation_id")
    .innerJoin("organisations as ap", "ap.id", "g.applicant_organisation_id")
    .innerJoin("organisations as be", "be.id", "g.beneficiary_organisation_id")
    .select([
      "g.id",
      "g.ledger_id",
      "g.amount_fen",
      "g.valid_from",
      "g.valid_until",
      "g.claim_period_days",
      "g.created_at",
      "g.status",
      "g.document_sha256",
      "g.section_id",
      "g.guarantor_organisation_id",
      "gu.name as guarantor_name",
      "gu.uscc as guarantor_uscc",
      "ap.name as applicant_name",
      "ap.uscc as applicant_uscc",
      "be.name as beneficiary_name",
      "p.name as project_name",
      "p.code as project_code",
      "s.name as section_name",
      "s.code as section_code",
    ])
    .where("g.id", "=", guaranteeId)
    .executeTakeFirst();
  if (!g) throw new AppError("NOT_FOUND", { what: "guarantee" });
  return g;
}

/**
 * The unsigned letter of a guarantee being issued, for the guarantor's `sign` member to sign.
 * Rendered from the stored facts with the guarantee's creation time: the same bytes every time.
 */
export async function guaranteeLetterPdf(db: Executor, actor: Actor, guaranteeId: string) {
  requirePermission(actor, "sign:guarantee:own");
  const g = await letterInput(db, guaranteeId);
  if (g.guarantor_organisation_id !== actor.membership.organisationId) throw new AppError("NOT_FOUND", { what: "guarantee" });
  if (g.status !== "issuing" || g.document_sha256)
    throw new AppError("GUARANTEE_LETTER_INVALID", {
      reasonZh: "该保函当前不在等待签章的状态",
      reason: `the guarantee is ${g.status}, not waiting for its signature`,
    });
  const pdf = await renderDocument(
    guaranteeLetterSpec({
      ledgerId: g.ledger_id,
      guarantorName: g.guarantor_name,
      guarantorUscc: g.guarantor_uscc,
      applicantName: g.applicant_name,
      applicantUscc: g.applicant_uscc,
      beneficiaryName: g.beneficiary_name,
      projectName: g.project_name,
      projectCode: g.project_code,
      sectionName: g.section_name,
      sectionCode: g.section_code,
      amountFen: BigInt(g.amount_fen),
      validFrom: g.valid_from,
      validUntil: g.valid_until,
      claimPeriodDays: g.claim_period_days,
      issuedAt: g.created_at,
    }),
  );
  return {
    pdf,
    fieldName: letterFieldName(g.ledger_id),
    reason: "出具投标保函",
    guarantorOrganisationId: g.guarantor_organisation_id,
    ledgerId: g.ledger_id,
    sectionId: g.section_id,
    sectionCode: g.section_code,
  };
}

export const letterFieldName = (ledgerId: string) => `guarantee-${ledgerId.slice(2, 18)}`;

/**
 * The signed letter arrives (the signing flow's onSigned, in its transaction): the signature must
 * verify, chain to the platform CA and belong to a person of the guarantor (its USCC in the
 * certificate). Then the PDF is stored, its SHA-256 recorded and anchored, and the chain issue
 * queued. Anything else is refused and nothing is saved.
 */
export async function recordSignedGuaranteeLetter(
  app: AppContext,
  trx: Transaction<Database>,
  opts: { actor: Actor; guaranteeId: string; pdf: Uint8Array; meta: RequestMeta },
  now: Date,
) {
  const { actor } = opts;
  requirePermission(actor, "sign:guarantee:own");
  if (opts.pdf.length > MAX_LETTER_BYTES) throw new AppError("DOCUMENT_TOO_LARGE", { limit: "8 MiB" });
  const g = await trx.selectFrom("guarantees").selectAll().where("id", "=", opts.guaranteeId).forUpdate().executeTakeFirst();
  if (!g || g.guarantor_organisation_id !== actor.membership.organisationId) throw new AppError("NOT_FOUND", { what: "guarantee" });
  if (g.status !== "issuing" || g.document_sha256)
    throw new AppError("GUARANTEE_LETTER_INVALID", {
      reasonZh: g.document_sha256 ? "该保函已签章" : "该保函当前不在等待签章的状态",
      reason: `the guarantee is ${g.status}${g.document_sha256 ? ", already signed" : ""}`,
    });
  await verifyGuaranteeLetter(trx, g, opts.pdf, now);
  return storeSignedGuaranteeLetter(app, trx, { actor, guarantee: g, pdf: opts.pdf, meta: opts.meta }, now);
}

async function verifyGuaranteeLetter(
  trx: Transaction<Database>,
  g: { guarantor_organisation_id: string; ledger_id: string },
  pdf: Uint8Array,
  now: Date,
) {
  const trust = await loadPlatformTrust(trx);
  const report = await verifyPdf(pdf, {
    trustedRoots: [trust.rootPem],
    validationTime: now,
    platformCertificates: trust.platformCertificates,
  });
  const last = report.signatures.at(-1);
  if (!report.valid || !last?.signer)
    throw new AppError("GUARANTEE_LETTER_INVALID", {
      // The verifier's problems are English technical text: the Chinese message says what it means.
      reasonZh: report.signatures.length === 0 ? "文件没有电子签名" : "电子签名校验未通过，或文件在签名后被改动",
      reason: report.problems.join("; ") || "no signature",
    });
  const guarantor = await trx
    .selectFrom("organisations")
    .select(["uscc"])
    .where("id", "=", g.guarantor_organisation_id)
    .executeTakeFirstOrThrow();
  if (last.signer.organizationIdentifier !== guarantor.uscc)
    throw new AppError("GUARANTEE_LETTER_INVALID", {
      reasonZh: "签名人不属于开立保函的担保机构",
      reason: "the signer is not a person of the guarantor",
    });
  const text = Buffer.from(pdf).toString("latin1");
  if (!text.includes(letterFieldName(g.ledger_id)))
    throw new AppError("GUARANTEE_LETTER_INVALID", { reasonZh: "该文件不是本保函的保函文件", reason: "it is not this guarantee's letter" });
}

/**
 * The guarantee-letter signing kind's onSigned (the flow has verified the signature, the signer's
 * certificate and `sign` role): store, record, anchor, queue the chain issue.
 */
export async function storeSignedGuaranteeLetter(
  app: AppContext,
  trx: Transaction<Database>,
  opts: { actor: Actor; guarantee: Selectable<Database["guarantees"]>; pdf: Uint8Array; meta: RequestMeta },
  now: Date,
) {
  const { actor, guarantee: g } = opts;
  const sha256 = createHash("sha256").update(opts.pdf).digest("hex");
  const stored = await storageFor(app).put(`guarantees/${g.id}/letter-${sha256.slice(0, 16)}.pdf`, opts.pdf);
  await trx.updateTable("guarantees").set({ document_sha256: sha256, document_key: stored.key }).where("id", "=", g.id).execute();
  await queueForAnchoring(trx, { sha256, source: `guarantee-letter:${g.id}` }, now);
  await enqueueGuaranteeIssue(trx, { ...g, document_sha256: sha256 }, now);
  await appendAudit(trx, {
    event: {
      type: "guarantee.letter_signed",
      data: { guaranteeId: g.id, applicationId: g.application_id, sectionId: g.section_id, ledgerId: g.ledger_id, documentSha256: sha256 },
    },
    actor: auditActorOf(actor, opts.meta),
    at: now,
  });
  return { sha256, key: stored.key };
}
