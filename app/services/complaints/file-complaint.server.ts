import { createHash, randomBytes, randomUUID } from "node:crypto";
import canonicalize from "canonicalize";
import { ulid } from "ulid";
import {
  complaintWindow,
  objectionRequired,
  withinWindow,
  type ComplaintSubject,
  type PrerequisiteFacts,
} from "#app/domain/complaint/windows.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { citation } from "#app/domain/tendering/legal-sources.ts";
import { validateCitizenId } from "#app/domain/shared/citizen-id.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { accountOf, enqueueLedgerWrite } from "#app/server/ledger/writes.server.ts";
import { signComplaintReceipt } from "#app/server/pdf/render/complaint-documents.server.ts";
import { platformPdfSigner } from "#app/server/pki/platform-signer.server.ts";
import { loadHolidayCalendar } from "#app/server/repo/tendering.server.ts";
import { idNumberHash } from "#app/server/secrets.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { withCalendar } from "../tendering/tendering-rules.server.ts";
import {
  complaintRules,
  documentsObtainedAt,
  hasBid,
  loadSectionWithProject,
  OBJECTION_WORD,
  shanghai,
  SUBJECT_NAMES,
} from "./complaint-context.server.ts";
import { idProblemText } from "./id-number.server.ts";
import { routeComplaint } from "./route-complaint.server.ts";
import { removeEvidence, storeEvidence, type EvidenceUpload, type StoredEvidence } from "./store-evidence.server.ts";

export type Complainant = { kind: "organisation" } | { kind: "person"; idNumber: string };

export interface FileComplaintOptions {
  actor: Actor;
  sectionId: string;
  subject: ComplaintSubject;
  complainant: Complainant;
  facts: string;
  request: string;
  legalBasis: string;
  /** When the complainant knew of the act: needed only where no objection comes first. */
  knownAt?: Date;
  files: readonly EvidenceUpload[];
  meta: RequestMeta;
}

export interface FiledComplaint {
  complaintId: string;
  receiptNo: string;
  ledgerId: string;
  contentSha256: string;
  regulatorIds: string[];
}

const hex = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** The salted commitment to the complainant that goes on chain (decision 0061): SHA-256(salt ‖ identity). */
export function complainantCommitment(salt: string, identity: string): string {
  return `0x${createHash("sha256").update(Buffer.from(salt, "hex")).update(identity, "utf8").digest("hex")}`;
}

/**
 * A real-name complaint (投诉) to the regulators with jurisdiction (decisions 0061, 0062). Every
 * check comes before anything is written — who complains, standing, the objection the law
 * requires first, the window, a duplicate, a regulator to route to, the evidence — so a refusal
 * leaves nothing behind; then, in one transaction, the complaint, its routing, the audit row and
 * the ComplaintLedger.file write in the outbox; the platform-signed receipt is made at once.
 */
