import {
  confirmationEndsAt,
  DECRYPTION_RESULT_LABELS,
  failureGroundsFor,
  readingOutRows,
  windowEndsAt,
  type DecidedOutcome,
} from "#app/domain/opening/index.ts";
import { citation } from "#app/domain/tendering/legal-sources.ts";
import { signFailedOpeningRecord, type FailedOpeningRecordInput } from "#app/server/pdf/render/failed-opening-record.server.ts";
import { minutesToMs } from "#app/domain/opening/opening-facts.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { signOpeningRecord, type OpeningRecordInput } from "#app/server/pdf/render/opening-record.server.ts";
import { signReadingOutRecord, type ReadingOutRecordInput, type RecordBidder } from "#app/server/pdf/render/reading-out-record.server.ts";
import { platformPdfSigner } from "#app/server/pki/platform-signer.server.ts";
import type { LoadedOpening } from "#app/server/repo/openings.server.ts";
import { storageFor, type StoredFile } from "#app/server/storage.server.ts";
import { createHash } from "node:crypto";
import { outcomeOf } from "./opening-context.server.ts";
import { openingOfficials } from "./opening-officials.server.ts";

/**
 * The two records of an opening (ARCHITECTURE.md §4 "Two records") built from its facts: the
 * reading-out record at the reading-out, the opening record when the confirmation period ends.
 * Both are signed by the platform, stored, and their SHA-256 returned for the row and the anchor.
 */
export const PLATFORM_NAME = "bidhall 公共资源交易电子招投标平台";

/** The decided bids in reading order, with what the reading-out publishes (app/domain/opening/reading-out.ts). */
export function readingOutOf(loaded: LoadedOpening, now: Date) {
  const bids = loaded.bids.map((b) => {
    const outcome = outcomeOf(loaded, b, now);
    if (!outcome.decided) throw new Error(`the bid of ${b.uscc} is not decided`);
    return { bid: b, outcome: outcome as DecidedOutcome };
  });
  const rows = readingOutRows(
    loaded.section.opening_form,
    bids.map(({ bid, outcome }) => ({
      bidderName: bid.organisationName,
      bidderUscc: bid.uscc,
      outcome,
      fields: outcome.result === "decrypted" ? bid.fields : null,
    })),
  );
  return { rows, bids };
}

function header(loaded: LoadedOpening, publishedAt: Date, now: Date): Omit<ReadingOutRecordInput, "bidders" | "documentId"> {
  const f = loaded.facts;
  const endedAt = f.windowEndedAt ?? windowEndsAt(f, now) ?? now;
  const exts = [...f.extensions].sort((a, b) => a.at.getTime() - b.at.getTime());
  const withPublished = { ...f, readingOutPublishedAt: publishedAt };
  return {
    project: { code: loaded.project.code, name: loaded.project.name },
    section: { code: loaded.section.code, name: loaded.section.name },
    tendererName: "",
    agencyName: null,
    procurementType: loaded.project.procurement_type,
    openingAt: f.deadlineAt,
    window: {
      openedAt: f.windowOpenedAt!,
      endedAt,
      pauses: f.pauses.map((p) => ({
        pausedAt: p.pausedAt,
        resumedAt: p.resumedAt && p.resumedAt <= endedAt ? p.resumedAt : null,
        reason: p.reason,
      })),
      // The end as it stood after each extension, looking back from the window's end.
      extensions: exts.map((e, i) => ({
        at: e.at,
        reason: e.reason,
        newEndsAt:
          windowEndsAt({ ...f, extensions: exts.slice(0, i + 1), windowEndedAt: null, windowClosedEarlyAt: null }, endedAt) ?? endedAt,
      })),
    },
    readingOutPublishedAt: publishedAt,
    confirmationEndsAt:
      confirmationEndsAt(withPublished, now) ?? new Date(publishedAt.getTime() + minutesToMs(loaded.section.confirmation_period_minutes)),
    platformName: PLATFORM_NAME,
  };
}

async function partyNames(app: AppContext, loaded: LoadedOpening) {
  const ids = [loaded.project.tenderer_organisation_id, loaded.project.agency_organisation_id].filter((x): x is string => !!x);
  const orgs = await app.db.selectFrom("organisations").select(["id", "name"]).where("id", "in", ids).execute();
  const name = (id: string | null) => (id ? (orgs.find((o) => o.id === id)?.name ?? null) : null);
  return { tendererName: name(loaded.project.tenderer_organisation_id) ?? "", agencyName: name(loaded.project.agency_organisation_id) };
}

