import { formatShanghai } from "#app/domain/shared/time.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";

/**
 * Credit standing (DOMAIN.md §6): grades are data with effective dates, source and history;
 * statutory bans are recorded beside them with scope, legal basis and end date. These rules
 * decide what a grade or ban means for registration, bidding and the bid security.
 */
export const CREDIT_GRADES = ["red", "orange", "blue", "black"] as const;
export type CreditGrade = (typeof CREDIT_GRADES)[number];
export type BanScope = "engineering" | "government" | "both";

export interface CreditRecord {
  grade: CreditGrade;
  effectiveFrom: Date;
  /** Open-ended when null. */
  effectiveTo: Date | null;
  source: string;
  reason: string;
}

export interface Ban {
  scope: BanScope;
  /** e.g. 招标投标法第五十三条 (collusion, 1–2 years). */
  basis: string;
  from: Date;
  until: Date;
}

/** Severity, least to most: red (trustworthy) < orange (normal) < blue (watch) < black (serious dishonesty). */
export const GRADE_SEVERITY: Record<CreditGrade, number> = { red: 0, orange: 1, blue: 2, black: 3 };

/**
 * The records in force at `now`. Rows repeating one record (same grade, source and start) are that
 * record once, ending at the earliest end any of them gives: a source lifts an open-ended grade by
 * sending the record again with its end (a closing row), and no row can lengthen a grade that
 * another row ended (decision 34).
 */
export function recordsInForce(records: readonly CreditRecord[], now: Date): CreditRecord[] {
  const byKey = new Map<string, CreditRecord>();
  for (const r of records) {
    const key = `${r.grade}\u0000${r.source}\u0000${r.effectiveFrom.getTime()}`;
    const seen = byKey.get(key);
    if (!seen || (r.effectiveTo !== null && (seen.effectiveTo === null || r.effectiveTo < seen.effectiveTo))) byKey.set(key, r);
  }
  return [...byKey.values()].filter((r) => r.effectiveFrom <= now && (r.effectiveTo === null || now < r.effectiveTo));
}

/**
 * The grade that decides at `now` (DOMAIN.md §6): the most severe record in force — black > blue >
 * orange > red —, never the latest one, so a later red or orange rating never masks a court's black
 * listing. Among records of that grade, the one in force since last (its source and date are the ones
 * named). Null when no record is in force: the bidder counts as orange (normal).
 */
export function gradeAt(records: readonly CreditRecord[], now: Date): CreditRecord | null {
  const inForce = recordsInForce(records, now);
  inForce.sort((a, b) => GRADE_SEVERITY[b.grade] - GRADE_SEVERITY[a.grade] || b.effectiveFrom.getTime() - a.effectiveFrom.getTime());
  return inForce[0] ?? null;
}

/** The tender a check is about: its procurement type and whether it must be tendered by law (依法必须招标). */
export interface TenderScope {
  type: ProcurementType;
  mandatoryTendering: boolean;
}

/**
 * Which tenders a ban reaches (decision 34). `engineering` bans are 招标投标法 53/54 (and 实施条例 67/68)
 * bans: they take away the right to bid "in projects that must be tendered by law" (依法必须进行招标的
 * 项目), so they reach engineering sections of mandatory projects and nothing else. `government` bans
 * are 政府采购法 77 and 94号令 37 bans: "no government procurement activity", so every government
 * procurement section, whatever the method. `both` reaches both.
 */
export function banReaches(scope: BanScope, tender: TenderScope): boolean {
  const engineering = tender.type === "engineering" && tender.mandatoryTendering;
  const government = tender.type === "government";
  if (scope === "engineering") return engineering;
  if (scope === "government") return government;
  return engineering || government;
}

export function banInForce(ban: Ban, now: Date): boolean {
  return ban.from <= now && now < ban.until;
}

/** The bans in force at `now` that reach `tender`. */
export function activeBans<B extends Ban>(bans: readonly B[], tender: TenderScope, now: Date): B[] {
  return bans.filter((b) => banReaches(b.scope, tender) && banInForce(b, now));
}

export type ParticipationRefusal =
  | { reason: "black"; grade: "black"; source: string; since: Date; detail: string }
  | { reason: "banned"; basis: string; until: Date; scope: BanScope };

/**
 * Registration and bidding: refused for a black grade (naming it, its source and its date) or an
 * active ban that reaches the tender, whatever the grade.
 */
