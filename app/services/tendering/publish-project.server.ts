import {
  checkBidSecurity,
  checkDocumentsOnSale,
  checkDocumentsToDeadline,
  documentsToDeadlinePeriod,
  salePeriod,
} from "#app/domain/tendering/legal-checks.ts";
import { sectionPhase } from "#app/domain/tendering/section-phase.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import { saveSectionPeriods } from "#app/server/repo/periods.server.ts";
import {
  currentRuleSet,
  factsOf,
  findProject,
  loadHolidayCalendar,
  lockCalendarForPeriods,
  sectionsOf,
} from "#app/server/repo/tendering.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { PHASE_ZH, requireProjectManager, violationError, withCalendar } from "./tendering-rules.server.ts";

export interface PublishProjectOptions {
  actor: Actor;
  projectId: string;
  announcement: { title: string; body: string };
  meta: RequestMeta;
}

/**
 * Publishes the announcement, issues the tender documents and opens the draft sections for
 * registration and bidding. Every draft section must satisfy the rule set in force, counted from
 * today (the day the documents are issued): bid security cap (条例 26), documents → deadline
 * (法 24 / GP法 35), documents on sale (条例 16 / 87号令), the periods counted per 民法典 201–203 /
 * 87号令 85 (decision 0030). The first violation refuses it all, naming the section, the rule, its
 * source and the dates. The periods found are stored with the section, marked provisional when
 * they needed a year the State Council has not published (recomputed when it is: decision 0031).
 */
export async function publishProject(app: AppContext, opts: PublishProjectOptions) {
  const project = await findProject(app.db, opts.projectId);
  if (!project) throw new AppError("NOT_FOUND", { what: "project" });
  requireProjectManager(opts.actor, project);
  const now = app.clock.now();

  return app.db.transaction().execute(async (trx) => {
    await findProject(trx, project.id, { forUpdate: true });
    const drafts = (await sectionsOf(trx, project.id)).filter((s) => sectionPhase(factsOf(s), now) === "draft");
    if (drafts.length === 0)
      throw new AppError("SECTION_UNEXPECTED_PHASE", {
        current: "published",
        expected: "draft",
        currentZh: PHASE_ZH.published,
        expectedZh: PHASE_ZH.draft,
      });
    const documents = await trx
      .selectFrom("tender_documents")
      .select(["id", "sha256", "issued_at"])
      .where("project_id", "=", project.id)
      .execute();
    if (documents.length === 0) throw new AppError("TENDER_DOCUMENTS_MISSING");

    const { rules } = await currentRuleSet(trx, project.procurement_type);
    await lockCalendarForPeriods(trx);
    const calendar = await loadHolidayCalendar(trx);
    for (const s of drafts) {
      const saleFrom = s.sale_from > now ? s.sale_from : now;
      const issue = { mandatoryTendering: project.mandatory_tendering, issuedAt: now };
      const violation =
        checkBidSecurity(rules, { estimateFen: s.estimate_fen, securityFen: s.bid_security_fen }) ??
        withCalendar(
          () =>
            checkDocumentsToDeadline(rules, calendar, { ...issue, deadlineAt: s.deadline_at }) ??
            checkDocumentsOnSale(rules, calendar, { saleFrom, saleUntil: s.sale_until }),
        );
      if (violation) throw violationError(violation, s.code);
      await trx.updateTable("sections").set({ published_at: now, sale_from: saleFrom }).where("id", "=", s.id).execute();
      const toDeadline = documentsToDeadlinePeriod(rules, calendar, issue);
      await saveSectionPeriods(trx, s.id, [salePeriod(rules, calendar, saleFrom), ...(toDeadline ? [toDeadline] : [])], now);
    }

    const newDocs = documents.filter((d) => d.issued_at === null);
    await trx
      .updateTable("tender_documents")
      .set({ issued_at: now })
      .where("project_id", "=", project.id)
      .where("issued_at", "is", null)
      .execute();
    for (const d of newDocs) await queueForAnchoring(trx, { sha256: d.sha256, source: `tender-document:${d.id}` }, now);

    const last = await trx
      .selectFrom("announcements")
      .select((eb) => eb.fn.max("version").as("v"))
      .where("project_id", "=", project.id)
      .executeTakeFirst();
    const { id: announcementId } = await trx
      .insertInto("announcements")
      .values({
        project_id: project.id,
        version: Number(last?.v ?? 0) + 1,
        title: opts.announcement.title,
        body: opts.announcement.body,
        published_at: now,
        published_by: opts.actor.personId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const sectionIds = drafts.map((s) => s.id);
    await appendAudit(trx, {
      event: {
        type: "project.published",
        data: { projectId: project.id, announcementId, sectionIds, documentIds: newDocs.map((d) => d.id) },
      },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    return { announcementId, sectionIds };
  });
}
