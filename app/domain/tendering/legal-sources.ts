import type { ProcurementType } from "./rule-set.ts";

/**
 * Where every rule the platform enforces comes from, by procurement type (DOMAIN.md §4). Every
 * citation a person reads — a refusal, a failure banner, a decryption result, a rule set's editor,
 * a signed record — is taken from this table, never written into a message (decision 33).
 *
 * Engineering tenders (工程建设) follow 招标投标法 and its 实施条例; government procurement of goods
 * and services by tender (政府采购) follows 政府采购法, its 实施条例 and 87号令. A rule without an
 * article of its own in one of them says so: `null`, or an analogy marked 参照 / "by analogy".
 *
 * The Chinese texts keep the forms already printed on the platform's records and pinned by their
 * tests: the rule set's numbers cite without book-title marks (招标投标法第二十四条), the opening's
 * decryption results with them (《电子招标投标办法》第三十一条).
 */
export interface Citation {
  zh: string;
  en: string;
}

export const LEGAL_RULES = [
  "documentsToDeadline",
  "documentsOnSale",
  "clarificationLead",
  "documentObjectionLead",
  "bidSecurityCap",
  "performanceSecurityCap",
  "minimumBids",
  "tooFewBidsNextStep",
  "securityForms",
  "securityDefect",
  "decrypted",
  "decryptionRemedyOrWithdrawn",
  "decryptionRevoked",
  "suspension",
  "absentBidderAccepts",
  "statutoryBan",
  "openingObjection",
  "suspensionMovesDeadline",
  "failureTooFewOpened",
  "failureIllegality",
  "failureOverBudget",
  "failureCancelled",
  "failedOpeningRecord",
  "documentsChallenge",
  "openingChallenge",
  "resultObjection",
  "objectionAnswer",
  "objectionFirst",
  "complaintWindow",
  "complaintDuplicate",
] as const;
export type LegalRule = (typeof LEGAL_RULES)[number];

const c = (zh: string, en: string): Citation => ({ zh, en });

