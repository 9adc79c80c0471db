import { formatYuan, toChineseCapitals, type Fen } from "#app/domain/shared/money.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import {
  DECRYPTION_RESULT_LABELS as DOMAIN_RESULT_LABELS,
  DECRYPTION_RULES as DOMAIN_RULES,
  decryptionBasis,
  type DecryptionResult,
  type DecryptionRule,
} from "#app/domain/opening/decryption.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import type { Block, TableColumn } from "./layout.server.ts";

/**
 * What the reading-out record (唱标记录) and the opening record (开标记录表) share: the input
 * types, the header and the tables (decryption window, reading-out, security, decryption); the
 * document around them is in record-document.server.ts. Plain typed input, no database: the
 * opening services build it from their facts. Times are shown in Asia/Shanghai, money in figures
 * and in Chinese capitals.
 */

export class RecordInputError extends Error {
  override name = "RecordInputError";
}

/** An organisation and, where known, the person acting for it. */
export interface Party {
  organisation: string;
  person?: string;
}

export interface DecryptionWindow {
  openedAt: Date;
  endedAt: Date;
  /** The agency paused with a reason; `resumedAt` null when the window ended while paused. */
  pauses: readonly { pausedAt: Date; resumedAt: Date | null; reason: string }[];
  extensions: readonly { at: Date; newEndsAt: Date; reason: string }[];
}

/** The section and its opening, printed at the top of both records. */
export interface OpeningHeader {
  /** Printed in every footer, e.g. "CBJL-E3501002025000001001". */
  documentId: string;
  project: { code: string; name: string };
  section: { code: string; name: string };
  tendererName: string;
  /** null when the tenderer runs its own tender. */
  agencyName: string | null;
  procurementType: ProcurementType;
  /** The bid deadline, which is the opening time (法 Art 34). */
  openingAt: Date;
  window: DecryptionWindow;
  readingOutPublishedAt: Date;
  /** Bidders confirm or object until then. */
  confirmationEndsAt: Date;
  /** The platform (and trading centre) hosting the opening; also the signer's name. */
  platformName: string;
}

/** A bid withdrawn by its bidder before the deadline (撤回) is listed too, under its own rule. */
export const WITHDRAWN_RULE = "WITHDRAWN_BEFORE_DEADLINE";

/** The opening domain's results, plus `withdrawn`. */
export type RecordDecryptionResult = DecryptionResult | "withdrawn";

export const DECRYPTION_RESULT_LABELS: Record<RecordDecryptionResult, string> = {
  decrypted: DOMAIN_RESULT_LABELS.decrypted.zh,
  deemedRevoked: DOMAIN_RESULT_LABELS.deemedRevoked.zh,
  deemedWithdrawn: DOMAIN_RESULT_LABELS.deemedWithdrawn.zh,
  withdrawn: "撤回",
};

/**
 * The result and the rule recorded with it (app/domain/opening/decryption.ts). A failure the
 * agency reclassified keeps the rule first applied, with the reclassified result.
 */
export interface DecryptionOutcome {
  result: RecordDecryptionResult;
  rule: DecryptionRule | typeof WITHDRAWN_RULE;
  /** When the result was decided (decrypted, window ended, withdrawal). */
  at: Date | null;
  /** Words added to the rule, e.g. the incident's time span. */
  detail?: string;
}

/** A field of the opening form other than the price. Person fields carry the name only, never the ID number. */
export interface OpeningFieldEntry {
  label: string;
  /** Text as read out; money as fen (shown in figures, 元). */
  value: string | Fen;
}

/**
 * The bid security declared inside the envelope. Its verification arrives with the guarantee
 * work; until then every record says plainly "未核验" (not verified).
 */
export interface BidSecurityOffered {
  kind: "guarantee" | "credit-commitment";
  reference: string;
  verification: "notVerified";
}

/** What the reading-out published for a decrypted bid. */
export interface ReadOutBid {
  price: Fen;
  fields: readonly OpeningFieldEntry[];
  /** null when the bid declared none. */
  security: BidSecurityOffered | null;
}

export interface RecordBidder {
  name: string;
  uscc: string;
  decryption: DecryptionOutcome;
  /** Present exactly when decrypted: nothing of a bid that was not opened is known. */
  bid: ReadOutBid | null;
}

// ---------------------------------------------------------------------------------------------
// Words

export const time = (d: Date): string => formatShanghai(d);

export function partyText(party: Party): string {
  return party.person ? `${party.organisation}（${party.person}）` : party.organisation;
}

export interface RecordObjection {
  raisedBy: Party;
  raisedAt: Date;
  text: string;
  /** NOTE 条例 Art 44: raised on the spot and answered on the spot; null only if it never was. */
  answer: { by: Party; at: Date; text: string } | null;
}

