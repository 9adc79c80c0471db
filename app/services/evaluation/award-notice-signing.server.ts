import type { Transaction } from "kysely";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import { toBytes } from "#app/server/db.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import type { SigningKind } from "#app/services/signing/signing-kinds.server.ts";
import type { Database } from "#db/schema.ts";

/**
 * The award and result notices signed in the browser (decision 67): one signing kind, two steps.
 * The tenderer signs first (field "tenderer"), then the agency (field "agency") when the project
 * has one; each signature is an incremental update, so the first survives and the second covers
 * the whole file. Once every notice of the award is fully signed, the manager issues them
 * (./issue-award-notices.server.ts). The signing flow (app/services/signing) checks the `sign` role and the
 * certificate (valid, unrevoked, the signer's own, of the organisation that signs).
 */
export const AWARD_NOTICE_KIND = "award-notice";

type Step = "tenderer" | "agency";

async function noticeFor(trx: Transaction<Database>, noticeId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(noticeId)) return undefined;
  return trx
    .selectFrom("award_notices as n")
    .innerJoin("awards as a", "a.id", "n.award_id")
    .innerJoin("sections as s", "s.id", "a.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .select([
      "n.id",
      "n.kind",
      "n.number",
      "n.pdf",
      "n.document_sha256",
      "n.tenderer_signed_at",
      "n.agency_signed_at",
      "n.award_id",
      "a.section_id",
      "s.suspended_at",
      "p.id as project_id",
      "p.tenderer_organisation_id",
      "p.agency_organisation_id",
    ])
    .where("n.id", "=", noticeId)
    .forUpdate("n")
    .executeTakeFirst();
}

/** The step a notice waits for, or null when it has every signature it needs. */
export function nextStep(n: {
  tenderer_signed_at: Date | null;
  agency_signed_at: Date | null;
  agency_organisation_id: string | null;
}): Step | null {
  if (!n.tenderer_signed_at) return "tenderer";
  if (n.agency_organisation_id && !n.agency_signed_at) return "agency";
  return null;
}

const outOfTurn = (number: string, reasonZh: string, reasonEn: string) =>
  new AppError("NOTICE_SIGNING_OUT_OF_TURN", { number, reasonZh, reasonEn });

export const awardNoticeSigning: SigningKind = {
  kind: AWARD_NOTICE_KIND,
  async load(trx, actor: Actor, subjectId, now) {
    const n = await noticeFor(trx, subjectId);
    if (!n) throw new AppError("NOT_FOUND", { what: "notice" });
    const org = actor.membership.organisationId;
    if (org !== n.tenderer_organisation_id && org !== n.agency_organisation_id) throw new AppError("NOT_FOUND", { what: "notice" });
    if (n.suspended_at && n.suspended_at <= now) throw outOfTurn(n.number, "该标段已被暂停", "the section is suspended");
    const step = nextStep(n);
    if (!step) throw outOfTurn(n.number, "通知书已签署完毕", "it carries every signature already");
    const organisationId = step === "tenderer" ? n.tenderer_organisation_id : n.agency_organisation_id!;
    if (org !== organisationId)
      throw outOfTurn(
        n.number,
        step === "tenderer" ? "应由招标人先签署" : "招标人已签署，应由招标代理机构签署",
        step === "tenderer" ? "the tenderer signs first" : "the tenderer has signed; the agency signs next",
      );
    const title = n.kind === "award" ? "中标通知书" : "中标结果通知书";
    return {
      pdf: new Uint8Array(toBytes(n.pdf)),
      organisationId,
      fieldName: step,
      reason: step === "tenderer" ? `招标人签发${title}` : `招标代理机构签发${title}`,
      version: n.document_sha256,
      title: `${title} ${n.number}`,
    };
  },
  async onSigned(trx, signed) {
    const n = (await noticeFor(trx, signed.subjectId))!;
    const step = nextStep(n)!;
    await trx
      .updateTable("award_notices")
      .set({
        pdf: signed.pdf,
        document_sha256: signed.sha256,
        ...(step === "tenderer"
          ? { tenderer_signed_at: signed.now, tenderer_signed_by: signed.actor.personId }
          : { agency_signed_at: signed.now, agency_signed_by: signed.actor.personId }),
      })
      .where("id", "=", n.id)
      .execute();
    await appendAudit(trx, {
      event: {
        type: "award_notice.signed",
        data: { noticeId: n.id, step, sha256: signed.sha256, certificateSerial: signed.certificateSerial },
      },
      actor: auditActorOf(signed.actor, { ip: "", userAgent: "" }),
      at: signed.now,
    });
  },
};
