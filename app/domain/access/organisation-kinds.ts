import type { OrganisationKind } from "./permissions.ts";

/**
 * Which organisation kinds must never be held together, and who may never bid in a project, with
 * the rule each comes from (decision 21). Pure: the services that sign organisations up, approve
 * them, register them for sections and take their bids ask these functions and refuse with the
 * rule's name and source.
 *
 * The market roles (bidder, agency, guarantor) are kept apart from the two that judge the market
 * (the regulator, who supervises and decides complaints, and the platform operator, who runs the
 * trading venue), and the venue is kept apart from its supervisor.
 */
export interface KindRule {
  id: "operator-not-a-market-party" | "regulator-not-a-market-party" | "venue-not-under-regulator";
  zh: string;
  en: string;
  sourceZh: string;
  sourceEn: string;
}

const MARKET_KINDS: readonly OrganisationKind[] = ["bidder", "agency", "guarantor"];

/** The kinds' names for messages (the pages use app/i18n's `kinds.*`, which say the same). */
export const KIND_NAMES: Record<OrganisationKind, { zh: string; en: string }> = {
  bidder: { zh: "投标人", en: "bidder" },
  tenderer: { zh: "招标人", en: "tenderer" },
  agency: { zh: "招标代理机构", en: "tendering agency" },
  guarantor: { zh: "担保机构", en: "guarantor" },
  regulator: { zh: "行政监督部门", en: "regulator" },
  finance: { zh: "财政部门", en: "finance department" },
  operator: { zh: "交易中心", en: "trading centre (platform operator)" },
};

/** AppError params naming a conflict: both kinds and the rule with its source, in both languages. */
export function kindConflictParams(conflict: KindConflict) {
  const [a, b] = conflict.kinds;
  return {
    kindAZh: KIND_NAMES[a].zh,
    kindAEn: KIND_NAMES[a].en,
    kindBZh: KIND_NAMES[b].zh,
    kindBEn: KIND_NAMES[b].en,
    rule: conflict.rule.id,
    ruleZh: conflict.rule.zh,
    ruleEn: conflict.rule.en,
    sourceZh: conflict.rule.sourceZh,
    sourceEn: conflict.rule.sourceEn,
  };
}

export const KIND_RULES = {
  operatorMarket: {
    id: "operator-not-a-market-party",
    zh: "交易平台运营机构及其控制的单位不得在本平台投标、代理招标或为交易提供担保，平台应保持中立、不以营利为目的",
    en: "the platform operator, and anyone it controls, may not bid, act as an agency or underwrite bids on its own platform, which must stay neutral and not for profit",
    sourceZh: "《电子招标投标办法》第二十三条；《招标投标法实施条例》第五条",
    sourceEn: "Electronic Bidding Measures Art 23; Bidding Law Implementing Regulations Art 5",
  },
  regulatorMarket: {
    id: "regulator-not-a-market-party",
    zh: "行政监督部门不得参与其监督的招标采购活动，招标代理机构与行政机关不得存在隶属关系或者其他利益关系",
    en: "a supervising authority may not take part in the tendering and procurement it supervises, and an agency may have no subordinate or other interest relationship with an administrative authority",
    sourceZh: "《招标投标法》第十四条；《政府采购法》第六十条；《招标投标法实施条例》第六条",
    sourceEn: "Bidding Law Art 14; Government Procurement Law Art 60; Bidding Law Implementing Regulations Art 6",
  },
  venueRegulator: {
    id: "venue-not-under-regulator",
    zh: "招标投标交易场所不得与行政监督部门存在隶属关系",
    en: "the trading venue may not be subordinate to an administrative supervising authority",
    sourceZh: "《招标投标法实施条例》第五条",
    sourceEn: "Bidding Law Implementing Regulations Art 5",
  },
} as const satisfies Record<string, KindRule>;

export interface KindConflict {
  rule: KindRule;
  /** The two kinds that may not meet, in the order of ORGANISATION_KINDS. */
  kinds: [OrganisationKind, OrganisationKind];
}

/** The first rule the combination breaks, or null when the kinds may be held together. */
export function kindConflict(kinds: readonly OrganisationKind[]): KindConflict | null {
  const has = (k: OrganisationKind) => kinds.includes(k);
  for (const market of MARKET_KINDS) {
    if (has("operator") && has(market)) return { rule: KIND_RULES.operatorMarket, kinds: [market, "operator"] };
    if (has("regulator") && has(market)) return { rule: KIND_RULES.regulatorMarket, kinds: [market, "regulator"] };
  }
  if (has("operator") && has("regulator")) return { rule: KIND_RULES.venueRegulator, kinds: ["regulator", "operator"] };
  return null;
}

export interface ProjectPartyRule {
  party: "agency" | "tenderer";
  zh: string;
  en: string;
  sourceZh: string;
  sourceEn: string;
}

export const PROJECT_PARTY_RULES = {
  agency: {
    party: "agency",
    zh: "招标代理机构不得在所代理的招标项目中投标或者代理投标",
    en: "a tendering agency may not bid, or bid for another, in a tender it runs",
    sourceZh: "《招标投标法实施条例》第十三条",
    sourceEn: "Bidding Law Implementing Regulations Art 13",
  },
  tenderer: {
    party: "tenderer",
    zh: "招标人不得参加自己项目的投标（与招标人存在利害关系可能影响公正性的单位尚且不得投标）",
    en: "a tenderer may not bid in its own tender (even a party with an interest in the tenderer may not)",
    sourceZh: "《招标投标法实施条例》第三十四条",
    sourceEn: "Bidding Law Implementing Regulations Art 34",
  },
} as const satisfies Record<string, ProjectPartyRule>;

/**
 * Why an organisation may not register for or bid in a project's sections, or null: the project's
 * own agency (条例 Art 13) and its tenderer (条例 Art 34, a fortiori) never bid in it.
 */
export function projectPartyConflict(input: {
  organisationId: string;
  tendererOrganisationId: string;
  agencyOrganisationId: string | null;
}): ProjectPartyRule | null {
  if (input.agencyOrganisationId !== null && input.organisationId === input.agencyOrganisationId) return PROJECT_PARTY_RULES.agency;
  if (input.organisationId === input.tendererOrganisationId) return PROJECT_PARTY_RULES.tenderer;
  return null;
}
