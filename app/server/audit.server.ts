import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import { z } from "zod";
import type { Database } from "#db/schema.ts";
import { toBigInt } from "./db.server.ts";

/**
 * The audit trail (办法 Art 49): append-only rows, each with actor, organisation, IP, user agent,
 * time, event type and data, chained by hash: `hash = SHA-256(RFC 8785 JSON of the row without
 * its hash)`, and each row carries the previous row's hash. Appends take a transaction-scoped
 * advisory lock, so concurrent writers are serialised and the chain never forks; the row is
 * written in the same transaction as the change it records.
 */
const uuid = z.string().uuid();

const SignedDocumentData = z.object({
  kind: z.string(),
  subjectId: z.string(),
  requestId: uuid,
  sha256: z.string(),
  certificateSubject: z.string(),
  certificateSerial: z.string(),
});
// Issue 14 (decision 0057): guarantee products, applications and issuing.
const GuaranteeProductData = z.object({
  productId: uuid,
  name: z.string(),
  active: z.boolean(),
  feeRateBp: z.number(),
  minimumFeeFen: z.string(),
});
const GuaranteeApplicationData = z.object({
  applicationId: uuid,
  sectionId: uuid,
  applicantOrganisationId: uuid,
  guarantorOrganisationId: uuid,
  amountFen: z.string().optional(),
  text: z.string().optional(),
});
const GuaranteeData = z.object({
  guaranteeId: uuid,
  applicationId: uuid,
  sectionId: uuid,
  ledgerId: z.string(),
  documentSha256: z.string().optional(),
  error: z.string().optional(),
});

