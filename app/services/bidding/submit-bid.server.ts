import fs from "node:fs";
import { ulid } from "ulid";
import { signJson, RECEIPT_TYPE, type Receipt } from "#app/crypto/jws/signed-json.ts";
import { mayOfferCreditCommitment } from "#app/domain/credit/credit.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { inspectEnvelope, isEnvelopeError, type EnvelopeErrorCode } from "#app/server/envelope/index.server.ts";
import { queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import { loadPlatformSigningIdentity } from "#app/server/pki/platform-signer.server.ts";
import { bidRecipientCertificates } from "#app/server/repo/bid-recipients.server.ts";
import { bidFacts, stateOf } from "#app/server/repo/bids.server.ts";
import { factsOf, findProject, findSection } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { commitmentRefusal, participationCheck, tenderScopeOf } from "#app/services/credit/credit-standing.server.ts";
import { assertBidsMayChange } from "#app/domain/tendering/suspension.ts";
import { releaseSectionGuarantees } from "#app/services/guarantee/release-guarantees.server.ts";
import { guardPhase, projectPartyRefusal } from "#app/services/tendering/tendering-rules.server.ts";
import { checkDeclaredGuarantee, takeBackQueuedRelease } from "./declared-guarantee.server.ts";

export interface SubmitBidOptions {
  actor: Actor;
  sectionId: string;
  /** The completed upload (a temporary file); it is copied into storage, never opened. */
  envelopePath: string;
  /** SHA-256 of the plaintext package, as the sealing tool computed it (the remedy compares against it). */
  packageDigest: string;
  /**
   * The bid security the bidder declares beside the envelope (decision 16), for the guarantee
   * check at the opening; bid.json inside the envelope stays binding. Optional: older offline
   * tools do not send it.
   */
  security?: BidSecurityDeclaration | undefined;
  meta: RequestMeta;
}

export interface BidSecurityDeclaration {
  kind: "guarantee" | "credit-commitment";
  reference: string;
}

/** bid.json's security kinds against the section's accepted forms (app/domain/tendering/section-terms.ts). */
const SECURITY_FORM_OF = { guarantee: "guarantee", "credit-commitment": "creditCommitment" } as const;

export interface SubmittedBid {
  receipt: Receipt;
  receiptJws: string;
}

/** What is wrong with a refused envelope, in words a bidder can act on. */
const ENVELOPE_REASONS: Record<EnvelopeErrorCode, { reasonZh: string; reasonEn: string }> = {
  NOT_CMS: {
    reasonZh: "文件不是加密投标文件（CMS），可能上传了未加密的投标文件。",
    reasonEn: "the file is not an encrypted (CMS) bid; perhaps the unencrypted package was uploaded.",
  },
  WRONG_CONTENT_TYPE: {
    reasonZh: "文件是 CMS 但不是认证加密（AuthEnvelopedData）格式。",
    reasonEn: "the file is CMS but not AuthEnvelopedData.",
  },
  UNSUPPORTED_ALGORITHM: {
    reasonZh: "加密算法不受支持，须为 AES-256-GCM 与 RSA-OAEP（SHA-256）。",
    reasonEn: "unsupported algorithm; AES-256-GCM with RSA-OAEP (SHA-256) is required.",
  },
  NO_RECIPIENT_FOR_CERTIFICATE: { reasonZh: "文件没有可用的解密证书。", reasonEn: "the file has no usable recipient." },
  TRUNCATED: {
    reasonZh: "文件不完整（可能上传中断），请重新上传。",
    reasonEn: "the file is incomplete (perhaps the upload broke off); upload it again.",
  },
  AUTHENTICATION_FAILED: { reasonZh: "文件已损坏或被改动。", reasonEn: "the file is damaged or was altered." },
  MALFORMED: { reasonZh: "文件结构不正确。", reasonEn: "the file's structure is invalid." },
};

const deadlineError = (deadline: Date) => new AppError("BID_AFTER_DEADLINE", { deadline: formatShanghai(deadline) });

/**
 * A completed upload becomes a bid version (ARCHITECTURE.md §4 step 5; 办法 26–27): only from a
 * registered bidder organisation that credit does not bar, from a member who may submit, before
 * the deadline by the server's clock, and only an AuthEnvelopedData whose every recipient is a
 * valid certificate of that organisation's bid members. The platform never opens it: it stores
 * the ciphertext and its hash, signs the receipt at once and queues the hash for anchoring.
 * A new version takes effect only here, when its receipt is issued; earlier versions are kept.
 */
export async function submitBid(app: AppContext, opts: SubmitBidOptions): Promise<SubmittedBid> {
  const { actor } = opts;
  requirePermission(actor, "submit:bid:own");
  if (!/^[0-9a-f]{64}$/.test(opts.packageDigest)) throw new AppError("VALIDATION_FAILED", { field: "packageDigest" });
  const now = app.clock.now();
  const { section, project, credit } = await assertMayBid(app, actor, opts.sectionId, now);
  const organisationId = actor.membership.organisationId;
  if (opts.security) {
    const form = SECURITY_FORM_OF[opts.security.kind];
    if (!section.security_forms.includes(form)) throw new AppError("BID_SECURITY_FORM_NOT_ACCEPTED", { kind: opts.security.kind });
    // DOMAIN.md §6: a credit commitment replaces the bid security only for red-rated bidders.
    if (
      opts.security.kind === "credit-commitment" &&
      !mayOfferCreditCommitment({ records: credit.standing.records, sectionAllows: true, now })
    )
      throw commitmentRefusal(credit.grade);
  }
  // Decision 0072: a declared platform guarantee must be this organisation's, for this section, issued and free.
  await checkDeclaredGuarantee(app.db, { organisationId, sectionId: section.id, security: opts.security });

  // 办法 26: an unencrypted (or malformed) bid is refused, saying what is wrong.
  let inspection: Awaited<ReturnType<typeof inspectEnvelope>>;
  try {
    inspection = await inspectEnvelope(opts.envelopePath);
  } catch (e) {
    if (isEnvelopeError(e)) throw new AppError("BID_ENVELOPE_INVALID", { ...ENVELOPE_REASONS[e.code], detail: e.message }, { cause: e });
    throw e;
  }
  const valid = await bidRecipientCertificates(app.db, organisationId, now);
  const known = new Set(valid.map((v) => v.serial_hex.toUpperCase().replace(/^0+/, "")));
  const serials = inspection.recipients.map((r) => (r.serialNumber ?? r.subjectKeyIdentifier ?? "?").toUpperCase().replace(/^0+/, ""));
  const stranger = serials.find((s) => !known.has(s));
  if (serials.length === 0 || stranger !== undefined) throw new AppError("BID_RECIPIENT_UNKNOWN", { serial: stranger ?? "—" });

  const receiptNo = ulid(now.getTime());
  const storage = storageFor(app);
  const stored = await storage.put(
    `envelopes/${section.id}/${organisationId}/${receiptNo.toLowerCase()}.p7m`,
    fs.createReadStream(opts.envelopePath),
  );
  const signer = await loadPlatformSigningIdentity(app).catch(async (e: unknown) => {
    await storage.remove(stored.key);
    throw e;
  });

  return app.db
    .transaction()
    .execute(async (trx) => {
      // The deadline again, under the section lock: `now` is when the last byte arrived, and the deadline
      // may have been moved (a clarification) while the envelope was being stored (办法 27).
      const locked = (await findSection(trx, section.id, { forUpdate: true }))!;
      // Decision 38: a suspension recorded while the envelope was being stored stops it too.
      assertBidsMayChange(factsOf(locked), project.procurement_type, now);
      if (now >= locked.deadline_at) throw deadlineError(locked.deadline_at);
      await trx
        .insertInto("bids")
        .values({ section_id: section.id, organisation_id: organisationId, created_at: now })
        .onConflict((oc) => oc.columns(["section_id", "organisation_id"]).doNothing())
        .execute();
      const bid = await trx
        .selectFrom("bids")
        .select("id")
        .where("section_id", "=", section.id)
        .where("organisation_id", "=", organisationId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const last = await trx
        .selectFrom("bid_versions")
        .select("version")
        .where("bid_id", "=", bid.id)
        .orderBy("version", "desc")
        .limit(1)
        .executeTakeFirst();
      const version = (last?.version ?? 0) + 1;
      // Again under the guarantee's lock: it may have been bound or released while the envelope was stored.
      const guarantee = await checkDeclaredGuarantee(trx, {
        organisationId,
        sectionId: section.id,
        security: opts.security,
        forUpdate: true,
      });
      if (guarantee)
        await takeBackQueuedRelease(trx, { guaranteeId: guarantee.id, sectionId: section.id, actor: auditActorOf(actor, opts.meta), now });
      const receipt: Receipt = {
        format: "bidhall.receipt/1",
        receiptNo,
        sectionId: section.id,
        bidderUscc: actor.membership.organisationUscc,
        version,
        envelopeSha256: stored.sha256,
        packageDigest: opts.packageDigest,
        size: stored.size,
        receivedAt: now.toISOString(),
      };
      const receiptJws = await signJson(RECEIPT_TYPE, receipt, signer);
      await trx
        .insertInto("bid_versions")
        .values({
          bid_id: bid.id,
          version,
          storage_key: stored.key,
          envelope_sha256: stored.sha256,
          package_digest: opts.packageDigest,
          size: stored.size,
          recipient_serials: serials,
          submitted_by: actor.personId,
          upload_ip: opts.meta.ip,
          upload_user_agent: opts.meta.userAgent,
          received_at: now,
          receipt_no: receiptNo,
          receipt_jws: receiptJws,
          security_kind: opts.security?.kind ?? null,
          security_reference: opts.security?.reference ?? null,
          security_guarantee_id: guarantee?.id ?? null,
        })
        .execute();
      await queueForAnchoring(trx, { sha256: stored.sha256, source: "bid-envelope" }, now);
      await appendAudit(trx, {
        event: {
          type: "bid.submitted",
          data: { sectionId: section.id, organisationId, version, receiptNo, envelopeSha256: stored.sha256, size: stored.size },
        },
        actor: auditActorOf(actor, opts.meta),
        at: now,
      });
      return { receipt, receiptJws };
    })
    .catch(async (e: unknown) => {
      // A refused or failed version leaves nothing behind: the stored copy goes too.
      await storage.remove(stored.key);
      throw e;
    });
}

/**
 * Whether the actor's organisation may put a bid into the section now: the member may submit, the
 * section is published and before its deadline, the organisation is neither the project's agency
 * nor its tenderer (条例 Arts 13, 34; decision 21), it registered, and credit does not bar it.
 * `submitBid` asks when the upload completes; an upload endpoint can ask before the first byte.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function assertMayBid(app: AppContext, actor: Actor, sectionId: string, now: Date = app.clock.now()) {
  requirePermission(actor, "submit:bid:own");
  const section = UUID.test(sectionId) ? await findSection(app.db, sectionId) : undefined;
  if (!section) throw new AppError("NOT_FOUND", { what: "section" });
  const project = (await findProject(app.db, section.project_id))!;
  // Decision 38: while suspended nothing changes a bid — said before the deadline, which the suspension may move.
  assertBidsMayChange(factsOf(section), project.procurement_type, now);
  if (now >= section.deadline_at) throw deadlineError(section.deadline_at);
  guardPhase(factsOf(section), ["published"], now);
  const partyRefusal = projectPartyRefusal(actor, project);
  if (partyRefusal) throw partyRefusal;
  const registered = await app.db
    .selectFrom("registrations")
    .select("id")
    .where("section_id", "=", section.id)
    .where("organisation_id", "=", actor.membership.organisationId)
    .executeTakeFirst();
  if (!registered) throw new AppError("BID_NOT_REGISTERED", { section: section.code });
  const credit = await participationCheck(app.db, {
    uscc: actor.membership.organisationUscc,
    organisationName: actor.membership.organisationName,
    tender: tenderScopeOf(project),
    now,
  });
  if (credit.refused) throw credit.refused.error;
  return { section, project, credit };
}

/** Withdraws the organisation's bid before the deadline (办法 27); its versions stay for the audit trail. */
export async function withdrawBid(app: AppContext, opts: { actor: Actor; sectionId: string; meta: RequestMeta }): Promise<void> {
  requirePermission(opts.actor, "submit:bid:own");
  const now = app.clock.now();
  const organisationId = opts.actor.membership.organisationId;
  await app.db.transaction().execute(async (trx) => {
    const section = await findSection(trx, opts.sectionId, { forUpdate: true });
    if (!section) throw new AppError("NOT_FOUND", { what: "section" });
    const project = (await findProject(trx, section.project_id))!;
    // Decision 38: a withdrawal changes a bid too; none while the regulator suspends the section.
    assertBidsMayChange(factsOf(section), project.procurement_type, now);
    if (now >= section.deadline_at) throw deadlineError(section.deadline_at);
    const bid = await trx
      .selectFrom("bids")
      .select("id")
      .where("section_id", "=", section.id)
      .where("organisation_id", "=", organisationId)
      .forUpdate()
      .executeTakeFirst();
    const facts = bid ? await bidFacts(trx, section.id, organisationId) : { versions: [], withdrawals: [] };
    const state = stateOf(facts);
    if (!bid || state.status !== "submitted") throw new AppError("BID_NOTHING_TO_WITHDRAW");
    await trx
      .insertInto("bid_withdrawals")
      .values({ bid_id: bid.id, after_version: state.version, withdrawn_by: opts.actor.personId, withdrawn_at: now })
      .execute();
    await appendAudit(trx, {
      event: { type: "bid.withdrawn", data: { sectionId: section.id, organisationId, afterVersion: state.version } },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    // 条例 35: a bid withdrawn before the deadline gets its security back. The release goes on the
    // ledger at the deadline, not now: a release before it would show that somebody withdrew
    // (decision 42); a new version declaring the guarantee again takes it back (decision 0072).
    await releaseSectionGuarantees(trx, {
      sectionId: section.id,
      applicantOrganisationId: organisationId,
      event: "withdrawal",
      now,
      actor: auditActorOf(opts.actor, opts.meta),
      runAfter: section.deadline_at,
    });
  });
}
