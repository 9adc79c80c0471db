import { securityOffer, type SecurityOffer } from "#app/domain/bidding/security-offer.ts";
import { mayOfferCreditCommitment } from "#app/domain/credit/credit.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { compileOpeningForm, OpeningForm } from "#app/domain/tendering/opening-form.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { bidRecipientCertificates } from "#app/server/repo/bid-recipients.server.ts";
import { requireCaCertificates } from "#app/server/pki/platform-pki.server.ts";
import { creditStanding, findProject } from "#app/server/repo/tendering.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";
import { declarableGuarantees } from "#app/services/guarantee/bidder-guarantees.server.ts";
import { guardPhase, projectPartyRefusal } from "#app/services/tendering/tendering-rules.server.ts";

export interface SealingKit {
  section: { id: string; code: string; name: string; deadlineAt: string };
  bidder: { uscc: string; name: string };
  /** JSON Schema (draft 2020-12) of bid.json's `fields`. */
  schema: Record<string, unknown>;
  /** The field list the schema was compiled from, for typed inputs in the browser. */
  form: OpeningForm;
  /**
   * What bid security the section asks for and which forms this bidder may offer (decision 16):
   * only forms a bid upload accepts (a transfer, 转账, is paid outside the platform and cannot be
   * declared with a bid; decision 50), and `kinds` in the words of the upload's `securityKind`.
   */
  security: { amountFen: string } & SecurityOffer;
  /**
   * The organisation's electronic guarantees issued on the platform for this section and still
   * free (decision 0072): one of them is declared by its ledger id as bid.json's
   * `security.reference` and beside the envelope.
   */
  guarantees: { id: string; ledgerId: string; guarantorName: string; amountFen: string; validUntil: string }[];
  /**
   * Every valid certificate of the caller's organisation's members holding `bid` (ARCHITECTURE.md
   * §4 step 1): any of them can decrypt at the opening, so a change of staff does not lose a bid.
   */
  recipients: { serialHex: string; subjectName: string; certificatePem: string; notAfter: string }[];
  issuingCaPem: string;
}

/**
 * What a sealing tool (the browser, or `bidhall section`) needs for one section: the opening
 * form and the recipients. Only for a registered bidder organisation, before the deadline.
 */
export async function getSealingKit(app: AppContext, actor: Actor, sectionId: string): Promise<SealingKit> {
  requirePermission(actor, "submit:bid:own");
  const now = app.clock.now();
  const section = await app.db
    .selectFrom("sections")
    .select([
      "id",
      "project_id",
      "code",
      "name",
      "deadline_at",
      "opening_form",
      "bid_security_fen",
      "security_forms",
      "published_at",
      "cancelled_at",
      "failed_at",
      "suspended_at",
    ])
    .where("id", "=", sectionId)
    .executeTakeFirst();
  if (!section) throw new AppError("NOT_FOUND", { what: "section" });
  // 条例 Art 13: the project's own agency (or tenderer) gets no kit to bid with (decision 21).
  const partyRefusal = projectPartyRefusal(actor, (await findProject(app.db, section.project_id))!);
  if (partyRefusal) throw partyRefusal;
  const organisationId = actor.membership.organisationId;
  const registered = await app.db
    .selectFrom("registrations")
    .select("id")
    .where("section_id", "=", section.id)
    .where("organisation_id", "=", organisationId) // owner filter
    .executeTakeFirst();
  if (!registered) throw new AppError("BID_NOT_REGISTERED", { section: section.code });
  guardPhase(
    {
      publishedAt: section.published_at,
      deadlineAt: section.deadline_at,
      cancelledAt: section.cancelled_at,
      failedAt: section.failed_at,
      suspendedAt: section.suspended_at,
    },
    ["published"],
    now,
  );

  const recipients = await bidRecipientCertificates(app.db, organisationId, now);
  if (recipients.length === 0) throw new AppError("BID_NO_RECIPIENTS");

  const { issuing } = await requireCaCertificates(app.db);
  const form = OpeningForm.parse(section.opening_form);
  const standing = await creditStanding(app.db, actor.membership.organisationUscc);
  const creditCommitmentAllowed = mayOfferCreditCommitment({
    records: standing.records,
    sectionAllows: section.security_forms.includes("creditCommitment"),
    now,
  });
  const offer = { amountFen: String(section.bid_security_fen), ...securityOffer(section.security_forms, creditCommitmentAllowed) };
  return {
    section: { id: section.id, code: section.code, name: section.name, deadlineAt: section.deadline_at.toISOString() },
    bidder: { uscc: actor.membership.organisationUscc, name: actor.membership.organisationName },
    schema: compileOpeningForm(form, `urn:bidhall:section:${section.id}`),
    form,
    security: offer,
    guarantees: offer.kinds.includes("guarantee") ? await declarableGuarantees(app.db, organisationId, section.id) : [],
    recipients: recipients.map((r) => ({
      serialHex: r.serial_hex,
      subjectName: r.subject_name,
      certificatePem: r.certificate_pem,
      notAfter: r.not_after.toISOString(),
    })),
    issuingCaPem: issuing.certificatePem,
  };
}