export function participationRefusal(input: {
  records: readonly CreditRecord[];
  bans: readonly Ban[];
  tender: TenderScope;
  now: Date;
}): ParticipationRefusal | null {
  const current = gradeAt(input.records, input.now);
  if (current?.grade === "black")
    return { reason: "black", grade: "black", source: current.source, since: current.effectiveFrom, detail: current.reason };
  const [ban] = activeBans(input.bans, input.tender, input.now);
  if (ban) return { reason: "banned", basis: ban.basis, until: ban.until, scope: ban.scope };
  return null;
}

/** A credit commitment may replace the bid security only for red-rated bidders where the section allows it. */
export function mayOfferCreditCommitment(input: { records: readonly CreditRecord[]; sectionAllows: boolean; now: Date }): boolean {
  return input.sectionAllows && gradeAt(input.records, input.now)?.grade === "red";
}

/** Blue is flagged to the agency and the regulator (at registration and at the opening). */
export function isFlagged(records: readonly CreditRecord[], now: Date): boolean {
  return gradeAt(records, now)?.grade === "blue";
}

/** What the agency and the regulator are told about a bidder's credit (its registration list, the opening hall). */
export type CreditFlag =
  | { kind: "grade"; grade: "blue" | "black"; source: string; since: Date; reason: string }
  | { kind: "ban"; scope: BanScope; basis: string; until: Date; reaches: boolean };

/**
 * The flags at `now`: a blue grade (watch) or a black one (it came after the bidder registered or bid),
 * and every ban in force — `reaches` says whether it reaches this tender (a ban that does not still
 * tells the officials something). Empty for red and orange bidders without bans.
 */
export function creditFlags(input: {
  records: readonly CreditRecord[];
  bans: readonly Ban[];
  tender: TenderScope;
  now: Date;
}): CreditFlag[] {
  const flags: CreditFlag[] = [];
  const current = gradeAt(input.records, input.now);
  if (current && (current.grade === "blue" || current.grade === "black"))
    flags.push({ kind: "grade", grade: current.grade, source: current.source, since: current.effectiveFrom, reason: current.reason });
  for (const ban of input.bans.filter((b) => banInForce(b, input.now)))
    flags.push({ kind: "ban", scope: ban.scope, basis: ban.basis, until: ban.until, reaches: banReaches(ban.scope, input.tender) });
  return flags;
}

const GRADE_WORDS = {
  blue: { zh: "蓝（重点关注）", en: "blue (watch)" },
  black: { zh: "黑（严重失信）", en: "black (serious dishonesty)" },
} as const;
const SCOPE_WORDS: Record<BanScope, { zh: string; en: string }> = {
  engineering: { zh: "依法必须进行招标的项目", en: "projects that must be tendered by law" },
  government: { zh: "政府采购活动", en: "government procurement" },
  both: { zh: "依法必须进行招标的项目和政府采购活动", en: "projects that must be tendered by law and government procurement" },
};

/** A flag in words, for the agency's and the regulator's pages. */
export function describeCreditFlag(flag: CreditFlag): { zh: string; en: string } {
  if (flag.kind === "grade") {
    const g = GRADE_WORDS[flag.grade];
    return {
      zh: `信用等级${g.zh}：${flag.reason}（来源：${flag.source}，自 ${formatShanghai(flag.since)} 起）`,
      en: `credit grade ${g.en}: ${flag.reason} (source: ${flag.source}, since ${formatShanghai(flag.since, "en")})`,
    };
  }
  const s = SCOPE_WORDS[flag.scope];
  return {
    zh: `禁止参加${s.zh}至 ${formatShanghai(flag.until)}（依据：${flag.basis}）${flag.reaches ? "" : "；不及于本项目"}`,
    en: `banned from ${s.en} until ${formatShanghai(flag.until, "en")} (basis: ${flag.basis})${flag.reaches ? "" : "; it does not reach this tender"}`,
  };
}

/** A credit flag as the pages show it (JSON-ready). */
export interface CreditFlagView {
  kind: CreditFlag["kind"];
  /** The grade flagged, or null for a ban. */
  grade: "blue" | "black" | null;
  /** Whether it bars this tender (a black grade, or a ban that reaches it). */
  bars: boolean;
  zh: string;
  en: string;
}

export function flagView(flag: CreditFlag): CreditFlagView {
  return {
    kind: flag.kind,
    grade: flag.kind === "grade" ? flag.grade : null,
    bars: flag.kind === "grade" ? flag.grade === "black" : flag.reaches,
    ...describeCreditFlag(flag),
  };
}