export async function fileComplaint(app: AppContext, opts: FileComplaintOptions): Promise<FiledComplaint> {
  const now = app.clock.now();
  const { actor } = opts;
  const { section, project } = await loadSectionWithProject(app.db, opts.sectionId);
  const type = project.procurement_type;
  const what = SUBJECT_NAMES[opts.subject];
  const word = OBJECTION_WORD[type];

  // Real name: a confirmed person; for an organisation, an approved one and a member who may object for it.
  const person = await app.db
    .selectFrom("people")
    .select(["name", "status", "email_confirmation_hash"])
    .where("id", "=", actor.personId)
    .executeTakeFirstOrThrow();
  if (person.status !== "active" || person.email_confirmation_hash)
    throw new AppError("COMPLAINT_NOT_VERIFIED", { reasonZh: "您的账号尚未完成实名确认", reasonEn: "your account is not confirmed" });
  let identity: string;
  let idHash: string | null = null;
  const organisationId = opts.complainant.kind === "organisation" ? actor.membership.organisationId : null;
  if (opts.complainant.kind === "organisation") {
    if (actor.membership.organisationStatus !== "approved")
      throw new AppError("COMPLAINT_NOT_VERIFIED", { reasonZh: "本单位尚未通过入驻审核", reasonEn: "your organisation is not approved" });
    if (!actor.permissions.has("raise:objection:own"))
      throw new AppError("COMPLAINT_NO_STANDING", {
        reasonZh: "只有投标人（供应商）的投标人员可以以单位名义投诉",
        reasonEn: "only a bidder's (supplier's) bidding staff may complain for the organisation",
      });
    identity = `organisation:${actor.membership.organisationUscc}:person:${actor.personId}`;
  } else {
    const checked = validateCitizenId(opts.complainant.idNumber);
    if (!checked.ok) throw new AppError("COMPLAINT_ID_NUMBER_INVALID", idProblemText(checked.problem));
    idHash = idNumberHash(app.config, app.log, checked.value);
    identity = `person:${idHash}`;
  }

  // Standing and the objection first (条例 60; 政府采购法 55).
  let prerequisite: { objectionId: string | null; openingObjectionId: string | null; facts: PrerequisiteFacts } | null = null;
  if (objectionRequired(type, opts.subject)) {
    prerequisite =
      organisationId && opts.subject !== "other" ? await findPrerequisite(app, section.id, opts.subject, organisationId, type) : null;
    if (!prerequisite) {
      const source = citation("objectionFirst", type);
      throw new AppError("COMPLAINT_OBJECTION_REQUIRED", {
        whatZh: what.zh,
        whatEn: what.en,
        wordZh: word.zh,
        wordEn: word.en,
        sourceZh: source.zh,
        sourceEn: source.en,
      });
    }
  } else if (organisationId) {
    const interested =
      (await documentsObtainedAt(app.db, project.id, section.id, organisationId)) !== null ||
      (await hasBid(app.db, section.id, organisationId));
    if (!interested)
      throw new AppError("COMPLAINT_NO_STANDING", {
        reasonZh: "本单位既未获取该项目的招标文件，也未参加该标段投标",
        reasonEn: "your organisation neither obtained the documents nor bid on this section",
      });
  }
  if (!prerequisite && !opts.knownAt) throw new AppError("VALIDATION_FAILED", { issues: ["knownAt"] });
  if (opts.knownAt && opts.knownAt.getTime() > now.getTime()) throw new AppError("VALIDATION_FAILED", { issues: ["knownAt"] });

  // The window.
  const [cal, rules] = await Promise.all([loadHolidayCalendar(app.db), complaintRules(app.db, type)]);
  const result = withCalendar(() =>
    complaintWindow(cal, rules, type, prerequisite ? { objection: prerequisite.facts } : { knownAt: opts.knownAt! }, now),
  );
  if (!result.ok)
    throw new AppError("COMPLAINT_AWAITING_ANSWER", {
      wordZh: word.zh,
      wordEn: word.en,
      dueAt: shanghai(result.answerDueAt),
      sourceZh: result.source.zh,
      sourceEn: result.source.en,
    });
  const window = result.window;
  if (!withinWindow(window, now))
    throw new AppError("COMPLAINT_WINDOW_CLOSED", {
      closedAt: shanghai(window.endsAt),
      sourceZh: window.source.zh,
      sourceEn: window.source.en,
    });

  // A duplicate of an open complaint.
  const complainantKey = organisationId ?? actor.personId;
  await assertNoOpenDuplicate(app, { sectionId: section.id, subject: opts.subject, kind: opts.complainant.kind, complainantKey, type });

  // Who receives it.
  const regulators = await routeComplaint(app.db, project);

  // Evidence, the content hash, the receipt: outside the transaction (streams, signing), removed on failure.
  const complaintId = randomUUID();
  const files: StoredEvidence[] = await storeEvidence(app, complaintId, opts.files);
  let receiptKey: string | null = null;
  try {
    const receiptNo = `TS${ulid(now.getTime())}`;
    const ledgerId = `0x${hex(`bidhall.complaint:${complaintId}`)}`;
    const salt = randomBytes(32).toString("hex");
    const complainantRef = complainantCommitment(salt, identity);
    const content = {
      format: "bidhall.complaint/1",
      complaintId,
      sectionId: section.id,
      sectionCode: section.code,
      subject: opts.subject,
      complainantRef,
      facts: opts.facts,
      request: opts.request,
      legalBasis: opts.legalBasis,
      prerequisiteObjectionId: prerequisite?.objectionId ?? prerequisite?.openingObjectionId ?? null,
      knownAt: prerequisite ? null : opts.knownAt!.toISOString(),
      files: files.map((f) => ({ name: f.name, mediaType: f.mediaType, size: f.size, sha256: f.sha256 })),
      filedAt: now.toISOString(),
    };
    const contentSha256 = hex(canonicalize(content)!);
    const receipt = await signComplaintReceipt(
      {
        receiptNo,
        filedAt: now,
        projectCode: project.code,
        projectName: project.name,
        sectionCode: section.code,
        sectionName: section.name,
        subject: what.zh,
        complainant: organisationId ? actor.membership.organisationName : person.name,
        complainantKind: organisationId ? "法人或其他组织" : "自然人",
        regulators: regulators.map((r) => r.name),
        contentSha256,
        ledgerId,
        files: files.map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 })),
        windowEndsAt: window.endsAt,
        windowSource: window.source.zh,
      },
      await platformPdfSigner(app),
    );
    const stored = await storageFor(app).put(`complaints/${complaintId}/receipt.pdf`, receipt.pdf);
    receiptKey = stored.key;

    await app.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("complaints")
        .values({
          id: complaintId,
          section_id: section.id,
          subject: opts.subject,
          complainant_kind: opts.complainant.kind,
          complainant_organisation_id: organisationId,
          complainant_person_id: actor.personId,
          complainant_name: organisationId ? null : person.name,
          id_number_hash: idHash,
          facts: opts.facts,
          request: opts.request,
          legal_basis: opts.legalBasis,
          prerequisite_objection_id: prerequisite?.objectionId ?? null,
          prerequisite_opening_objection_id: prerequisite?.openingObjectionId ?? null,
          known_at: prerequisite ? null : opts.knownAt!,
          window_ends_at: window.endsAt,
          content_sha256: contentSha256,
          ledger_id: ledgerId,
          complainant_salt: salt,
          complainant_ref: complainantRef,
          receipt_no: receiptNo,
          receipt_key: stored.key,
          receipt_sha256: stored.sha256,
          filed_at: now,
        })
        .execute();
      await trx
        .insertInto("complaint_regulators")
        .values(regulators.map((r) => ({ complaint_id: complaintId, regulator_organisation_id: r.id, routed_at: now })))
        .execute();
      if (files.length)
        await trx
          .insertInto("complaint_files")
          .values(
            files.map((f) => ({
              complaint_id: complaintId,
              name: f.name,
              media_type: f.mediaType,
              size: String(f.size),
              sha256: f.sha256,
              storage_key: f.storageKey,
              uploaded_at: now,
            })),
          )
          .execute();
      // The first routed regulator is the one named on chain (decision 0062); every one sees it here.
      await enqueueLedgerWrite(
        trx,
        `complaint.file:${complaintId}`,
        {
          contract: "ComplaintLedger",
          method: "file",
          args: [ledgerId, sectionRef(section.id), `0x${contentSha256}`, complainantRef, accountOf({ organisationId: regulators[0]!.id })],
          actor: "platform",
        },
        now,
      );
      await appendAudit(trx, {
        event: {
          type: "complaint.filed",
          data: {
            complaintId,
            sectionId: section.id,
            receiptNo,
            contentSha256,
            ledgerId,
            regulatorIds: regulators.map((r) => r.id),
            files: files.length,
          },
        },
        actor: auditActorOf(actor, opts.meta),
        at: now,
      });
    });
    return { complaintId, receiptNo, ledgerId, contentSha256, regulatorIds: regulators.map((r) => r.id) };
  } catch (e) {
    await removeEvidence(app, files);
    if (receiptKey)
      await storageFor(app)
        .remove(receiptKey)
        .catch(() => undefined);
    if (isUniqueViolation(e)) {
      await assertNoOpenDuplicate(app, { sectionId: section.id, subject: opts.subject, kind: opts.complainant.kind, complainantKey, type });
    }
    throw e;
  }
}