export const AuditEvent = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("organisation.signed_up"),
    data: z.object({ organisationId: uuid, name: z.string(), uscc: z.string(), kinds: z.array(z.string()) }),
  }),
  z.object({ type: z.literal("organisation.approved"), data: z.object({ organisationId: uuid }) }),
  // Issue 11: a sign-up that met a registered email or USCC (nothing created; the address given is told why).
  z.object({
    type: z.literal("organisation.sign_up_collided"),
    data: z.object({ email: z.string(), uscc: z.string(), reason: z.enum(["email", "uscc", "email-and-uscc"]) }),
  }),
  z.object({ type: z.literal("person.email_confirmed"), data: z.object({ personId: uuid }) }),
  // Tendering (issue 5).
  z.object({
    type: z.literal("project.created"),
    data: z.object({ projectId: uuid, code: z.string(), name: z.string(), sectionIds: z.array(uuid) }),
  }),
  z.object({
    type: z.literal("tender_document.uploaded"),
    data: z.object({ projectId: uuid, documentId: uuid, version: z.number(), sha256: z.string(), size: z.number() }),
  }),
  z.object({
    type: z.literal("project.published"),
    data: z.object({ projectId: uuid, announcementId: uuid, sectionIds: z.array(uuid), documentIds: z.array(uuid) }),
  }),
  z.object({
    type: z.literal("clarification.issued"),
    data: z.object({
      projectId: uuid,
      sectionId: uuid,
      clarificationId: uuid,
      sequence: z.number(),
      affectsPreparation: z.boolean(),
      oldDeadline: z.string(),
      newDeadline: z.string().nullable(),
      // Issue 12 (decision 41): every section the clarification affects, and who was told.
      sectionIds: z.array(uuid).optional(),
      notified: z.number().optional(),
    }),
  }),
  z.object({
    type: z.literal("section.registered"),
    data: z.object({ sectionId: uuid, organisationId: uuid, grade: z.string().nullable() }),
  }),
  z.object({
    type: z.literal("section.registration_refused"),
    data: z.object({ sectionId: uuid, organisationId: uuid, reason: z.string() }),
  }),
  z.object({ type: z.literal("tender_document.downloaded"), data: z.object({ documentId: uuid, organisationId: uuid }) }),
  z.object({
    type: z.literal("credit.imported"),
    data: z.object({ importId: uuid, filename: z.string(), sha256: z.string(), records: z.number(), bans: z.number() }),
  }),
  z.object({
    type: z.literal("rule_set.changed"),
    data: z.object({ procurementType: z.string(), version: z.number(), note: z.string(), rules: z.record(z.string(), z.unknown()) }),
  }),
  z.object({
    type: z.literal("calendar.year_loaded"),
    data: z.object({ year: z.number(), holidays: z.number(), workdays: z.number(), replaced: z.boolean() }),
  }),
  // Decision 69: the keys kept under PKI_PASSPHRASE / LEDGER_KEY_SECRET re-encrypted under new values (never the values).
  z.object({
    type: z.literal("secrets.rotated"),
    data: z.object({ secrets: z.array(z.enum(["PKI_PASSPHRASE", "LEDGER_KEY_SECRET"])), pkiKeys: z.number(), ledgerKeys: z.number() }),
  }),
  // A stored statutory period whose last day moved when a calendar year was loaded (decision 0031).
  z.object({
    type: z.literal("section.period_changed"),
    data: z.object({
      sectionId: uuid,
      projectId: uuid,
      changeId: uuid,
      rule: z.string(),
      oldLastDay: z.string(),
      newLastDay: z.string(),
      satisfied: z.boolean(),
      calendarYear: z.number(),
    }),
  }),
  z.object({ type: z.literal("organisation.rejected"), data: z.object({ organisationId: uuid, reason: z.string() }) }),
  z.object({ type: z.literal("person.logged_in"), data: z.object({ personId: uuid, method: z.enum(["password", "certificate"]) }) }),
  z.object({
    type: z.literal("person.login_failed"),
    data: z.object({ email: z.string(), reason: z.enum(["credentials", "throttled", "disabled", "unconfirmed"]) }),
  }),
  z.object({ type: z.literal("person.logged_out"), data: z.object({ personId: uuid }) }),
  z.object({ type: z.literal("member.invited"), data: z.object({ organisationId: uuid, email: z.string(), roles: z.array(z.string()) }) }),
  z.object({ type: z.literal("member.joined"), data: z.object({ organisationId: uuid, personId: uuid, roles: z.array(z.string()) }) }),
  // Issue 11: the one-time code that proves the invited address (decision 20).
  z.object({ type: z.literal("member.invitation_code_sent"), data: z.object({ organisationId: uuid, email: z.string() }) }),
  z.object({
    type: z.literal("member.invitation_code_refused"),
    data: z.object({ organisationId: uuid, email: z.string(), reason: z.enum(["wrong", "expired", "exhausted"]) }),
  }),
  z.object({
    type: z.literal("member.roles_changed"),
    data: z.object({ organisationId: uuid, personId: uuid, from: z.array(z.string()), to: z.array(z.string()) }),
  }),
  z.object({ type: z.literal("member.removed"), data: z.object({ organisationId: uuid, personId: uuid }) }),
  z.object({
    type: z.literal("api_token.created"),
    data: z.object({ tokenId: uuid, organisationId: uuid, personId: uuid, name: z.string(), scope: z.string() }),
  }),
  z.object({ type: z.literal("api_token.revoked"), data: z.object({ tokenId: uuid, organisationId: uuid }) }),
  z.object({
    type: z.literal("bid.submitted"),
    data: z.object({
      sectionId: uuid,
      organisationId: uuid,
      version: z.number(),
      receiptNo: z.string(),
      envelopeSha256: z.string(),
      size: z.number(),
    }),
  }),
  z.object({ type: z.literal("bid.withdrawn"), data: z.object({ sectionId: uuid, organisationId: uuid, afterVersion: z.number() }) }),
  // An unfinished tus upload removed by the scheduler (app/jobs/upload-cleanup.ts): at the deadline (办法 27) or left
  // untouched; or replaced, idle, by the organisation's next upload for the section (app/web/bid-upload-store.server.ts).
  z.object({
    type: z.literal("bid.upload_discarded"),
    data: z.object({
      uploadId: z.string(),
      sectionId: uuid.nullable(),
      organisationId: uuid.nullable(),
      personId: uuid.nullable(),
      bytesReceived: z.number(),
      uploadLength: z.number().nullable(),
      reason: z.enum(["deadline", "stale", "replaced"]),
    }),
  }),
  z.object({ type: z.literal("clock.advanced"), data: z.object({ seconds: z.number(), now: z.string() }) }),
  z.object({
    type: z.literal("pki.initialised"),
    data: z.object({ rootSerial: z.string(), issuingSerial: z.string(), platformSerial: z.string() }),
  }),
  // Decision 27: a platform signing certificate without the platform's purpose replaced at start-up.
  z.object({
    type: z.literal("pki.platform_certificate_renewed"),
    data: z.object({ retiredSerial: z.string(), platformSerial: z.string(), reason: z.literal("no-platform-eku") }),
  }),
  z.object({
    type: z.literal("certificate.issued"),
    data: z.object({
      serial: z.string(),
      personId: uuid,
      organisationId: uuid,
      fingerprint: z.string(),
      notAfter: z.string(),
      via: z.enum(["browser", "cli"]),
    }),
  }),
  z.object({
    type: z.literal("certificate.revoked"),
    data: z.object({ serial: z.string(), personId: uuid, organisationId: uuid, reason: z.string() }),
  }),
  z.object({ type: z.literal("crl.published"), data: z.object({ crlNumber: z.string(), revoked: z.number() }) }),
  // The online opening (issue 7, app/services/opening): every fact people or the scheduler record.
  z.object({
    type: z.literal("opening.signed_in"),
    data: z.object({ openingId: uuid, organisationId: uuid, personId: uuid, certificateSerial: z.string() }),
  }),
  z.object({
    type: z.literal("opening.bids_counted"),
    data: z.object({ openingId: uuid, validBids: z.number(), bidVersionIds: z.array(uuid) }),
  }),
  z.object({
    type: z.literal("opening.failed"),
    data: z.object({
      openingId: uuid,
      kind: z.enum(["tooFewBids", "declared"]),
      reason: z.string(),
      at: z.string(),
      // Decision 39: the legal ground chosen from the list, with its source.
      ground: z.string().optional(),
      source: z.string().optional(),
    }),
  }),
  z.object({ type: z.literal("opening.bidder_list_published"), data: z.object({ openingId: uuid, organisationIds: z.array(uuid) }) }),
  z.object({ type: z.literal("opening.window_opened"), data: z.object({ openingId: uuid }) }),
  // Decision 46: the recorder (记录人) or the supervising regulator (监标人) the opening record names.
  z.object({
    type: z.literal("opening.official_assigned"),
    data: z.object({ openingId: uuid, duty: z.enum(["recorder", "supervisor"]), personId: uuid, organisationId: uuid }),
  }),
  z.object({ type: z.literal("opening.window_paused"), data: z.object({ openingId: uuid, reason: z.string() }) }),
  z.object({ type: z.literal("opening.window_resumed"), data: z.object({ openingId: uuid, reason: z.string() }) }),
  z.object({ type: z.literal("opening.window_extended"), data: z.object({ openingId: uuid, minutes: z.number(), reason: z.string() }) }),
  z.object({ type: z.literal("opening.window_closed_early"), data: z.object({ openingId: uuid }) }),
  z.object({ type: z.literal("opening.window_ended"), data: z.object({ openingId: uuid, at: z.string() }) }),
  z.object({ type: z.literal("opening.all_decided"), data: z.object({ openingId: uuid, at: z.string() }) }),
  z.object({
    type: z.literal("opening.decryption_attempted"),
    data: z.object({ openingId: uuid, organisationId: uuid, via: z.enum(["key", "remedy"]), failure: z.string().nullable() }),
  }),
  z.object({
    // Decision 35: defects of a decrypted bid's security, for the evaluation committee (not a decryption failure).
    type: z.literal("opening.security_defects_recorded"),
    data: z.object({ openingId: uuid, organisationId: uuid, codes: z.array(z.string()) }),
  }),
  z.object({
    type: z.literal("opening.bid_decided"),
    data: z.object({ openingId: uuid, organisationId: uuid, result: z.string(), rule: z.string(), at: z.string() }),
  }),
  z.object({
    type: z.literal("opening.decryption_reclassified"),
    data: z.object({ openingId: uuid, organisationId: uuid, from: z.string(), to: z.string(), reason: z.string() }),
  }),
  z.object({
    type: z.literal("opening.reading_out_published"),
    data: z.object({ openingId: uuid, sha256: z.string(), storageKey: z.string() }),
  }),
  z.object({
    type: z.literal("opening.record_confirmed"),
    data: z.object({ openingId: uuid, organisationId: uuid, decision: z.enum(["confirm", "object"]), recordSha256: z.string() }),
  }),
  z.object({ type: z.literal("opening.objection_raised"), data: z.object({ openingId: uuid, objectionId: uuid, organisationId: uuid }) }),
  z.object({ type: z.literal("opening.objection_answered"), data: z.object({ openingId: uuid, objectionId: uuid }) }),
  z.object({ type: z.literal("opening.message_sent"), data: z.object({ openingId: uuid, messageId: uuid, text: z.string() }) }),
  z.object({ type: z.literal("opening.message_hidden"), data: z.object({ openingId: uuid, messageId: uuid, reason: z.string() }) }),
  z.object({ type: z.literal("opening.suspended"), data: z.object({ openingId: uuid, reason: z.string() }) }),
  z.object({ type: z.literal("opening.resumed"), data: z.object({ openingId: uuid, reason: z.string() }) }),
  z.object({
    // Decision 38: a suspension covering the bid deadline moved it by the time suspended.
    type: z.literal("section.deadline_moved"),
    data: z.object({ sectionId: uuid, from: z.string(), to: z.string(), suspendedAt: z.string(), resumedAt: z.string() }),
  }),
  z.object({ type: z.literal("opening.confirmation_ended"), data: z.object({ openingId: uuid, at: z.string() }) }),
  z.object({
    type: z.literal("opening.record_generated"),
    data: z.object({ openingId: uuid, sha256: z.string(), storageKey: z.string() }),
  }),
  z.object({ type: z.literal("opening.closed"), data: z.object({ openingId: uuid }) }),
  z.object({
    type: z.literal("platform.incident_recorded"),
    data: z.object({ incidentId: uuid, startedAt: z.string(), endedAt: z.string(), description: z.string() }),
  }),
  z.object({
    type: z.literal("certificate.login_refused"),
    data: z.object({
      serial: z.string(),
      reason: z.enum(["revoked", "expired", "untrusted", "challenge", "signature", "throttled", "inactive"]),
    }),
  }),
  // Issue 12: read receipts, termination, bid securities, prequalification (decisions 41–43).
  z.object({ type: z.literal("notice.read"), data: z.object({ noticeId: uuid, kind: z.string(), subjectId: uuid }) }),
  z.object({
    type: z.literal("section.terminated"),
    data: z.object({ projectId: uuid, sectionIds: z.array(uuid), reason: z.string(), notified: z.number() }),
  }),
  z.object({
    type: z.literal("bid_security.settled"),
    data: z.object({
      bidId: uuid,
      sectionId: uuid,
      outcome: z.enum(["returned", "forfeited"]),
      ground: z.string().nullable(),
      settledAt: z.string(),
    }),
  }),
  // Issue 14, part 2: verification at the opening, the ledger's outcomes, release and claims (decisions 0059, 0060).
  z.object({
    type: z.literal("opening.security_verified"),
    data: z.object({
      openingId: uuid,
      organisationId: uuid,
      outcome: z.enum(["verified", "failed"]),
      codes: z.array(z.string()),
      guaranteeId: uuid.nullable(),
    }),
  }),
  // w-g-issue defines these two with the same shape (decision 0057); the delivery hook writes them.
  ...(["guarantee.issued", "guarantee.issue_failed"] as const).map((type) =>
    z.object({
      type: z.literal(type),
      data: z.object({
        guaranteeId: uuid,
        applicationId: uuid,
        sectionId: uuid,
        ledgerId: z.string(),
        documentSha256: z.string().optional(),
        error: z.string().optional(),
      }),
    }),
  ),
  z.object({
    type: z.literal("guarantee.ledger_refused"),
    data: z.object({ guaranteeId: uuid, claimId: uuid.optional(), step: z.string(), reason: z.string() }),
  }),
  z.object({ type: z.literal("guarantee.issue_retried"), data: z.object({ guaranteeId: uuid, key: z.string() }) }),
  z.object({ type: z.literal("guarantee.release_requested"), data: z.object({ guaranteeId: uuid, sectionId: uuid, event: z.string() }) }),
  // Decision 0072: a withdrawn bid's queued release, taken back when a new version declares the guarantee again.
  z.object({ type: z.literal("guarantee.release_cancelled"), data: z.object({ guaranteeId: uuid, sectionId: uuid }) }),
  z.object({
    type: z.literal("guarantee.claim_lodged"),
    data: z.object({ guaranteeId: uuid, claimId: uuid, ground: z.string(), amountFen: z.string() }),
  }),
  z.object({ type: z.literal("guarantee.claim_paid"), data: z.object({ guaranteeId: uuid, claimId: uuid }) }),
  z.object({ type: z.literal("guarantee.claim_declined"), data: z.object({ guaranteeId: uuid, claimId: uuid, reason: z.string() }) }),
  z.object({ type: z.literal("section.contract_signed_recorded"), data: z.object({ sectionId: uuid, signedAt: z.string() }) }),
  // Evaluation and award (issue 16; decisions 65–67).
  z.object({
    type: z.literal("evaluation.result_recorded"),
    data: z.object({
      sectionId: uuid,
      evaluationId: uuid,
      reportSha256: z.string(),
      candidates: z.array(uuid),
      rejected: z.array(uuid),
      publicityEndsAt: z.string(),
    }),
  }),
  z.object({
    type: z.literal("award.decided"),
    data: z.object({
      sectionId: uuid,
      awardId: uuid,
      winnerOrganisationId: uuid,
      rank: z.number(),
      reason: z.string().nullable(),
      factSha256: z.string(),
      noticeIds: z.array(uuid),
    }),
  }),
  z.object({
    type: z.literal("award_notice.signed"),
    data: z.object({ noticeId: uuid, step: z.enum(["tenderer", "agency"]), sha256: z.string(), certificateSerial: z.string() }),
  }),
  z.object({ type: z.literal("award.announced"), data: z.object({ sectionId: uuid, awardId: uuid, noticeIds: z.array(uuid) }) }),
  z.object({ type: z.literal("award_notice.acknowledged"), data: z.object({ noticeId: uuid, sha256: z.string() }) }),
  z.object({
    type: z.literal("prequalification.published"),
    data: z.object({
      projectId: uuid,
      prequalificationId: uuid,
      saleFrom: z.string(),
      saleUntil: z.string(),
      submissionDeadline: z.string(),
    }),
  }),
  z.object({
    type: z.literal("prequalification.item_recorded"),
    data: z.object({
      prequalificationId: uuid,
      itemId: uuid,
      kind: z.enum(["clarification", "objection"]),
      newDeadline: z.string().nullable(),
    }),
  }),
  z.object({
    type: z.literal("prequalification.result_published"),
    data: z.object({ prequalificationId: uuid, passed: z.number() }),
  }),
  // Decision 55: a person signed a platform PDF in the browser (kind: guarantee-letter, award-notice, …).
  z.object({ type: z.literal("document.signed"), data: SignedDocumentData }),
  // Decision 56: the same, for a document that tells of a bid before its section's deadline (sealed until then).
  z.object({ type: z.literal("bid.document_signed"), data: SignedDocumentData.extend({ sectionId: uuid }) }),
  // The regulator's handling of complaints (issue 15; decisions 0063, 0064). Reasons are kept in
  // the complaint's row; the audit, like the ledger, carries their SHA-256.
  z.object({ type: z.literal("complaint.accepted"), data: z.object({ complaintId: uuid, reasonSha256: z.string() }) }),
  z.object({ type: z.literal("complaint.rejected"), data: z.object({ complaintId: uuid, reasonSha256: z.string() }) }),
  z.object({
    type: z.literal("complaint.section_suspended"),
    data: z.object({ complaintId: uuid, sectionId: uuid, openingId: uuid.nullable() }),
  }),
  z.object({
    type: z.literal("complaint.section_resumed"),
    data: z.object({ complaintId: uuid, sectionId: uuid, deadlineMovedTo: z.string().nullable() }),
  }),
  z.object({
    type: z.literal("complaint.documents_requested"),
    data: z.object({ complaintId: uuid, requestId: uuid, party: z.enum(["complainant", "respondent", "other"]), dueAt: z.string() }),
  }),
  z.object({
    type: z.literal("complaint.documents_answered"),
    data: z.object({ complaintId: uuid, requestId: uuid, files: z.array(z.object({ name: z.string(), sha256: z.string() })) }),
  }),
  z.object({
    type: z.literal("complaint.decision_drafted"),
    data: z.object({ complaintId: uuid, outcome: z.enum(["upheld", "partly_upheld", "dismissed"]) }),
  }),
  z.object({
    type: z.literal("complaint.decided"),
    data: z.object({ complaintId: uuid, outcome: z.enum(["upheld", "partly_upheld", "dismissed"]), decisionSha256: z.string() }),
  }),
  z.object({
    type: z.literal("complaint.withdrawn"),
    data: z.object({ complaintId: uuid, requestSha256: z.string() }),
  }),
  // Objections and complaints (issue 15; decisions 0061, 0062).
  z.object({
    type: z.literal("objection.filed"),
    data: z.object({ objectionId: uuid, sectionId: uuid, subject: z.enum(["documents", "opening", "result"]), answerDueAt: z.string() }),
  }),
  z.object({
    type: z.literal("objection.answered"),
    data: z.object({ objectionId: uuid, sectionId: uuid, documentSha256: z.string(), late: z.boolean() }),
  }),
  z.object({
    type: z.literal("complaint.filed"),
    data: z.object({
      complaintId: uuid,
      sectionId: uuid,
      receiptNo: z.string(),
      contentSha256: z.string(),
      ledgerId: z.string(),
      regulatorIds: z.array(uuid),
      files: z.number(),
    }),
  }),
  z.object({
    type: z.literal("jurisdiction.declared"),
    data: z.object({
      organisationId: uuid,
      added: z.array(z.object({ regionCode: z.string(), procurementType: z.string(), industry: z.string() })),
      removed: z.number(),
    }),
  }),
  // Issue 14 (decision 0057): guarantee products, applications and issuing. Every application
  // and guarantee event names its section and is sealed until the deadline (decision 23).
  z.object({ type: z.literal("guarantee_product.created"), data: GuaranteeProductData }),
  z.object({ type: z.literal("guarantee_product.updated"), data: GuaranteeProductData }),
  z.object({ type: z.literal("guarantee_application.submitted"), data: GuaranteeApplicationData }),
  z.object({ type: z.literal("guarantee_application.approved"), data: GuaranteeApplicationData }),
  z.object({ type: z.literal("guarantee_application.declined"), data: GuaranteeApplicationData }),
  z.object({ type: z.literal("guarantee_application.documents_requested"), data: GuaranteeApplicationData }),
  z.object({ type: z.literal("guarantee_application.supplemented"), data: GuaranteeApplicationData }),
  z.object({ type: z.literal("guarantee_application.fee_paid"), data: GuaranteeApplicationData }),
  z.object({ type: z.literal("guarantee.issue_started"), data: GuaranteeData }),
  z.object({ type: z.literal("guarantee.letter_signed"), data: GuaranteeData }),
]);
export type AuditEvent = z.infer<typeof AuditEvent>;
export type AuditEventType = AuditEvent["type"];

