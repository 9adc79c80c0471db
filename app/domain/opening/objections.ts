import { AppError } from "#app/domain/shared/app-error.ts";
import { citation, type Citation } from "#app/domain/tendering/legal-sources.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";

/**
 * Doubts raised at the opening, by procurement type. Engineering: an objection (异议), raised on
 * the spot and answered on the spot, the answer in the record (条例 44). Government procurement:
 * an inquiry (询问) or a request for recusal (回避申请), handled at once (87号令 42); 质疑 is the
 * written challenge that comes afterwards (政府采购法 52), so the opening never calls it that.
 */
export function objectionWords(type: ProcurementType): { one: Citation; many: Citation; raise: Citation; answer: Citation } {
  if (type === "government")
    return {
      one: { zh: "询问或回避申请", en: "inquiry or request for recusal" },
      many: { zh: "询问或回避申请", en: "inquiries or requests for recusal" },
      raise: { zh: "提出询问或回避申请", en: "raise an inquiry or a request for recusal" },
      answer: { zh: "答复", en: "answer" },
    };
  return {
    one: { zh: "异议", en: "objection" },
    many: { zh: "异议", en: "objections" },
    raise: { zh: "提出异议", en: "raise an objection" },
    answer: { zh: "答复", en: "answer" },
  };
}

/** Refuses to close the opening while any objection (GP: inquiry) raised at it has no answer. */
export function assertObjectionsAnswered(objections: readonly { answeredAt: Date | null }[], type: ProcurementType): void {
  const open = objections.filter((o) => o.answeredAt === null).length;
  if (open === 0) return;
  const words = objectionWords(type);
  const source = citation("openingObjection", type);
  throw new AppError("OPENING_OBJECTIONS_UNANSWERED", {
    count: open,
    kindZh: words.many.zh,
    kindEn: open === 1 ? words.one.en : words.many.en,
    sourceZh: source.zh,
    sourceEn: source.en,
  });
}
