import type { CreditFlagView } from "#app/domain/credit/credit.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatYuan } from "#app/domain/shared/money.ts";
import { findRegion } from "#app/domain/shared/regions.ts";
import { sectionPhase } from "#app/domain/tendering/section-phase.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { toBigInt } from "#app/server/db.server.ts";
import { periodChangesOfSections, periodsOfSections } from "#app/server/repo/periods.server.ts";
import { factsOf, findProject, sectionsOf } from "#app/server/repo/tendering.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { creditFlagsByUscc, tenderScopeOf } from "#app/services/credit/credit-standing.server.ts";
import { relationTo, type ProjectRelation } from "./tendering-rules.server.ts";

/**
 * A project as the actor may see it (ARCHITECTURE.md §4, "who sees what before the deadline"):
 * everyone reads the announcement, the sections, the documents' SHA-256 and the clarifications;
 * the file links go to the parties, the regulator and registered bidders; the list of
 * registrations only to the agency, the tenderer and the regulator, and a bidder learns only
 * about its own. A project with nothing published yet exists only for its parties. Each section
 * shows its statutory periods (marked provisional when counted on a year the State Council has
 * not published); the parties and the regulator also see when the official calendar moved one.
 */
export async function readProject(app: AppContext, actor: Actor | null, projectId: string) {
  const project = await findProject(app.db, projectId);
  if (!project) throw new AppError("NOT_FOUND", { what: "project" });
  const now = app.clock.now();
  const relation: ProjectRelation | null = relationTo(actor, project);
  const sections = await sectionsOf(app.db, project.id);
  const published = sections.some((s) => s.published_at && s.published_at <= now);
  if (!published && !relation) throw new AppError("NOT_FOUND", { what: "project" });

  const parties = await app.db
    .selectFrom("organisations")
    .select(["id", "name"])
    .where("id", "in", [project.tenderer_organisation_id, project.agency_organisation_id ?? project.tenderer_organisation_id])
    .execute();
  const nameOf = (id: string | null) => parties.find((p) => p.id === id)?.name ?? null;

  const sectionIds = sections.map((s) => s.id);
  const [periods, periodChanges] = await Promise.all([
    periodsOfSections(app.db, sectionIds),
    relation ? periodChangesOfSections(app.db, sectionIds) : Promise.resolve(null),
  ]);
  const [announcements, documentRows, clarifications] = await Promise.all([
    app.db.selectFrom("announcements").selectAll().where("project_id", "=", project.id).orderBy("version", "desc").execute(),
    app.db.selectFrom("tender_documents").selectAll().where("project_id", "=", project.id).orderBy("version").execute(),
    app.db.selectFrom("clarifications").selectAll().where("project_id", "=", project.id).orderBy("sequence").execute(),
  ]);

  const ownOrg = actor?.membership.organisationId;
  const mine = ownOrg
    ? await app.db
        .selectFrom("registrations as r")
        .innerJoin("sections as s", "s.id", "r.section_id")
        .select(["r.section_id", "r.registered_at"])
        .where("s.project_id", "=", project.id)
        .where("r.organisation_id", "=", ownOrg)
        .execute()
    : [];
  const registeredBidder = mine.length > 0;
  const canDownload = relation !== null || registeredBidder;

  // Confidential until the opening: only the parties and the regulator list who registered.
  const registrations = relation
    ? await app.db
        .selectFrom("registrations as r")
        .innerJoin("sections as s", "s.id", "r.section_id")
        .innerJoin("organisations as o", "o.id", "r.organisation_id")
        .select(["r.id", "r.section_id", "r.registered_at", "r.credit_grade", "o.name", "o.uscc"])
        .where("s.project_id", "=", project.id)
        .orderBy("r.registered_at")
        .execute()
    : null;
  // Decision 34: the agency, the tenderer and the regulator see each registrant's blue or black grade and bans, as of now.
  const flags = registrations
    ? await creditFlagsByUscc(
        app.db,
        registrations.map((r) => r.uscc),
        tenderScopeOf(project),
        now,
      )
    : new Map<string, CreditFlagView[]>();
  const downloads = relation
    ? await app.db
        .selectFrom("document_downloads as d")
        .innerJoin("tender_documents as t", "t.id", "d.document_id")
        .select(["d.document_id", (eb) => eb.fn.count<string>("d.organisation_id").distinct().as("organisations")])
        .where("t.project_id", "=", project.id)
        .groupBy("d.document_id")
        .execute()
    : [];

  return {
    project: {
      id: project.id,
      code: project.code,
      name: project.name,
      description: project.description,
      regionCode: project.region_code,
      regionName: findRegion(project.region_code)?.zh ?? project.region_code,
      procurementType: project.procurement_type,
      mandatoryTendering: project.mandatory_tendering,
      tenderer: nameOf(project.tenderer_organisation_id),
      agency: nameOf(project.agency_organisation_id),
    },
    relation,
    canManage: relation === "agency" || (relation === "tenderer" && project.agency_organisation_id === null),
    canRegister: actor?.permissions.has("register:section:own") ?? false,
    announcement: announcements[0] ?? null,
    announcementVersions: announcements.map((a) => ({ version: a.version, title: a.title, publishedAt: a.published_at })),
    sections: sections.map((s) => ({
      id: s.id,
      code: s.code,
      name: s.name,
      phase: sectionPhase(factsOf(s), now),
      deadlineAt: s.deadline_at,
      /** A termination is announced publicly, with its reason (条例 31; decision 42). */
      terminatedAt: s.cancelled_at,
      terminationReason: s.cancel_reason,
      publishedAt: s.published_at,
      saleFrom: s.sale_from,
      saleUntil: s.sale_until,
      estimateYuan: formatYuan(s.estimate_fen),
      bidSecurityYuan: formatYuan(s.bid_security_fen),
      securityForms: s.security_forms,
      evaluationMethod: s.evaluation_method,
      minimumBids: s.minimum_bids,
      bidValidityDays: s.bid_validity_days,
      signInLeadMinutes: s.sign_in_lead_minutes,
      decryptionWindowMinutes: s.decryption_window_minutes,
      confirmationPeriodMinutes: s.confirmation_period_minutes,
      remedyAllowed: s.remedy_allowed,
      openingForm: s.opening_form,
      registered: mine.some((r) => r.section_id === s.id),
      periods: periods
        .filter((p) => p.sectionId === s.id)
        .map((p) => ({ rule: p.rule, source: p.source, count: p.count, unit: p.unit, lastDay: p.lastDay, provisional: p.provisional })),
    })),
    /** Periods the official calendar moved (decision 0031): for the parties and the regulator only. */
    periodChanges:
      periodChanges?.map((c) => ({
        id: c.id,
        sectionCode: sections.find((s) => s.id === c.sectionId)?.code ?? "",
        rule: c.rule,
        source: c.source,
        oldLastDay: c.oldLastDay,
        newLastDay: c.newLastDay,
        satisfied: c.satisfied,
        stillProvisional: c.stillProvisional,
        calendarYear: c.calendarYear,
        detectedAt: c.detectedAt,
      })) ?? null,
    documents: documentRows
      .filter((d) => d.issued_at !== null || relation !== null)
      .map((d) => ({
        id: d.id,
        version: d.version,
        title: d.title,
        filename: d.filename,
        sha256: d.sha256,
        size: Number(toBigInt(d.size)),
        issuedAt: d.issued_at,
        canDownload,
        downloadedBy: relation ? Number(downloads.find((x) => x.document_id === d.id)?.organisations ?? 0) : null,
      })),
    clarifications: clarifications.map((c) => ({
      id: c.id,
      sequence: c.sequence,
      sectionCode: sections.find((s) => s.id === c.section_id)?.code ?? "",
      title: c.title,
      body: c.body,
      affectsPreparation: c.affects_preparation,
      issuedAt: c.issued_at,
      oldDeadlineAt: c.old_deadline_at,
      newDeadlineAt: c.new_deadline_at,
      documentVersion: documentRows.find((d) => d.id === c.document_id)?.version ?? null,
    })),
    registrations:
      registrations?.map((r) => ({
        id: r.id,
        sectionCode: sections.find((s) => s.id === r.section_id)?.code ?? "",
        organisation: r.name,
        uscc: r.uscc,
        registeredAt: r.registered_at,
        creditGrade: r.credit_grade,
        creditFlags: flags.get(r.uscc) ?? [],
      })) ?? null,
  };
}

export type ProjectView = Awaited<ReturnType<typeof readProject>>;
