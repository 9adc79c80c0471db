import { KIND_NAMES, projectPartyConflict, type ProjectPartyRule } from "#app/domain/access/organisation-kinds.ts";
import { CalendarOutOfRangeError } from "#app/domain/calendar/holiday-calendar.ts";
import { dayEndingAt, yearOf, type LocalDay } from "#app/domain/calendar/local-day.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatYuan } from "#app/domain/shared/money.ts";
import { regionWithin } from "#app/domain/shared/regions.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import type { Violation } from "#app/domain/tendering/legal-checks.ts";
import { englishOf } from "#app/domain/tendering/legal-sources.ts";
import { boundText, quantityText, RULE_LABELS, type ProcurementType, type RuleSetBreach } from "#app/domain/tendering/rule-set.ts";
import { assertSectionPhase, UnexpectedPhaseError, type SectionFacts, type SectionPhase } from "#app/domain/tendering/section-phase.ts";
import type { Actor } from "#app/server/session.server.ts";

/**
 * What the tendering use cases share: who stands in which relation to a project (the basis of
 * "who sees what before the deadline", ARCHITECTURE.md §4), and the translation of the domain's
 * violations and errors into AppErrors that name the rule, its source and the dates.
 */
export type ProjectRelation = "tenderer" | "agency" | "regulator";

export interface ProjectParties {
  region_code: string;
  tenderer_organisation_id: string;
  agency_organisation_id: string | null;
}

/** The actor's relation to the project, or null for bidders and the public. */
export function relationTo(actor: Actor | null, project: ProjectParties): ProjectRelation | null {
  if (!actor) return null;
  const org = actor.membership.organisationId;
  if (project.agency_organisation_id === org && actor.permissions.has("publish:section:own")) return "agency";
  if (project.tenderer_organisation_id === org && actor.permissions.has("publish:section:own")) return "tenderer";
  if (actor.permissions.has("view:section:jurisdiction") && regionWithin(project.region_code, actor.membership.regionCode))
    return "regulator";
  // Members of the owning organisations without `operate` still read what their organisation may.
  if (project.agency_organisation_id === org || project.tenderer_organisation_id === org) return "tenderer";
  return null;
}

/** The agency running the project, or the tenderer tendering by itself: who may change it. */
export function requireProjectManager(actor: Actor, project: ProjectParties): void {
  const org = actor.membership.organisationId;
  const manages = project.agency_organisation_id ? project.agency_organisation_id === org : project.tenderer_organisation_id === org;
  if (!manages || !actor.permissions.has("publish:section:own")) throw new AppError("FORBIDDEN", { permission: "publish:section:own" });
}

/**
 * 条例 Art 13 (and Art 34 for the tenderer): the organisation the actor acts for must not be the
 * project's agency or tenderer. Registration, the sealing kit and submission all ask (decision 21).
 */
export function projectPartyRefusal(actor: Actor, project: ProjectParties & { name: string }): AppError | null {
  const rule: ProjectPartyRule | null = projectPartyConflict({
    organisationId: actor.membership.organisationId,
    tendererOrganisationId: project.tenderer_organisation_id,
    agencyOrganisationId: project.agency_organisation_id,
  });
  if (!rule) return null;
  return new AppError("BIDDER_IS_PROJECT_PARTY", {
    organisation: actor.membership.organisationName,
    project: project.name,
    party: rule.party,
    partyZh: KIND_NAMES[rule.party].zh,
    partyEn: KIND_NAMES[rule.party].en,
    ruleZh: rule.zh,
    ruleEn: rule.en,
    sourceZh: rule.sourceZh,
    sourceEn: rule.sourceEn,
  });
}

export const PHASE_ZH: Record<SectionPhase, string> = {
  draft: "草稿",
  published: "公告中（报名、投标）",
  opening: "开标",
  failed: "流标",
  cancelled: "已终止",
  suspended: "已暂停",
};

/** The one guard, as an AppError. */
export function guardPhase(facts: SectionFacts, expected: readonly SectionPhase[], now: Date): SectionPhase {
  try {
    return assertSectionPhase(facts, expected, now);
  } catch (e) {
    if (e instanceof UnexpectedPhaseError)
      throw new AppError("SECTION_UNEXPECTED_PHASE", {
        current: e.current,
        expected: e.expected.join(" / "),
        currentZh: PHASE_ZH[e.current],
        expectedZh: e.expected.map((p) => PHASE_ZH[p]).join("、"),
      });
    throw e;
  }
}

/** Runs a computation that needs the holiday calendar; a missing year becomes an AppError naming it. */
export function withCalendar<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CalendarOutOfRangeError)
      throw new AppError("CALENDAR_OUT_OF_RANGE", { year: e.year, day: e.day, firstYear: e.firstYear, lastYear: e.lastYear });
    throw e;
  }
}

/** A violation of a legal check, as the AppError a person reads (the source in both languages, decision 33). */
export function violationError(v: Violation, section: string): AppError {
  const error = violationErrorOf(v, section);
  return new AppError(error.code, { ...error.params, sourceEn: englishOf(v.source) });
}