/** The objections (异议 / 质疑) and their answers, as the opening record and the failed-opening record both show them. */
export function objectionBlock(objections: readonly RecordObjection[], procurementType: ProcurementType): Block {
  if (objections.length === 0) return { type: "paragraph", text: "无。" };
  const term = objectionTerm(procurementType);
  return {
    type: "table",
    columns: [
      { header: "序号", width: 0.6, align: "center" },
      { header: `${term}人及时间`, width: 1.9 },
      { header: `${term}内容`, width: 2.85 },
      { header: "答复人及时间", width: 1.9 },
      { header: "答复内容", width: 2.8 },
    ],
    rows: objections.map((o, i) => [
      String(i + 1),
      `${partyText(o.raisedBy)}\n${time(o.raisedAt)}`,
      o.text,
      o.answer ? `${partyText(o.answer.by)}\n${time(o.answer.at)}` : "—",
      o.answer ? o.answer.text : "未答复",
    ]),
  };
}

const tendererLabel = (type: ProcurementType) => (type === "government" ? "采购人" : "招标人");
const PROCUREMENT_TYPE_LABELS: Record<ProcurementType, string> = { engineering: "工程建设", government: "政府采购" };
const SECURITY_KIND_LABELS: Record<BidSecurityOffered["kind"], string> = {
  guarantee: "投标保函",
  "credit-commitment": "信用承诺",
};
const VERIFICATION_LABELS: Record<BidSecurityOffered["verification"], string> = { notVerified: "未核验" };

/**
 * NOTE an objection at the opening is 异议 in engineering (条例 Art 44); in government procurement the
 * supplier raises an inquiry or a request for recusal (87号令 Art 42) — 质疑 is the written challenge
 * afterwards (政府采购法 Art 52), never a word of the opening (decision 39).
 */
export const objectionTerm = (type: ProcurementType) => (type === "government" ? "询问或回避申请" : "异议");

/** The rule in words with its legal basis for the procurement type (decision 33); NOTE 办法 Art 31 (revoked, withdrawn, remedy). */
export function ruleText(outcome: DecryptionOutcome, type: ProcurementType = "engineering"): string {
  if ((outcome.result === "withdrawn") !== (outcome.rule === WITHDRAWN_RULE)) {
    throw new RecordInputError(`the rule ${outcome.rule} does not go with the result ${outcome.result}`);
  }
  let words: string;
  if (outcome.rule === WITHDRAWN_RULE) {
    words = "投标人在投标截止时间前撤回其投标文件";
  } else {
    const rule = DOMAIN_RULES[outcome.rule];
    if (!rule) throw new RecordInputError(`no decryption rule ${String(outcome.rule)}`);
    // Only failures can be reclassified, and only into failures.
    if ((rule.result === "decrypted") !== (outcome.result === "decrypted")) {
      throw new RecordInputError(`the rule ${outcome.rule} does not go with the result ${outcome.result}`);
    }
    words = `${rule.zh}（${decryptionBasis(outcome.rule, type).zh}）`;
    if (rule.result !== outcome.result) words += `；经重新认定为${DECRYPTION_RESULT_LABELS[outcome.result]}`;
  }
  return outcome.detail ? `${words}。${outcome.detail}` : words;
}

