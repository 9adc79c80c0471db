import { buildDocument, renderDocument } from "./document.server.ts";
import type { BuiltDocument } from "./document.server.ts";
import type { DocumentSpec } from "./layout.server.ts";

/**
 * A small opening record (开标记录表) exercising what real records need: a header block, a table
 * with long bidder names that wrap, prices in figures and in Chinese capitals. The capitals are
 * written out here; computing them belongs to the money module.
 */

const BIDDERS: readonly (readonly [name: string, price: string, capitals: string, days: string])[] = [
  ["某某建设集团有限公司", "12,345,678.90", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整", "365"],
  ["华东路桥工程股份有限公司", "11,980,000.00", "壹仟壹佰玖拾捌万元整", "360"],
  [
    "某市第三建筑工程有限责任公司（联合体牵头人）、某某机电安装有限公司（联合体成员）",
    "12,100,500.05",
    "壹仟贰佰壹拾万零伍佰元零伍分",
    "370",
  ],
  ["江南市政园林有限公司", "9,876,543.21", "玖佰捌拾柒万陆仟伍佰肆拾叁元贰角壹分", "350"],
];

export interface SampleRecordOptions {
  documentId?: string;
  /** Repeat the bidder rows this many times (to run the table over several pages). */
  repeat?: number;
}

export function sampleRecordSpec(options: SampleRecordOptions = {}): DocumentSpec {
  const repeat = options.repeat ?? 1;
  const rows = Array.from({ length: repeat }, () => BIDDERS)
    .flat()
    .map(([name, price, capitals, days], i) => [String(i + 1), name, price, capitals, days, i === 2 ? "联合体投标" : ""]);
  return {
    documentId: options.documentId ?? "KBJL-2025-000123",
    title: "开标记录表",
    subtitle: "（不见面开标）",
    createdAt: new Date("2025-06-18T01:45:00Z"),
    author: "bidhall 公共资源交易平台",
    subject: "某市第一中学教学楼改扩建工程施工 开标记录",
    blocks: [
      {
        type: "fields",
        rows: [
          ["项目名称", "某市第一中学教学楼改扩建工程施工"],
          ["标段（包）编号", "BH-2025-0001-01"],
          ["招标人", "某市第一中学"],
          ["招标代理机构", "某某工程咨询有限公司"],
          ["开标时间", "2025年6月18日 09:30（北京时间）"],
          ["开标方式", "网上开标，投标人远程解密"],
          ["最高投标限价", "13,000,000.00 元（壹仟叁佰万元整）"],
        ],
      },
      {
        type: "table",
        columns: [
          { header: "序号", width: 0.6, align: "center" },
          { header: "投标人名称", width: 2.6 },
          { header: "投标报价（元）", width: 1.5, align: "right" },
          { header: "投标报价（大写）", width: 2.5 },
          { header: "工期（日历天）", width: 1, align: "center" },
          { header: "备注", width: 1 },
        ],
        rows,
      },
      {
        type: "paragraph",
        text: "以上投标文件均已在投标截止时间前递交，并由投标人在解密时限内完成解密。开标过程全程留痕，投标人对唱标结果无异议。",
      },
      {
        type: "fields",
        rows: [
          ["招标人代表", "（电子签章）"],
          ["监标人", "（电子签章）"],
        ],
      },
    ],
  };
}

export function renderSampleRecord(options: SampleRecordOptions = {}): Promise<Uint8Array> {
  return renderDocument(sampleRecordSpec(options));
}

/** The same record as an unsaved pdf-lib document, for signing in place before the first save. */
export function buildSampleRecord(options: SampleRecordOptions = {}): Promise<BuiltDocument> {
  return buildDocument(sampleRecordSpec(options));
}