function violationErrorOf(v: Violation, section: string): AppError {
  switch (v.rule) {
    case "bidSecurityCap":
      return new AppError("BID_SECURITY_TOO_HIGH", {
        section,
        security: formatYuan(v.securityFen),
        basis: formatYuan(v.basisFen),
        cap: formatYuan(v.capFen),
        percent: `${v.basisPoints / 100}%`,
        source: v.source,
      });
    case "documentsToDeadline":
      return new AppError("DOCUMENTS_TO_DEADLINE_TOO_SHORT", {
        section,
        ...pick(v, ["issuedOn", "deadlineOn", "earliestDeadlineOn", "source", "countingSource"]),
        days: v.days,
        requiredDays: v.requiredDays,
        ...provisionalNote(v.provisional ? v.earliestDeadlineOn : null),
      });
    case "documentsOnSale":
      return new AppError("DOCUMENTS_ON_SALE_TOO_SHORT", {
        section,
        ...pick(v, ["saleFrom", "saleUntil", "earliestEndOn", "source", "countingSource"]),
        count: v.count,
        required: v.required,
        unitZh: v.unit === "workingDays" ? "个工作日" : "日",
        unitEn: v.unit === "workingDays" ? "working days" : "days",
        ...provisionalNote(v.provisional ? v.earliestEndOn : null),
      });
    case "registrationOutsideSale":
      return new AppError("REGISTRATION_OUTSIDE_SALE_PERIOD", {
        section,
        source: v.source,
        opensAt: shanghai(v.opensAt),
        closesAt: shanghai(v.closesAt),
        now: shanghai(v.at),
        stateZh: v.early ? "发售期尚未开始" : "发售期已结束",
        stateEn: v.early ? "the sale has not started yet" : "the sale has ended",
        ...provisionalNote(v.provisional ? dayEndingAt(v.closesAt) : null),
      });
    case "clarificationLead":
      return new AppError("CLARIFICATION_TOO_LATE", {
        section,
        ...pick(v, ["issuedOn", "deadlineOn", "earliestDeadlineOn", "source"]),
        days: v.days,
        requiredDays: v.requiredDays,
      });
    case "documentObjectionLead":
      // Objections to the documents arrive with the complaints work; until then nothing raises this.
      return new AppError("VALIDATION_FAILED", { rule: v.rule });
  }
}

/**
 * The words that mark a date found on a provisional calendar year (decision 0031), for the
 * `{{provisionalZh}}` / `{{provisionalEn}}` slots of a message; empty when it is official.
 */
export function provisionalNote(day: LocalDay | null): { provisionalZh: string; provisionalEn: string } {
  if (day === null) return { provisionalZh: "", provisionalEn: "" };
  const year = yearOf(day);
  return {
    provisionalZh: `（暂定：按 ${year} 年暂定节假日日历计算，国务院办公厅尚未公布该年放假安排，公布并录入后将重新计算）`,
    provisionalEn: ` (provisional: computed on the provisional ${year} holiday calendar; the State Council has not yet published that year's arrangement, and the date is recomputed once it is loaded)`,
  };
}

const TYPE_WORDS: Record<ProcurementType, { zh: string; en: string }> = {
  engineering: { zh: "工程建设", en: "engineering" },
  government: { zh: "政府采购", en: "government procurement" },
};

/**
 * A number beyond the law (decision 33), as the AppError a person reads: the rule, the value, the
 * statutory bound and its source. `section` names the section for a section's own terms.
 */
export function breachError(b: RuleSetBreach, type: ProcurementType, section?: string): AppError {
  const value = quantityText(b.value, b.unit);
  if (b.rule === "minimumBids") {
    const higher = b.value > b.bound.value;
    return new AppError("MINIMUM_BIDS_FIXED_BY_LAW", {
      rule: b.rule,
      value: b.value,
      required: b.bound.value,
      source: b.source.zh,
      sourceEn: b.source.en,
      subjectZh: section ? `标段 ${section}：` : `${TYPE_WORDS[type].zh}规则：`,
      subjectEn: section ? `Section ${section}: ` : `${upperFirst(TYPE_WORDS[type].en)} rule set: `,
      effectZh: higher ? "更高的人数会使依法应当开标的招标流标。" : "更低的人数会使依法不得开标的招标开标。",
      effectEn: higher
        ? "A higher minimum would fail tenders the law holds good."
        : "A lower minimum would open tenders the law forbids opening.",
    });
  }
  const bound = boundText(b.bound);
  return new AppError("RULE_SET_LOOSER_THAN_LAW", {
    rule: b.rule,
    typeZh: TYPE_WORDS[type].zh,
    typeEn: TYPE_WORDS[type].en,
    ruleZh: RULE_LABELS[b.rule].zh,
    ruleEn: RULE_LABELS[b.rule].en,
    valueZh: value.zh,
    valueEn: value.en,
    boundZh: bound.zh,
    boundEn: bound.en,
    source: b.source.zh,
    sourceEn: b.source.en,
  });
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function pick<T extends Record<string, unknown>, K extends keyof T & string>(v: T, keys: K[]): Record<K, string> {
  return Object.fromEntries(keys.map((k) => [k, String(v[k])])) as Record<K, string>;
}

export const shanghai = (d: Date) => formatShanghai(d, "zh-CN");