function durationText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h} 小时` : "", m ? `${m} 分` : "", s || (!h && !m) ? `${s} 秒` : ""].filter(Boolean).join(" ");
}

// ---------------------------------------------------------------------------------------------
// Checks

/** Refuses input that would print a record contradicting itself. */
export function checkBidders(bidders: readonly RecordBidder[]): void {
  if (bidders.length === 0) throw new RecordInputError("a record needs at least one bidder");
  const seen = new Set<string>();
  for (const bidder of bidders) {
    if (seen.has(bidder.uscc)) throw new RecordInputError(`the bidder ${bidder.uscc} is listed twice`);
    seen.add(bidder.uscc);
    const decrypted = bidder.decryption.result === "decrypted";
    if (decrypted !== (bidder.bid !== null)) {
      throw new RecordInputError(
        decrypted ? `${bidder.name} is decrypted but has no bid to read out` : `${bidder.name} was not decrypted yet carries a bid`,
      );
    }
    ruleText(bidder.decryption);
  }
}

// ---------------------------------------------------------------------------------------------
// Blocks

export function headerBlock(header: OpeningHeader): Block {
  const { window } = header;
  return {
    type: "fields",
    rows: [
      ["项目编号", header.project.code],
      ["项目名称", header.project.name],
      ["标段（包）编号", header.section.code],
      ["标段（包）名称", header.section.name],
      ["采购类型", PROCUREMENT_TYPE_LABELS[header.procurementType]],
      [tendererLabel(header.procurementType), header.tendererName],
      ["招标代理机构", header.agencyName ?? `无（${tendererLabel(header.procurementType)}自行组织）`],
      ["投标截止（开标）时间", time(header.openingAt)],
      ["开标方式", "不见面开标，投标人远程在线解密"],
      ["解密时段", `${time(window.openedAt)} 至 ${time(window.endedAt)}`],
      ["唱标时间", time(header.readingOutPublishedAt)],
      ["确认期截止时间", time(header.confirmationEndsAt)],
      ["开标平台", header.platformName],
    ],
  };
}

export const TIME_NOTE: Block = { type: "paragraph", text: "注：本记录所列时间均为北京时间（UTC+8）；金额单位为人民币元。" };

/** The window's facts in time order: opened, pauses with their reasons, extensions, ended. */
export function windowTable(window: DecryptionWindow): Block {
  type Event = { at: Date; cells: [string, string, string] };
  const events: Event[] = [
    ...window.pauses.map((p): Event => ({
      at: p.pausedAt,
      cells: [
        "暂停解密",
        p.resumedAt
          ? `${time(p.pausedAt)} 至 ${time(p.resumedAt)}（${durationText(p.resumedAt.getTime() - p.pausedAt.getTime())}）`
          : `${time(p.pausedAt)} 起（至解密结束未恢复）`,
        p.reason,
      ],
    })),
    ...window.extensions.map((e): Event => ({ at: e.at, cells: ["延长解密时限", `${time(e.at)}，延长至 ${time(e.newEndsAt)}`, e.reason] })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  const pausedMs = window.pauses.reduce((sum, p) => sum + ((p.resumedAt ?? window.endedAt).getTime() - p.pausedAt.getTime()), 0);
  const rows = [
    ["开启解密", time(window.openedAt), ""],
    ...events.map((e) => e.cells),
    ["解密结束", time(window.endedAt), pausedMs > 0 ? `累计暂停 ${durationText(pausedMs)}` : ""],
  ].map((cells, i) => [String(i + 1), ...cells]);
  return {
    type: "table",
    columns: [
      { header: "序号", width: 0.6, align: "center" },
      { header: "事项", width: 1.4 },
      { header: "时间", width: 3.2 },
      { header: "原因及说明", width: 4 },
    ],
    rows,
  };
}

function fieldValue(value: string | Fen): string {
  return typeof value === "bigint" ? `${formatYuan(value)} 元` : value;
}

const bidderCell = (bidder: RecordBidder) => `${bidder.name}\n${bidder.uscc}`;

/** NOTE 办法 Art 30: after decryption each bidder's name, price and the items the documents name are published. */
export function readingOutTable(bidders: readonly RecordBidder[]): Block {
  const columns: TableColumn[] = [
    { header: "序号", width: 0.6, align: "center" },
    { header: "投标人名称\n统一社会信用代码", width: 2.45 },
    { header: "投标报价（元）", width: 1.55, align: "right" },
    { header: "投标报价（人民币大写）", width: 2.4 },
    { header: "其他开标内容", width: 2.6 },
  ];
  const rows = bidders.map((bidder, i) => {
    const n = String(i + 1);
    if (!bidder.bid) return [n, bidderCell(bidder), "—", "—", `${DECRYPTION_RESULT_LABELS[bidder.decryption.result]}，不予唱标`];
    const { price, fields } = bidder.bid;
    const others = fields.map((f) => `${f.label}：${fieldValue(f.value)}`).join("\n");
    return [n, bidderCell(bidder), formatYuan(price), toChineseCapitals(price), others || "—"];
  });
  return { type: "table", columns, rows };
}

/** The security each bid declared inside its envelope; unknown for a bid that was not decrypted. */
export function securityTable(bidders: readonly RecordBidder[]): Block {
  return {
    type: "table",
    columns: [
      { header: "序号", width: 0.6, align: "center" },
      { header: "投标人名称", width: 3.1 },
      { header: "保证金形式", width: 1.3, align: "center" },
      { header: "保函或承诺编号", width: 2.6 },
      { header: "核验状态", width: 2, align: "center" },
    ],
    rows: bidders.map((bidder, i) => {
      const n = String(i + 1);
      if (!bidder.bid) return [n, bidder.name, "—", "—", "投标文件未解密"];
      const { security } = bidder.bid;
      if (!security) return [n, bidder.name, "未提供", "—", "—"];
      return [n, bidder.name, SECURITY_KIND_LABELS[security.kind], security.reference, VERIFICATION_LABELS[security.verification]];
    }),
  };
}

export function decryptionTable(bidders: readonly RecordBidder[], type: ProcurementType = "engineering"): Block {
  return {
    type: "table",
    columns: [
      { header: "序号", width: 0.6, align: "center" },
      { header: "投标人名称", width: 2.3 },
      { header: "解密结果", width: 1.05, align: "center" },
      { header: "适用规则", width: 4.4 },
      { header: "认定时间", width: 1.7 },
    ],
    rows: bidders.map((bidder, i) => [
      String(i + 1),
      bidder.name,
      DECRYPTION_RESULT_LABELS[bidder.decryption.result],
      ruleText(bidder.decryption, type),
      bidder.decryption.at ? time(bidder.decryption.at) : "—",
    ]),
  };
}