/** The table itself. Each entry: the article(s), in Chinese and in English. */
export const LEGAL_SOURCES: Record<LegalRule, Record<ProcurementType, Citation | null>> = {
  /** Documents issued → bid deadline, at least 20 days. */
  documentsToDeadline: {
    engineering: c("招标投标法第二十四条", "Bidding Law Art 24"),
    government: c("政府采购法第三十五条", "Government Procurement Law Art 35"),
  },
  /** Documents on sale at least 5 days (GP: 5 working days). */
  documentsOnSale: {
    engineering: c("招标投标法实施条例第十六条", "Regulations on the Bidding Law Art 16"),
    government: c("政府采购货物和服务招标投标管理办法（87号令）第十八条", "MOF Order 87 Art 18"),
  },
  /** A clarification affecting bid preparation at least 15 days before the deadline. */
  clarificationLead: {
    engineering: c("招标投标法实施条例第二十一条", "Regulations on the Bidding Law Art 21"),
    government: c("87号令第二十七条", "MOF Order 87 Art 27"),
  },
  /**
   * An objection to the tender documents at the latest 10 days before the deadline. GP has no such
   * limit: a challenge (质疑) runs 7 working days from obtaining the documents (政府采购法第五十二条);
   * the rule set's number is applied by analogy until the complaints work applies that period.
   */
  documentObjectionLead: {
    engineering: c("招标投标法实施条例第二十二条", "Regulations on the Bidding Law Art 22"),
    government: c("招标投标法实施条例第二十二条（参照）", "Regulations on the Bidding Law Art 22 (by analogy)"),
  },
  /** Bid security at most 2 % of the estimate (GP: of the budget). */
  bidSecurityCap: {
    engineering: c("招标投标法实施条例第二十六条", "Regulations on the Bidding Law Art 26"),
    government: c("政府采购法实施条例第三十三条", "Regulations on the Government Procurement Law Art 33"),
  },
  /** Performance security at most 10 % of the contract price. */
  performanceSecurityCap: {
    engineering: c("招标投标法实施条例第五十八条", "Regulations on the Bidding Law Art 58"),
    government: c("政府采购法实施条例第四十八条", "Regulations on the Government Procurement Law Art 48"),
  },
  /** Fewer than 3 bids at the deadline: no opening. */
  minimumBids: {
    engineering: c("招标投标法第二十八条、实施条例第四十四条", "Bidding Law Art 28; Regulations on the Bidding Law Art 44"),
    government: c("87号令第四十一条", "MOF Order 87 Art 41"),
  },
  /** What the tenderer does after too few bids: re-tender; GP also another method with the finance department's approval. */
  tooFewBidsNextStep: {
    engineering: c("招标投标法第二十八条、实施条例第四十四条", "Bidding Law Art 28; Regulations on the Bidding Law Art 44"),
    government: c("87号令第四十三条、政府采购法第三十七条", "MOF Order 87 Art 43; Government Procurement Law Art 37"),
  },
  /** Non-cash bid security must be accepted. */
  securityForms: {
    engineering: c("发改法规〔2023〕27号", "NDRC Fagai Fagui [2023] No. 27"),
    government: c("政府采购法实施条例第三十三条", "Regulations on the Government Procurement Law Art 33"),
  },
  /**
   * A defect found after a successful decryption (the bid security offered): the bid is read out
   * and the evaluation committee judges it (engineering: it may reject the bid; GP: the bid may be
   * invalid for a security not as the documents require).
   */
  securityDefect: {
    engineering: c("招标投标法实施条例第五十一条", "Regulations on the Bidding Law Art 51"),
    government: c("87号令第六十三条", "MOF Order 87 Art 63"),
  },
  /** Decrypted online by the bidder, then read out. GP has no national e-bidding article: the 办法 by analogy. */
  decrypted: {
    engineering: c("《电子招标投标办法》第三十条", "Electronic Bidding Measures Art 30"),
    government: c("《电子招标投标办法》第三十条（参照）", "Electronic Bidding Measures Art 30 (by analogy)"),
  },
  /** Not decrypted, not the bidder's fault (deemed withdrawn), and the remedy the documents set. */
  decryptionRemedyOrWithdrawn: {
    engineering: c("《电子招标投标办法》第三十一条", "Electronic Bidding Measures Art 31"),
    government: c("《电子招标投标办法》第三十一条（参照）", "Electronic Bidding Measures Art 31 (by analogy)"),
  },
  /** Not decrypted, the bidder's fault: deemed revoked, the tenderer may keep the security (条例 35 is engineering only). */
  decryptionRevoked: {
    engineering: c(
      "《电子招标投标办法》第三十一条；《招标投标法实施条例》第三十五条",
      "Electronic Bidding Measures Art 31; Regulations on the Bidding Law Art 35",
    ),
    government: c("《电子招标投标办法》第三十一条（参照）", "Electronic Bidding Measures Art 31 (by analogy)"),
  },
  /** The regulator suspends during an investigation. */
  suspension: {
    engineering: c("招标投标法实施条例第六十二条", "Regulations on the Bidding Law Art 62"),
    government: c("政府采购法第五十七条", "Government Procurement Law Art 57"),
  },
  /** GP: a supplier who does not take part in the opening is deemed to accept its result. */
  absentBidderAccepts: {
    engineering: null,
    government: c("《政府采购货物和服务招标投标管理办法》（财政部令第87号）第四十二条", "MOF Order 87 Art 42"),
  },
  /** The statutory bans a credit file may carry, by the tenders they reach (decision 34). */
  statutoryBan: {
    engineering: c("招标投标法第五十三条、第五十四条", "Bidding Law Arts 53 and 54"),
    government: c("政府采购法第七十七条；94号令第三十七条", "Government Procurement Law Art 77; MOF Order 94 Art 37"),
  },
  /**
   * At the opening a bidder raises its doubt on the spot and is answered on the spot, the answer
   * recorded (engineering: 异议, 条例 44; GP: 询问 or 回避申请, 87号令 42 — 质疑 is the written
   * challenge afterwards, 政府采购法 52).
   */
  openingObjection: {
    engineering: c("招标投标法实施条例第四十四条", "Regulations on the Bidding Law Art 44"),
    government: c("87号令第四十二条", "MOF Order 87 Art 42"),
  },
  /**
   * A suspension covering the bid deadline moves it by the time suspended (decision 38): the
   * suspension stops the tender (条例 62 / 政府采购法 57), and the bidders' time to bid (法 24 /
   * 政府采购法 35) must not be shortened by it.
   */
  suspensionMovesDeadline: {
    engineering: c("招标投标法实施条例第六十二条、招标投标法第二十四条", "Regulations on the Bidding Law Art 62; Bidding Law Art 24"),
    government: c("政府采购法第五十七条、第三十五条", "Government Procurement Law Arts 57 and 35"),
  },
  /** A declared failure: fewer than three bids could be opened (the others failed to decrypt). */
  failureTooFewOpened: {
    engineering: c(
      "招标投标法第二十八条、实施条例第四十四条；《电子招标投标办法》第三十一条",
      "Bidding Law Art 28; Regulations on the Bidding Law Art 44; Electronic Bidding Measures Art 31",
    ),
    government: c("政府采购法第三十六条第一款第（一）项；87号令第四十三条", "Government Procurement Law Art 36(1)(i); MOF Order 87 Art 43"),
  },
  /** A declared failure: a violation of law affecting the fairness of the tender that cannot be remedied. */
  failureIllegality: {
    engineering: c("招标投标法实施条例第八十一条", "Regulations on the Bidding Law Art 81"),
    government: c("政府采购法第三十六条第一款第（二）项", "Government Procurement Law Art 36(1)(ii)"),
  },
  /** GP: every price read out exceeds the budget and the purchaser cannot pay (needs the reading-out). */
  failureOverBudget: {
    engineering: null,
    government: c("政府采购法第三十六条第一款第（三）项", "Government Procurement Law Art 36(1)(iii)"),
  },
  /** GP: the procurement is cancelled by a major change (engineering: termination, 条例 31, its own procedure). */
  failureCancelled: {
    engineering: null,
    government: c("政府采购法第三十六条第一款第（四）项", "Government Procurement Law Art 36(1)(iv)"),
  },
  /** The opening record, for a failed opening too. */
  failedOpeningRecord: {
    engineering: c("《电子招标投标办法》第三十二条", "Electronic Bidding Measures Art 32"),
    government: c(
      "《电子招标投标办法》第三十二条（参照）；87号令第四十二条",
      "Electronic Bidding Measures Art 32 (by analogy); MOF Order 87 Art 42",
    ),
  },
  /**
   * Objections and complaints (DOMAIN.md §4; decision 0061). A challenge to the documents (GP): 7
   * working days from obtaining them (政府采购法 52; 94号令 10 (1)); engineering counts backward from
   * the deadline (`documentObjectionLead`).
   */
  documentsChallenge: {
    engineering: c("招标投标法实施条例第二十二条", "Regulations on the Bidding Law Art 22"),
    government: c("政府采购法第五十二条；94号令第十条第（一）项", "Government Procurement Law Art 52; MOF Order 94 Art 10(1)"),
  },
  /** GP: a challenge to the procurement process (the opening) within 7 working days of its end; engineering objects on the spot (条例 44). */
  openingChallenge: {
    engineering: c("招标投标法实施条例第四十四条", "Regulations on the Bidding Law Art 44"),
    government: c("政府采购法第五十二条；94号令第十条第（二）项", "Government Procurement Law Art 52; MOF Order 94 Art 10(2)"),
  },
  /** An objection to the evaluation result: during the candidates' publicity (engineering); 7 working days from the result announcement (GP). */
  resultObjection: {
    engineering: c("招标投标法实施条例第五十四条", "Regulations on the Bidding Law Art 54"),
    government: c("政府采购法第五十二条；94号令第十条第（三）项", "Government Procurement Law Art 52; MOF Order 94 Art 10(3)"),
  },
  /** The answer: 3 days (engineering, 条例 22 and 54); 7 working days (GP). */
  objectionAnswer: {
    engineering: c("招标投标法实施条例第二十二条、第五十四条", "Regulations on the Bidding Law Arts 22 and 54"),
    government: c("政府采购法第五十三条；94号令第十三条", "Government Procurement Law Art 53; MOF Order 94 Art 13"),
  },
  /** Where the law requires an objection (challenge) before a complaint. */
  objectionFirst: {
    engineering: c("招标投标法实施条例第六十条第二款", "Regulations on the Bidding Law Art 60(2)"),
    government: c("政府采购法第五十五条；94号令第十一条", "Government Procurement Law Art 55; MOF Order 94 Art 11"),
  },
  /** 10 days from knowing, the objection's time not counted (engineering); 15 working days after the answer period (GP). */
  complaintWindow: {
    engineering: c("招标投标法实施条例第六十条", "Regulations on the Bidding Law Art 60"),
    government: c("政府采购法第五十五条；94号令第十七条", "Government Procurement Law Art 55; MOF Order 94 Art 17"),
  },
  /** The same complaint while the first is being handled. */
  complaintDuplicate: {
    engineering: c("工程建设项目招标投标活动投诉处理办法第十二条", "Measures on Complaints in Engineering Tenders Art 12"),
    government: c("94号令第二十一条", "MOF Order 94 Art 21"),
  },
};

