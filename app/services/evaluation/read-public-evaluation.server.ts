import { describeTerms } from "#app/domain/evaluation/evaluation-terms.ts";
import type { PublicEvaluation } from "#app/domain/evaluation/view.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { termsOf } from "./evaluation-context.server.ts";
import { points } from "./read-evaluation.server.ts";

/**
 * What the public announcement page shows of each section's evaluation (decisions 65–67), keyed by
 * section id: the method and the price formula fixed at publication; once the committee's result
 * is recorded, the candidate publicity (中标候选人公示) with its period and objection window; once
 * the notices are issued, the award result with the committee's names (法 44: not before). Nothing
 * here exists before the opening record, so nothing tells who bid before the deadline.
 */
export async function readPublicEvaluation(
  app: AppContext,
  projectId: string,
  sectionIds: readonly string[],
): Promise<Record<string, PublicEvaluation>> {
  const now = app.clock.now();
  if (sectionIds.length === 0) return {};
  const sections = await app.db
    .selectFrom("sections as s")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .select(["s.id", "s.evaluation_method", "s.evaluation_terms", "p.procurement_type"])
    .where("s.project_id", "=", projectId)
    .where("s.id", "in", sectionIds)
    .execute();
  const evaluations = await app.db
    .selectFrom("evaluations")
    .select(["id", "section_id", "recorded_at", "publicity_ends_at", "publicity_source", "committee"])
    .select((eb) => eb.cast<string>("publicity_last_day", "text").as("publicity_day"))
    .where(
      "section_id",
      "in",
      sections.map((s) => s.id),
    )
    .where("recorded_at", "<=", now)
    .execute();
  const candidates = evaluations.length
    ? await app.db
        .selectFrom("evaluation_bids as b")
        .innerJoin("organisations as o", "o.id", "b.organisation_id")
        .select(["b.evaluation_id", "b.candidate_rank", "b.price_fen", "b.total_hundredths", "o.name"])
        .where(
          "b.evaluation_id",
          "in",
          evaluations.map((e) => e.id),
        )
        .where("b.candidate_rank", "is not", null)
        .orderBy("b.candidate_rank")
        .execute()
    : [];
  const awards = evaluations.length
    ? await app.db
        .selectFrom("awards as a")
        .innerJoin("organisations as o", "o.id", "a.winner_organisation_id")
        .select(["a.section_id", "a.price_fen", "a.announced_at", "a.candidate_rank", "o.name"])
        .where(
          "a.section_id",
          "in",
          sections.map((s) => s.id),
        )
        .where("a.announced_at", "is not", null)
        .where("a.announced_at", "<=", now)
        .execute()
    : [];
  return Object.fromEntries(
    sections.map((s) => {
      const e = evaluations.find((x) => x.section_id === s.id);
      const a = awards.find((x) => x.section_id === s.id);
      return [
        s.id,
        {
          terms: describeTerms(s.evaluation_method, termsOf(s, s.procurement_type)),
          publicity: e
            ? {
                from: e.recorded_at.toISOString(),
                endsAt: e.publicity_ends_at.toISOString(),
                lastDay: e.publicity_day,
                source: e.publicity_source,
                open: now < e.publicity_ends_at,
                candidates: candidates
                  .filter((c) => c.evaluation_id === e.id)
                  .map((c) => ({
                    rank: c.candidate_rank!,
                    name: c.name,
                    priceFen: String(c.price_fen),
                    total: points(c.total_hundredths === null ? null : BigInt(c.total_hundredths)),
                  })),
              }
            : null,
          award: a
            ? {
                winnerName: a.name,
                priceFen: String(a.price_fen),
                rank: a.candidate_rank,
                announcedAt: a.announced_at!.toISOString(),
                committee: (e?.committee as string[] | undefined) ?? [],
              }
            : null,
        },
      ];
    }),
  );
}