function recordBidders(loaded: LoadedOpening, now: Date): RecordBidder[] {
  const { rows, bids } = readingOutOf(loaded, now);
  return rows.map((row) => {
    const bid = bids.find((b) => b.bid.uscc === row.bidderUscc)!.bid;
    return {
      name: row.bidderName,
      uscc: row.bidderUscc,
      decryption: { result: row.result, rule: row.rule, at: row.decidedAt },
      bid: row.price
        ? {
            price: row.price.fen,
            fields: row.fields.map((f) => ({ label: f.label, value: f.money ? f.money.fen : (f.display ?? "—") })),
            security: bid.security ? { ...bid.security, verification: "notVerified" as const } : null,
          }
        : null,
    };
  });
}

const signer = platformPdfSigner;

export async function readingOutRecordInputOf(app: AppContext, loaded: LoadedOpening, publishedAt: Date): Promise<ReadingOutRecordInput> {
  return {
    ...header(loaded, publishedAt, publishedAt),
    ...(await partyNames(app, loaded)),
    documentId: `CBJL-${loaded.section.code}`,
    bidders: recordBidders(loaded, publishedAt),
  };
}

/** Builds, signs and stores the reading-out record at `publishedAt`. */
export async function produceReadingOutRecord(app: AppContext, loaded: LoadedOpening, publishedAt: Date): Promise<StoredFile> {
  const input = await readingOutRecordInputOf(app, loaded, publishedAt);
  const signed = await signReadingOutRecord(input, await signer(app), { signingTime: publishedAt });
  return storageFor(app).put(`records/${loaded.opening.id}/reading-out-${publishedAt.getTime()}.pdf`, signed.pdf);
}

/** Builds, signs and stores the opening record (开标记录表) as it stood when the confirmation period ended at `endedAt`. */
export async function produceOpeningRecord(app: AppContext, loaded: LoadedOpening, endedAt: Date): Promise<StoredFile> {
  const publishedAt = loaded.facts.readingOutPublishedAt!;
  const people = await app.db
    .selectFrom("people")
    .select(["id", "name"])
    .where("id", "in", [
      "00000000-0000-0000-0000-000000000000",
      ...(
        await app.db
          .selectFrom("opening_objections")
          .select(["person_id", "answered_by"])
          .where("opening_id", "=", loaded.opening.id)
          .execute()
      ).flatMap((o) => [o.person_id, o.answered_by].filter((x): x is string => !!x)),
      ...loaded.bids.flatMap((b) => b.reclassifications.map((r) => r.by)),
    ])
    .execute();
  const personName = (id: string | null) => people.find((p) => p.id === id)?.name;
  const orgName = async (id: string) =>
    (await app.db.selectFrom("organisations").select("name").where("id", "=", id).executeTakeFirstOrThrow()).name;
  const hostName = await orgName(loaded.project.agency_organisation_id ?? loaded.project.tenderer_organisation_id);

  const objections = await app.db
    .selectFrom("opening_objections as o")
    .innerJoin("organisations as org", "org.id", "o.organisation_id")
    .select(["o.person_id", "org.name", "o.raised_at", "o.text", "o.answer", "o.answered_at", "o.answered_by"])
    .where("o.opening_id", "=", loaded.opening.id)
    .where("o.raised_at", "<", endedAt)
    .orderBy("o.raised_at")
    .execute();
  const confirmations = await app.db
    .selectFrom("opening_confirmations as c")
    .innerJoin("organisations as org", "org.id", "c.organisation_id")
    .innerJoin("people as p", "p.id", "c.person_id")
    .select(["org.uscc", "c.decision", "p.name", "c.signed_at", "c.confirmation_jws"])
    .where("c.opening_id", "=", loaded.opening.id)
    .orderBy("c.signed_at")
    .execute();

  // Decision 46: the sign-in list by certificate subject, and the host, recorder and supervisor by name.
  const signIns = await app.db
    .selectFrom("opening_sign_ins as s")
    .innerJoin("organisations as org", "org.id", "s.organisation_id")
    .innerJoin("people as p", "p.id", "s.person_id")
    .leftJoin("person_certificates as c", "c.serial_hex", "s.certificate_serial")
    .select(["org.name", "org.uscc", "p.name as person_name", "c.subject_name", "s.signed_in_at", "s.certificate_serial"])
    .where("s.opening_id", "=", loaded.opening.id)
    .where("s.signed_in_at", "<=", endedAt)
    .orderBy("s.signed_in_at")
    .orderBy("s.id")
    .execute();
  const officials = await openingOfficials(app.db, loaded, endedAt);
  const party = (p: { name: string; organisationName: string } | null) => (p ? { organisation: p.organisationName, person: p.name } : null);

  const input: OpeningRecordInput = {
    ...(await readingOutRecordInputOf(app, loaded, publishedAt)),
    signIns: signIns.map((r) => ({
      organisation: r.name,
      uscc: r.uscc,
      person: r.subject_name ?? r.person_name,
      signedAt: r.signed_in_at,
      certificateSerial: r.certificate_serial,
    })),
    officials: { host: party(officials.host), recorder: party(officials.recorder), supervisor: party(officials.supervisor) },
    documentId: `KBJL-${loaded.section.code}`,
    generatedAt: endedAt,
    readingOutRecord: { documentId: `CBJL-${loaded.section.code}`, sha256: loaded.opening.reading_out_record_sha256! },
    objections: objections.map((o) => ({
      raisedBy: { organisation: o.name, person: personName(o.person_id) },
      raisedAt: o.raised_at,
      text: o.text,
      answer:
        o.answer && o.answered_at
          ? { by: { organisation: hostName, person: personName(o.answered_by) }, at: o.answered_at, text: o.answer }
          : null,
    })),
    confirmations: confirmations.map((c) => ({
      bidderUscc: c.uscc,
      decision: c.decision,
      signerName: c.name,
      signedAt: c.signed_at,
      jwsSha256: createHash("sha256").update(c.confirmation_jws).digest("hex"),
    })),
    reclassifications: loaded.bids.flatMap((b) =>
      b.reclassifications.map((r) => ({
        bidderUscc: b.uscc,
        from: r.from,
        to: r.to,
        reason: r.reason,
        by: { organisation: hostName, person: personName(r.by) },
        at: r.at,
      })),
    ),
  };
  const signed = await signOpeningRecord(input, await signer(app), { signingTime: endedAt });
  return storageFor(app).put(`records/${loaded.opening.id}/opening-record-${endedAt.getTime()}.pdf`, signed.pdf);
}

