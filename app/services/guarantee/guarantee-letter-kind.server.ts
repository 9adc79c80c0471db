import { createHash } from "node:crypto";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { SigningKind } from "#app/services/signing/signing-kinds.server.ts";
import { guaranteeLetterPdf, storeSignedGuaranteeLetter } from "./issue-guarantee.server.ts";

/**
 * The guarantee letter (投标保函) signed in the browser by the guarantor's `sign` member
 * (decision 55's flow, decision 0057). The subject is the guarantee; the letter tells who bids on
 * which section, so its signature's audit row is sealed until the deadline.
 */
export const guaranteeLetterKind: SigningKind = {
  kind: "guarantee-letter",
  async load(trx, actor, subjectId) {
    const letter = await guaranteeLetterPdf(trx, actor, subjectId);
    return {
      pdf: letter.pdf,
      organisationId: letter.guarantorOrganisationId,
      fieldName: letter.fieldName,
      reason: letter.reason,
      version: createHash("sha256").update(letter.pdf).digest("hex"),
      title: `投标保函 ${letter.ledgerId.slice(0, 18)}…（${letter.sectionCode}）`,
      sealedSectionId: letter.sectionId,
    };
  },
  async onSigned(trx, signed) {
    const g = await trx.selectFrom("guarantees").selectAll().where("id", "=", signed.subjectId).forUpdate().executeTakeFirst();
    if (!g || g.guarantor_organisation_id !== signed.actor.membership.organisationId)
      throw new AppError("NOT_FOUND", { what: "guarantee" });
    if (g.status !== "issuing" || g.document_sha256)
      throw new AppError("GUARANTEE_LETTER_INVALID", {
        reasonZh: g.document_sha256 ? "该保函已签章" : "该保函当前不在等待签章的状态",
        reason: `the guarantee is ${g.status}`,
      });
    await storeSignedGuaranteeLetter(
      signed.app,
      trx,
      { actor: signed.actor, guarantee: g, pdf: signed.pdf, meta: { ip: "signing", userAgent: "browser signing flow" } },
      signed.now,
    );
  },
};