/** Rules of the electronic platform itself, the same for every procurement type. */
export const PLATFORM_SOURCES = {
  /** The operator may not bid or act as an agency on its own platform. */
  operatorMayNotTakePart: c("《电子招标投标办法》第二十三条", "Electronic Bidding Measures Art 23"),
  /** Every step logged with time, IP and operator; records never altered. */
  auditTrail: c("《电子招标投标办法》第四十九条", "Electronic Bidding Measures Art 49"),
  /** A failure while the platform failed is not the bidder's fault. */
  platformIncident: c("《电子招标投标办法》第三十一条", "Electronic Bidding Measures Art 31"),
} as const satisfies Record<string, Citation>;

/** The citation of `rule` for `type`; throws for a rule that has no article in that type (a programming error). */
export function citation(rule: LegalRule, type: ProcurementType): Citation {
  const found = LEGAL_SOURCES[rule][type];
  if (!found) throw new Error(`${rule} has no legal source for ${type} procurement`);
  return found;
}

/** The rule's citation for each type, joined ("工程建设：…；政府采购：…"), for pages that cover both. */
export function citationForBoth(rule: LegalRule): Citation {
  const e = LEGAL_SOURCES[rule].engineering;
  const g = LEGAL_SOURCES[rule].government;
  if (!e || !g) return (e ?? g)!;
  if (e.zh === g.zh) return e;
  return { zh: `工程建设：${e.zh}；政府采购：${g.zh}`, en: `engineering: ${e.en}; government procurement: ${g.en}` };
}

/**
 * The English text of a Chinese citation from this table, for messages whose source travels as
 * its Chinese text (a legal check's violation); the Chinese itself when it is not in the table.
 */
export function englishOf(zh: string): string {
  for (const byType of Object.values(LEGAL_SOURCES)) {
    for (const cite of Object.values(byType)) if (cite?.zh === zh) return cite.en;
  }
  for (const cite of Object.values(PLATFORM_SOURCES)) if (cite.zh === zh) return cite.en;
  return zh;
}