/**
 * The opening record of a failed opening (办法 32; decision 39), as of `at`: why it failed under
 * which article, the count at the deadline, the published bidders with their results, the
 * objections with their answers. Signed by the platform and stored; the caller records it.
 */
export async function produceFailedOpeningRecord(app: AppContext, loaded: LoadedOpening, at: Date): Promise<StoredFile> {
  const f = loaded.facts;
  const type = loaded.project.procurement_type;
  const reason = f.failReason;
  let ground: string;
  let source: string;
  if (reason?.kind === "declared") {
    const g = failureGroundsFor(type).find((x) => x.id === reason.ground);
    ground = g ? g.zh : "招标人宣布流标";
    source = g ? g.source.zh : "—";
  } else {
    const valid = f.validBidsAtDeadline ?? 0;
    ground = `投标人少于 ${f.minimumBids} 个（截止时有效投标 ${valid} 个），不得开标`;
    source = citation("minimumBids", type).zh;
  }
  const names = await partyNames(app, loaded);
  const objections = await app.db
    .selectFrom("opening_objections as o")
    .innerJoin("organisations as org", "org.id", "o.organisation_id")
    .innerJoin("people as raiser", "raiser.id", "o.person_id")
    .leftJoin("people as answerer", "answerer.id", "o.answered_by")
    .select([
      "org.name",
      "raiser.name as raised_by_name",
      "answerer.name as answered_by_name",
      "o.raised_at",
      "o.text",
      "o.answer",
      "o.answered_at",
    ])
    .where("o.opening_id", "=", loaded.opening.id)
    .orderBy("o.raised_at")
    .execute();
  const hostName = names.agencyName ?? names.tendererName;
  const input: FailedOpeningRecordInput = {
    documentId: `KBJL-${loaded.section.code}`,
    project: { code: loaded.project.code, name: loaded.project.name },
    section: { code: loaded.section.code, name: loaded.section.name },
    procurementType: type,
    tendererName: names.tendererName,
    agencyName: names.agencyName,
    openingAt: f.deadlineAt,
    failedAt: f.failedAt ?? f.deadlineAt,
    ground,
    source,
    reason: reason?.kind === "declared" ? reason.reason : null,
    validBidsAtDeadline: f.validBidsAtDeadline,
    bidders: f.bidderListPublishedAt
      ? loaded.bids.map((b) => {
          const outcome = outcomeOf(loaded, b, at);
          return {
            name: b.organisationName,
            uscc: b.uscc,
            result: outcome.decided ? DECRYPTION_RESULT_LABELS[outcome.result].zh : "未解密",
          };
        })
      : null,
    objections: objections.map((o) => ({
      raisedBy: { organisation: o.name, person: o.raised_by_name },
      raisedAt: o.raised_at,
      text: o.text,
      answer:
        o.answer && o.answered_at
          ? {
              by: { organisation: hostName, ...(o.answered_by_name ? { person: o.answered_by_name } : {}) },
              at: o.answered_at,
              text: o.answer,
            }
          : null,
    })),
    readingOutRecord: loaded.opening.reading_out_record_sha256
      ? { documentId: `CBJL-${loaded.section.code}`, sha256: loaded.opening.reading_out_record_sha256 }
      : null,
    generatedAt: at,
    platformName: PLATFORM_NAME,
  };
  const signed = await signFailedOpeningRecord(input, await signer(app), { signingTime: at });
  return storageFor(app).put(`records/${loaded.opening.id}/failed-opening-record-${at.getTime()}.pdf`, signed.pdf);
}