/** Who did it and from where; system actions (scheduler, worker) have no person. */
export interface AuditActor {
  personId: string | null;
  organisationId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const SYSTEM_ACTOR: AuditActor = { personId: null, organisationId: null, ip: null, userAgent: "bidhall-system" };

export const GENESIS_HASH = "0".repeat(64);

/** Any constant works; it only has to be the same for every writer of the audit chain. */
const AUDIT_LOCK_KEY = 0x6269_6468; // "bidh"

export interface AuditRowContent {
  seq: string;
  at: string;
  actorPersonId: string | null;
  actorOrganisationId: string | null;
  ip: string | null;
  userAgent: string | null;
  type: string;
  data: unknown;
  prevHash: string;
}

export function hashAuditRow(row: AuditRowContent): string {
  const json = canonicalize(row);
  if (json === undefined) throw new Error("audit row cannot be canonicalised");
  return createHash("sha256").update(json, "utf8").digest("hex");
}

export async function appendAudit(
  trx: Transaction<Database>,
  input: { event: AuditEvent; actor: AuditActor; at: Date },
): Promise<{ seq: string; hash: string }> {
  const event = AuditEvent.parse(input.event);
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
  const last = await trx.selectFrom("audit_log").select(["seq", "hash"]).orderBy("seq", "desc").limit(1).executeTakeFirst();
  const seq = (toBigInt(last?.seq ?? 0) + 1n).toString();
  const content: AuditRowContent = {
    seq,
    at: input.at.toISOString(),
    actorPersonId: input.actor.personId,
    actorOrganisationId: input.actor.organisationId,
    ip: input.actor.ip,
    userAgent: input.actor.userAgent,
    type: event.type,
    data: event.data,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = hashAuditRow(content);
  await trx
    .insertInto("audit_log")
    .values({
      seq,
      at: input.at,
      actor_person_id: content.actorPersonId,
      actor_organisation_id: content.actorOrganisationId,
      ip: content.ip,
      user_agent: content.userAgent,
      type: content.type,
      data: JSON.stringify(content.data),
      prev_hash: content.prevHash,
      hash,
    })
    .execute();
  return { seq, hash };
}

/**
 * A stored row as the hash saw it when it was written, whatever the driver returns: pg gives int8
 * as a string and PGlite as a number (STACK.md), so every column is normalised to the type
 * {@link appendAudit} hashed. Embedded mode broke here once ("broken at row 1").
 */
export function auditRowContent(row: Selectable<Database["audit_log"]>): AuditRowContent {
  return {
    seq: toBigInt(row.seq).toString(),
    at: new Date(row.at).toISOString(),
    actorPersonId: row.actor_person_id ?? null,
    actorOrganisationId: row.actor_organisation_id ?? null,
    ip: row.ip ?? null,
    userAgent: row.user_agent ?? null,
    type: row.type,
    data: typeof row.data === "string" ? (JSON.parse(row.data) as unknown) : row.data,
    prevHash: row.prev_hash,
  };
}

export type AuditVerification = { ok: true; rows: number } | { ok: false; rows: number; badSeq: string; reason: string };

/** Walks the whole chain in order and names the first row whose hash or link is wrong. */
export async function verifyAuditChain(db: Kysely<Database>, batchSize = 1000): Promise<AuditVerification> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1n;
  let rows = 0;
  for (;;) {
    const batch = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("seq", ">=", expectedSeq.toString())
      .orderBy("seq")
      .limit(batchSize)
      .execute();
    if (batch.length === 0) return { ok: true, rows };
    for (const row of batch) {
      const seq = toBigInt(row.seq);
      if (seq !== expectedSeq) return { ok: false, rows, badSeq: expectedSeq.toString(), reason: `row ${expectedSeq} is missing` };
      if (row.prev_hash !== prevHash)
        return { ok: false, rows, badSeq: seq.toString(), reason: "its prev_hash does not match the previous row's hash" };
      const recomputed = hashAuditRow(auditRowContent(row));
      if (recomputed !== row.hash)
        return { ok: false, rows, badSeq: seq.toString(), reason: "its content does not match its hash (edited)" };
      prevHash = row.hash;
      expectedSeq = seq + 1n;
      rows++;
    }
  }
}
