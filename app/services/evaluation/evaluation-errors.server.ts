import type { AwardBlock, ResultProblem } from "#app/domain/evaluation/award-rules.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";

/** The domain's refusals as the AppErrors a person reads, naming the bidder where one is concerned. */
export function resultError(p: ResultProblem, nameOf: (organisationId: string) => string): AppError {
  const who = "organisationId" in p ? nameOf(p.organisationId) : "";
  const [zh, en] = ((): [string, string] => {
    switch (p.kind) {
      case "tooManyCandidates":
        return [
          `中标候选人最多 3 名，提交了 ${p.count} 名（条例第五十三条）。`,
          `at most 3 candidates, ${p.count} given (Regulations Art 53).`,
        ];
      case "noCandidate":
        return ["至少推荐 1 名中标候选人。", "name at least one candidate."];
      case "candidateNotValid":
        return [
          `${who} 的投标无效或被否决，不能推荐为中标候选人。`,
          `${who}'s bid is not valid or was rejected; it cannot be a candidate.`,
        ];
      case "candidateTwice":
        return [`${who} 被重复推荐。`, `${who} is named twice.`];
      case "rejectionWithoutReason":
        return [`否决 ${who} 的投标须写明理由。`, `rejecting ${who}'s bid needs a reason.`];
      case "notDecryptedValid":
        return [`${who} 的投标未解密，不能评为有效。`, `${who}'s bid was not decrypted; it cannot be valid.`];
      case "scoreOutOfRange":
        return [
          `${who} 的${p.part === "technical" ? "技术" : "商务"}分须在 0 至 ${p.max} 分之间。`,
          `${who}'s ${p.part} points must be between 0 and ${p.max}.`,
        ];
      case "scoreMissing":
        return [`缺少 ${who} 的${p.part === "technical" ? "技术" : "商务"}分。`, `${who}'s ${p.part} points are missing.`];
      case "scoreNotAllowed":
        return [`${who}：最低价法或被否决的投标不打分。`, `${who}: no points under a lowest-price method or for a rejected bid.`];
      case "rankOrder":
        return [
          `中标候选人须按得分由高到低（最低价法按报价由低到高）排序，${who} 的位置不符。`,
          `candidates follow the points, best first (lowest price first under a lowest-price method); ${who} is out of order.`,
        ];
    }
  })();
  return new AppError("EVALUATION_RESULT_INVALID", { detailZh: zh, detailEn: en });
}

export function awardBlockError(b: AwardBlock): AppError {
  const [zh, en] = ((): [string, string] => {
    switch (b.kind) {
      case "publicity":
        return [
          `中标候选人公示期至 ${formatShanghai(b.endsAt, "zh-CN")} 结束，公示期满前不得定标（条例第五十四条）。`,
          `the candidate publicity runs until ${formatShanghai(b.endsAt, "en")}; no award before it ends (Regulations Art 54).`,
        ];
      case "suspended":
        return [
          `该标段自 ${formatShanghai(b.since, "zh-CN")} 起被行政监督部门暂停（条例第六十二条）。`,
          `the section has been suspended by the regulator since ${formatShanghai(b.since, "en")} (Regulations Art 62).`,
        ];
      case "objection":
        return [
          `有 ${b.count} 项对评标结果的异议尚未答复，答复前应当暂停招标投标活动（条例第五十四条）。`,
          `${b.count} objection(s) to the result are unanswered; the procedure pauses until answered (Regulations Art 54).`,
        ];
      case "reasonRequired":
        return [
          "确定排名第一以外的中标候选人为中标人，须记录法定理由（如第一名放弃中标、不能履行合同或被查实存在影响中标结果的违法行为，条例第五十五条）。",
          "awarding to a candidate other than the first needs a recorded legal reason (e.g. the first declined, cannot perform, or broke the law; Regulations Art 55).",
        ];
      case "notCandidate":
        return ["只能从公示的中标候选人中确定中标人。", "the winner must be one of the published candidates."];
    }
  })();
  return new AppError("AWARD_BLOCKED", { reasonZh: zh, reasonEn: en });
}
