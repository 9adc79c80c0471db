import { citation, type Citation } from "#app/domain/tendering/legal-sources.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";

/**
 * A failed tender (流标) and what the tenderer does next, by procurement type (decision 33).
 *
 * Engineering (法 28, 条例 44): fewer than 3 bids, no opening; the tenderer tenders again.
 * Government procurement (87号令 41, 43; 政府采购法 36–37): fewer than 3 bids, no opening; unless the
 * purchase is cancelled, the purchaser corrects unreasonable terms or a flawed procedure and tenders
 * again, or — the documents and procedure being sound — applies to the finance department for
 * approval of another method (competitive negotiation, competitive consultation, single source,
 * request for quotations) before that procurement starts.
 */
export interface NextStep {
  /** `retender`: tender again (the platform offers a new project); `otherMethod`: outside the platform, with approval. */
  id: "retender" | "correctAndRetender" | "otherMethod";
  zh: string;
  en: string;
}

export interface TooFewBidsGuidance {
  /** The rule that stops the opening. */
  source: Citation;
  /** The rule that says what comes next. */
  nextStepSource: Citation;
  nextSteps: NextStep[];
}

export function tooFewBidsGuidance(type: ProcurementType): TooFewBidsGuidance {
  const source = citation("minimumBids", type);
  const nextStepSource = citation("tooFewBidsNextStep", type);
  if (type === "engineering")
    return {
      source,
      nextStepSource,
      nextSteps: [
        {
          id: "retender",
          zh: "招标人应当依法重新招标：重新发布招标公告，招标文件发出至投标截止不少于 20 日。",
          en: "The tenderer must tender again: publish a new announcement, with at least 20 days from the documents to the deadline.",
        },
      ],
    };
  return {
    source,
    nextStepSource,
    nextSteps: [
      {
        id: "correctAndRetender",
        zh: "采购文件存在不合理条款或者招标程序不符合规定的，采购人、采购代理机构改正后依法重新招标。",
        en: "Where the procurement documents have unreasonable terms or the procedure was flawed, correct them and tender again.",
      },
      {
        id: "otherMethod",
        zh: "采购文件没有不合理条款、招标程序符合规定，需要采用竞争性谈判、竞争性磋商、单一来源采购或询价等其他采购方式的，采购人应当在采购活动开始前报财政部门批准。",
        en: "Where the documents and the procedure were sound and another method is needed (competitive negotiation, competitive consultation, single-source procurement, request for quotations), the purchaser must obtain the finance department's approval before that procurement starts.",
      },
    ],
  };
}
