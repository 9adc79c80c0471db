import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { awardBlock } from "#app/domain/evaluation/award-rules.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import { renderAwardNotice } from "#app/server/pdf/render/award-notice.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import { PLATFORM_NAME } from "#app/services/opening/opening-records.server.ts";
import { loadEvaluation, unansweredResultObjections } from "./evaluation-context.server.ts";
import { awardBlockError } from "./evaluation-errors.server.ts";

export interface DecideAwardOptions {
  actor: Actor;
  sectionId: string;
  winnerOrganisationId: string;
  /** The legal reason for not taking the first candidate (条例 55); ignored for the first. */
  reason: string | null;
  meta: RequestMeta;
}

/** The days the winner has to sign the contract after the notice (法 46). */
export const CONTRACT_DAYS = 30;

/**
 * The tenderer decides the award (定标; decision 66) once the candidate publicity is over, no
 * objection to the result waits for its answer and the section is not suspended: normally the
 * first candidate; another only with a recorded legal reason (条例 55). The award fact is recorded
 * (a row, an audit entry, its canonical JSON's SHA-256 anchored) so a complaint decision or a
 * guarantee release can reference it, and the award notice and the result notices are drawn,
 * unsigned, for the tenderer and then the agency to sign (decision 67).
 */
export async function decideAward(app: AppContext, opts: DecideAwardOptions): Promise<{ awardId: string; noticeIds: string[] }> {
  const now = app.clock.now();
  const loaded = await loadEvaluation(app.db, opts.sectionId, now);
  const { opening, evaluation } = loaded;
  const { project, section } = opening;
  requirePermission(opts.actor, "record:result:own");
  if (opts.actor.membership.organisationId !== project.tenderer_organisation_id)
    throw new AppError("FORBIDDEN", { permission: "record:result:own" });
  if (loaded.award) throw new AppError("AWARD_ALREADY_DECIDED", { at: formatShanghai(loaded.award.decided_at, "zh-CN") });
  if (!evaluation) throw awardBlockError({ kind: "notCandidate" });
  const winner = loaded.evaluationBids.find((b) => b.organisation_id === opts.winnerOrganisationId);
  const reason = opts.reason?.trim() || null;
  const block = awardBlock(
    {
      publicityEndsAt: evaluation.publicity_ends_at,
      suspendedAt: section.suspended_at,
      unansweredObjections: await unansweredResultObjections(app.db, section.id),
      rank: winner?.candidate_rank ?? null,
      reason,
    },
    now,
  );
  if (block) throw awardBlockError(block);
  const rank = winner!.candidate_rank!;
  const priceFen = winner!.price_fen!;

  const orgs = await app.db
    .selectFrom("organisations")
    .select(["id", "name", "uscc"])
    .where("id", "in", [
      project.tenderer_organisation_id,
      project.agency_organisation_id ?? project.tenderer_organisation_id,
      ...loaded.evaluationBids.map((b) => b.organisation_id),
    ])
    .execute();
  const org = (id: string) => orgs.find((o) => o.id === id)!;
  const winnerOrg = org(opts.winnerOrganisationId);
  const others = loaded.evaluationBids
    .filter((b) => b.organisation_id !== opts.winnerOrganisationId)
    .sort((a, b) => org(a.organisation_id).uscc.localeCompare(org(b.organisation_id).uscc));
  const recipients = [winner!, ...others].map((b, i) => ({
    bid: b,
    kind: b.organisation_id === opts.winnerOrganisationId ? ("award" as const) : ("result" as const),
    number: b.organisation_id === opts.winnerOrganisationId ? `ZBTZ-${section.code}` : `ZBJG-${section.code}-${String(i).padStart(2, "0")}`,
  }));

  const stored: { pdf: Uint8Array; sha256: string }[] = [];
  {
    for (const r of recipients) {
      const o = org(r.bid.organisation_id);
      const pdf = await renderAwardNotice({
        kind: r.kind,
        number: r.number,
        recipient: { name: o.name, uscc: o.uscc },
        project: { code: project.code, name: project.name },
        section: { code: section.code, name: section.name },
        tendererName: org(project.tenderer_organisation_id).name,
        agencyName: project.agency_organisation_id ? org(project.agency_organisation_id).name : null,
        winner: { name: winnerOrg.name, uscc: winnerOrg.uscc, priceFen },
        recipientRank: r.bid.candidate_rank,
        recipientRejection: r.bid.rejection_reason,
        publicity: { from: evaluation.recorded_at, endsAt: evaluation.publicity_ends_at },
        decidedAt: now,
        contractDays: CONTRACT_DAYS,
        platformName: PLATFORM_NAME,
      });
      stored.push({ pdf, sha256: createHash("sha256").update(pdf).digest("hex") });
    }
    const fact = {
      format: "bidhall.award/1",
      sectionId: section.id,
      sectionCode: section.code,
      winnerUscc: winnerOrg.uscc,
      priceFen: priceFen.toString(),
      candidateRank: rank,
      reason: rank === 1 ? null : reason,
      evaluationReportSha256: evaluation.report_sha256,
      decidedAt: now.toISOString(),
    };
    const factSha256 = createHash("sha256").update(canonicalize(fact)!).digest("hex");
    return await app.db.transaction().execute(async (trx) => {
      const again = await trx.selectFrom("awards").select("decided_at").where("section_id", "=", section.id).forUpdate().executeTakeFirst();
      if (again) throw new AppError("AWARD_ALREADY_DECIDED", { at: formatShanghai(again.decided_at, "zh-CN") });
      const suspended = await trx
        .selectFrom("sections")
        .select("suspended_at")
        .where("id", "=", section.id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (suspended.suspended_at && suspended.suspended_at <= now)
        throw awardBlockError({ kind: "suspended", since: suspended.suspended_at });
      const { id: awardId } = await trx
        .insertInto("awards")
        .values({
          section_id: section.id,
          evaluation_id: evaluation.id,
          winner_organisation_id: opts.winnerOrganisationId,
          candidate_rank: rank,
          price_fen: priceFen.toString(),
          reason: rank === 1 ? null : reason,
          decided_by: opts.actor.personId,
          decided_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const notices = await trx
        .insertInto("award_notices")
        .values(
          recipients.map((r, i) => ({
            award_id: awardId,
            organisation_id: r.bid.organisation_id,
            kind: r.kind,
            number: r.number,
            pdf: stored[i]!.pdf,
            document_sha256: stored[i]!.sha256,
            created_at: now,
          })),
        )
        .returning("id")
        .execute();
      const noticeIds = notices.map((n) => n.id);
      await queueForAnchoring(trx, { sha256: factSha256, source: "award" }, now);
      await appendAudit(trx, {
        event: {
          type: "award.decided",
          data: {
            sectionId: section.id,
            awardId,
            winnerOrganisationId: opts.winnerOrganisationId,
            rank,
            reason: rank === 1 ? null : reason,
            factSha256,
            noticeIds,
          },
        },
        actor: auditActorOf(opts.actor, opts.meta),
        at: now,
      });
      return { awardId, noticeIds };
    });
  }
}
