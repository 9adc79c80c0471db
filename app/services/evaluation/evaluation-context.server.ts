import type { Kysely, Transaction } from "kysely";
import { defaultTerms, EvaluationTerms } from "#app/domain/evaluation/evaluation-terms.ts";
import { scorePrices, type PriceScoring } from "#app/domain/evaluation/price-score.ts";
import { openingPhase } from "#app/domain/opening/phase.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { parseFen } from "#app/domain/shared/money.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { toBigInt } from "#app/server/db.server.ts";
import { findOpeningIdOfSection, loadOpeningFacts, type LoadedOpening } from "#app/server/repo/openings.server.ts";
import { unansweredObjectionBlocks } from "#app/services/complaints/objection-blocks.server.ts";
import type { Database } from "#db/schema.ts";

/**
 * What the evaluation and award use cases share (decisions 65–67): the section's closed opening,
 * its evaluation terms, the machine's price scoring, and the recorded evaluation, award and
 * notices. Everything here starts from a section whose opening record is signed: before that
 * nothing of it exists.
 */
type Executor = Kysely<Database> | Transaction<Database>;

export interface LoadedEvaluation {
  opening: LoadedOpening;
  terms: EvaluationTerms;
  evaluation: Awaited<ReturnType<typeof evaluationRow>>;
  evaluationBids: Awaited<ReturnType<typeof evaluationBidRows>>;
  award: Awaited<ReturnType<typeof awardRow>>;
  notices: Awaited<ReturnType<typeof noticeRows>>;
}

const evaluationRow = (db: Executor, sectionId: string) =>
  db
    .selectFrom("evaluations")
    .selectAll()
    .select((eb) => eb.cast<string>("publicity_last_day", "text").as("publicity_day"))
    .where("section_id", "=", sectionId)
    .executeTakeFirst();
const evaluationBidRows = async (db: Executor, evaluationId: string | undefined) =>
  evaluationId
    ? (await db.selectFrom("evaluation_bids").selectAll().where("evaluation_id", "=", evaluationId).execute()).map((r) => ({
        ...r,
        price_fen: r.price_fen === null ? null : toBigInt(r.price_fen),
        price_hundredths: r.price_hundredths === null ? null : toBigInt(r.price_hundredths),
        total_hundredths: r.total_hundredths === null ? null : toBigInt(r.total_hundredths),
      }))
    : [];
const awardRow = async (db: Executor, sectionId: string) => {
  const row = await db.selectFrom("awards").selectAll().where("section_id", "=", sectionId).executeTakeFirst();
  return row ? { ...row, price_fen: toBigInt(row.price_fen) } : undefined;
};
const noticeRows = async (db: Executor, awardId: string | undefined) =>
  awardId
    ? db
        .selectFrom("award_notices as n")
        .innerJoin("organisations as o", "o.id", "n.organisation_id")
        .selectAll("n")
        .select(["o.name as organisation_name", "o.uscc"])
        .where("n.award_id", "=", awardId)
        .orderBy("n.number")
        .execute()
    : [];

export function termsOf(
  section: { evaluation_terms: unknown; evaluation_method: string },
  type: "engineering" | "government",
): EvaluationTerms {
  const parsed = EvaluationTerms.safeParse(section.evaluation_terms);
  return parsed.success ? parsed.data : defaultTerms(type, section.evaluation_method);
}

/** Loads a section's evaluation state; 404 unless the section exists and its opening closed (not failed). */
export async function loadEvaluation(db: Executor, sectionId: string, now: Date): Promise<LoadedEvaluation> {
  const openingId = /^[0-9a-f-]{36}$/i.test(sectionId) ? await findOpeningIdOfSection(db, sectionId) : undefined;
  const opening = openingId ? await loadOpeningFacts(db, openingId) : undefined;
  if (!opening || !opening.opening.opening_record_sha256 || openingPhase(opening.facts, now) !== "closed")
    throw new AppError("EVALUATION_NOT_OPEN", { what: "section" });
  const evaluation = await evaluationRow(db, sectionId);
  const award = await awardRow(db, sectionId);
  return {
    opening,
    terms: termsOf(opening.section, opening.project.procurement_type),
    evaluation,
    evaluationBids: await evaluationBidRows(db, evaluation?.id),
    award,
    notices: await noticeRows(db, award?.id),
  };
}

/** A decrypted bid's price as read out (fen), or null. */
export function priceOf(bid: LoadedOpening["bids"][number]): bigint | null {
  if (bid.result !== "decrypted" || !bid.fields) return null;
  const price = bid.fields.price;
  return typeof price === "string" ? parseFen(price) : null;
}

/** The machine's price scoring over the decrypted bids with a price, less those the committee rejected. */
export function machineScoring(loaded: LoadedEvaluation, rejected: ReadonlySet<string> = new Set()): PriceScoring | null {
  const bids = loaded.opening.bids.flatMap((b) => {
    const price = priceOf(b);
    return price !== null && !rejected.has(b.organisationId) ? [{ id: b.organisationId, priceFen: price }] : [];
  });
  return bids.length ? scorePrices(loaded.opening.section.evaluation_method, loaded.terms, bids) : null;
}

/** Unanswered objections (GP: challenges) to the evaluation result: the award waits for their answers (条例 54). */
export async function unansweredResultObjections(db: Executor, sectionId: string): Promise<number> {
  return (await unansweredObjectionBlocks(db, sectionId, "result")).length;
}

export type { AppContext };
