import type { Kysely, Transaction } from "kysely";
import { COMPLAINT_RULES, type ComplaintRules, type NoWindow } from "#app/domain/complaint/windows.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import { currentRuleSet, findProject, findSection } from "#app/server/repo/tendering.server.ts";
import type { Database } from "#db/schema.ts";

/**
 * What the objection and complaint use cases share: the section with its project and the facts
 * the windows are counted from, who has standing, and the translation of a missing window into
 * an AppError naming the rule and its source (decision 0061).
 */
type Executor = Kysely<Database> | Transaction<Database>;

export const SUBJECT_NAMES = {
  documents: { zh: "招标（采购）文件", en: "the tender documents" },
  opening: { zh: "开标（采购过程）", en: "the opening (the procurement process)" },
  result: { zh: "评标（中标、成交）结果", en: "the evaluation result" },
  other: { zh: "其他违法行为", en: "another unlawful act" },
} as const;

/** 异议 (engineering) / 质疑 (government procurement). */
export const OBJECTION_WORD: Record<ProcurementType, { zh: string; en: string }> = {
  engineering: { zh: "异议", en: "objection" },
  government: { zh: "质疑", en: "challenge" },
};

export async function loadSectionWithProject(db: Executor, sectionId: string) {
  const section = /^[0-9a-f-]{36}$/i.test(sectionId) ? await findSection(db, sectionId) : undefined;
  if (!section || !section.published_at) throw new AppError("NOT_FOUND", { what: "section" });
  const project = (await findProject(db, section.project_id))!;
  return { section, project };
}

/** The organisation managing the tender: the agency, or the tenderer tendering by itself. */
export const managerOf = (project: { agency_organisation_id: string | null; tenderer_organisation_id: string }) =>
  project.agency_organisation_id ?? project.tenderer_organisation_id;

/** The numbers: the statutory table, with the rule set's lead for objections to the documents. */
export async function complaintRules(db: Executor, type: ProcurementType): Promise<ComplaintRules> {
  const { rules } = await currentRuleSet(db, type);
  return { ...COMPLAINT_RULES[type], documentObjectionLeadDays: rules.documentObjectionLeadDays };
}

/** When the organisation obtained the section's documents: its registration or first download, whichever came first. */
export async function documentsObtainedAt(
  db: Executor,
  projectId: string,
  sectionId: string,
  organisationId: string,
): Promise<Date | null> {
  const [reg, dl] = await Promise.all([
    db
      .selectFrom("registrations")
      .select("registered_at as at")
      .where("section_id", "=", sectionId)
      .where("organisation_id", "=", organisationId)
      .executeTakeFirst(),
    db
      .selectFrom("document_downloads as d")
      .innerJoin("tender_documents as t", "t.id", "d.document_id")
      .select((eb) => eb.fn.min("d.downloaded_at").as("at"))
      .where("t.project_id", "=", projectId)
      .where("d.organisation_id", "=", organisationId)
      .executeTakeFirst(),
  ]);
  const times = [reg?.at, dl?.at].filter((t): t is Date => t instanceof Date);
  return times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
}

/** Whether the organisation bid on the section (a withdrawn bid still makes it an interested party). */
export async function hasBid(db: Executor, sectionId: string, organisationId: string): Promise<boolean> {
  const row = await db
    .selectFrom("bids")
    .select("id")
    .where("section_id", "=", sectionId)
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
  return !!row;
}

/** When the section's opening ended: its record closed it, or it failed. */
export async function openingEndedAt(db: Executor, sectionId: string): Promise<Date | null> {
  const o = await db.selectFrom("openings").select(["closed_at", "failed_at"]).where("section_id", "=", sectionId).executeTakeFirst();
  return o?.closed_at ?? o?.failed_at ?? null;
}

/**
 * The evaluation result's publication and the end of the candidates' publicity (decision 0066):
 * recording the committee's result publishes the candidates and starts the publicity, so the
 * result's objection window opens then — engineering until the publicity ends (条例 54), GP for 7
 * working days from it (政府采购法 52). Before the result is recorded there is nothing to object to.
 */
export async function resultFacts(db: Executor, sectionId: string): Promise<{ publishedAt: Date | null; publicityEndsAt: Date | null }> {
  const e = await db
    .selectFrom("evaluations")
    .select(["recorded_at", "publicity_ends_at"])
    .where("section_id", "=", sectionId)
    .executeTakeFirst();
  return { publishedAt: e?.recorded_at ?? null, publicityEndsAt: e?.publicity_ends_at ?? null };
}

/** A window that does not exist, as the refusal the person reads. */
export function noWindowError(type: ProcurementType, why: NoWindow): AppError {
  if (why.kind === "onTheSpot") return new AppError("OBJECTION_ON_THE_SPOT", { sourceZh: why.source.zh, sourceEn: why.source.en });
  return new AppError("OBJECTION_NOT_YET", {
    whatZh: SUBJECT_NAMES[why.what].zh,
    whatEn: SUBJECT_NAMES[why.what].en,
    wordZh: OBJECTION_WORD[type].zh,
    wordEn: OBJECTION_WORD[type].en,
    sourceZh: why.source.zh,
    sourceEn: why.source.en,
  });
}

export const shanghai = (d: Date) => formatShanghai(d);