/** The ledger's bytes32 for a section. */
export const sectionRef = (sectionId: string) => `0x${hex(`bidhall.section:${sectionId}`)}`;

function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "23505";
}

async function assertNoOpenDuplicate(
  app: AppContext,
  q: {
    sectionId: string;
    subject: ComplaintSubject;
    kind: "organisation" | "person";
    complainantKey: string;
    type: "engineering" | "government";
  },
) {
  const open = await app.db
    .selectFrom("complaints")
    .select("receipt_no")
    .where("section_id", "=", q.sectionId)
    .where("subject", "=", q.subject)
    .where("complainant_kind", "=", q.kind)
    .where(q.kind === "organisation" ? "complainant_organisation_id" : "complainant_person_id", "=", q.complainantKey)
    .where("decided_at", "is", null)
    .where("rejected_at", "is", null)
    .where("withdrawn_at", "is", null)
    .executeTakeFirst();
  if (open) {
    const what = SUBJECT_NAMES[q.subject];
    const source = citation("complaintDuplicate", q.type);
    throw new AppError("COMPLAINT_DUPLICATE", {
      whatZh: what.zh,
      whatEn: what.en,
      receiptNo: open.receipt_no,
      sourceZh: source.zh,
      sourceEn: source.en,
    });
  }
}

/** The objection the complaint rests on: the organisation's latest on the subject (engineering opening: raised in the hall). */
async function findPrerequisite(
  app: AppContext,
  sectionId: string,
  subject: "documents" | "opening" | "result",
  organisationId: string,
  type: "engineering" | "government",
): Promise<{ objectionId: string | null; openingObjectionId: string | null; facts: PrerequisiteFacts } | null> {
  if (subject === "opening" && type === "engineering") {
    const o = await app.db
      .selectFrom("opening_objections as o")
      .innerJoin("openings as op", "op.id", "o.opening_id")
      .select(["o.id", "o.raised_at", "o.answered_at"])
      .where("op.section_id", "=", sectionId)
      .where("o.organisation_id", "=", organisationId)
      .orderBy("o.raised_at", "desc")
      .executeTakeFirst();
    return o
      ? { objectionId: null, openingObjectionId: o.id, facts: { raisedAt: o.raised_at, answeredAt: o.answered_at, answerDueAt: null } }
      : null;
  }
  const o = await app.db
    .selectFrom("objections")
    .select(["id", "raised_at", "answered_at", "answer_due_at"])
    .where("section_id", "=", sectionId)
    .where("subject", "=", subject)
    .where("raised_by_organisation_id", "=", organisationId)
    .orderBy("raised_at", "desc")
    .executeTakeFirst();
  return o
    ? {
        objectionId: o.id,
        openingObjectionId: null,
        facts: { raisedAt: o.raised_at, answeredAt: o.answered_at, answerDueAt: o.answer_due_at },
      }
    : null;
}
