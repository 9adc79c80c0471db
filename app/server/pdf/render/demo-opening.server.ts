import { createHash } from "node:crypto";
import { makeUscc } from "#app/domain/shared/uscc.ts";
import type { OpeningRecordInput } from "./opening-record.server.ts";
import type { ReadingOutRecordInput, RecordBidder } from "./reading-out-record.server.ts";

/**
 * A realistic, entirely fictitious opening for `bidhall samples` and the record tests: five
 * bidders (one a consortium, one accepted through the remedy, one deemed revoked), a pause and an
 * extension of the window, an objection answered on the spot, four signed confirmations and one
 * bidder that stayed silent. Times are relative to `now` (the opening took place three days
 * earlier, Beijing time) so a throwaway PKI issued around `now` covers every signing time.
 */

const DAY = 86_400_000;
const SHANGHAI_OFFSET = 8 * 3600_000; // China has no daylight saving time

/** 00:00 Beijing time, `daysBefore` days before `now`'s Beijing date. */
function beijingMidnight(now: Date, daysBefore: number): number {
  return Math.floor((now.getTime() + SHANGHAI_OFFSET) / DAY) * DAY - SHANGHAI_OFFSET - daysBefore * DAY;
}

const PROJECT_CODE = "E3501002025000018";
const SECTION_CODE = `${PROJECT_CODE}001`;
const AGENCY = "福建榕信工程咨询有限公司";

export const DEMO_BIDDERS = {
  rongcheng: { name: "榕城建设集团有限公司", uscc: makeUscc("91350100MA2Y8K3R0") },
  minjiang: { name: "闽江路桥工程股份有限公司", uscc: makeUscc("91350000158143726") },
  consortium: {
    name: "海峡第三建筑工程有限责任公司（联合体牵头人）、福州安达机电安装有限公司（联合体成员）",
    uscc: makeUscc("91350102MA34BQ6N1"),
  },
  jiangnan: { name: "江南市政园林有限公司", uscc: makeUscc("91350104MA31U5XQ2") },
  dongnan: { name: "东南智慧建设科技有限公司", uscc: makeUscc("91350105MA8RKT9H4") },
} as const;

export interface DemoOpening {
  readingOut: ReadingOutRecordInput;
  /** The opening record's input, once the signed reading-out record's SHA-256 is known. */
  opening(readingOutSha256: string): OpeningRecordInput;
}

export function demoOpening(now: Date): DemoOpening {
  const day = beijingMidnight(now, 3);
  const at = (hhmmss: string) => {
    const [h, m, s] = hhmmss.split(":").map(Number) as [number, number, number];
    return new Date(day + ((h * 60 + m) * 60 + s) * 1000);
  };
  const b = DEMO_BIDDERS;
  const field = (duration: number, quality: string, manager: string) => [
    { label: "工期（日历天）", value: String(duration) },
    { label: "质量标准", value: quality },
    { label: "项目经理", value: manager },
  ];
  const bidders: RecordBidder[] = [
    {
      ...b.rongcheng,
      decryption: { result: "decrypted", rule: "DECRYPTED", at: at("09:37:12") },
      bid: {
        price: 1_234_567_890n,
        fields: field(365, "合格", "陈建华"),
        security: { kind: "guarantee", reference: "BG-2025-0618-000127", verification: "notVerified" },
      },
    },
    {
      ...b.minjiang,
      decryption: { result: "decrypted", rule: "DECRYPTED", at: at("09:39:45") },
      bid: {
        price: 1_198_000_000n,
        fields: field(360, "合格", "林志强"),
        security: { kind: "guarantee", reference: "BG-2025-0618-000131", verification: "notVerified" },
      },
    },
    {
      ...b.consortium,
      decryption: { result: "decrypted", rule: "DECRYPTED", at: at("10:02:08") },
      bid: {
        price: 1_210_050_005n,
        fields: field(370, "优良", "黄文斌"),
        security: { kind: "credit-commitment", reference: "XYCN-2025-000318", verification: "notVerified" },
      },
    },
    {
      ...b.jiangnan,
      decryption: {
        result: "deemedRevoked",
        rule: "NOT_DECRYPTED_IN_WINDOW",
        at: at("10:45:00"),
        detail: "平台日志显示该投标人成员于解密时段内已签到，但未提交解密密钥",
      },
      bid: null,
    },
    {
      ...b.dongnan,
      decryption: { result: "decrypted", rule: "REMEDY_ACCEPTED", at: at("10:31:56") },
      bid: {
        price: 1_087_654_321n,
        fields: field(355, "合格", "吴海燕"),
        security: { kind: "guarantee", reference: "BG-2025-0617-000098", verification: "notVerified" },
      },
    },
  ];

  const readingOut: ReadingOutRecordInput = {
    documentId: `CBJL-${SECTION_CODE}`,
    project: { code: PROJECT_CODE, name: "福州市第一中学教学楼改扩建工程" },
    section: { code: SECTION_CODE, name: "施工一标段" },
    tendererName: "福州市第一中学",
    agencyName: AGENCY,
    procurementType: "engineering",
    openingAt: at("09:30:00"),
    window: {
      openedAt: at("09:35:00"),
      endedAt: at("10:45:00"),
      pauses: [
        {
          pausedAt: at("09:48:20"),
          resumedAt: at("09:56:30"),
          reason: "多家投标人反映解密页面响应缓慢，暂停解密排查网络故障",
        },
      ],
      extensions: [{ at: at("10:20:00"), newEndsAt: at("10:45:00"), reason: "因暂停解密，相应延长解密时限 10 分钟" }],
    },
    readingOutPublishedAt: at("10:52:30"),
    confirmationEndsAt: at("11:52:30"),
    platformName: "福州市公共资源交易中心 bidhall 电子招投标平台",
    bidders,
  };

  // Stand-ins for the confirmation JWS digests: the demo has no bidders' keys to sign with.
  const jwsDigest = (uscc: string, sha: string) => createHash("sha256").update(`demo-confirmation:${uscc}:${sha}`).digest("hex");
  return {
    readingOut,
    opening: (readingOutSha256) => ({
      ...readingOut,
      documentId: `KBJL-${SECTION_CODE}`,
      generatedAt: at("11:52:30"),
      readingOutRecord: { documentId: readingOut.documentId, sha256: readingOutSha256 },
      objections: [
        {
          raisedBy: { organisation: b.jiangnan.name, person: "王磊" },
          raisedAt: at("10:58:14"),
          text: "我公司代表已于解密时段内在线签到并多次尝试解密，系统提示证书不可用，未能解密系平台原因所致，请求将我公司投标文件认定为视为撤回。",
          answer: {
            by: { organisation: AGENCY, person: "郑敏" },
            at: at("11:06:40"),
            text: "经核查平台日志，贵公司成员的数字证书在解密时段内状态有效，平台及存储无故障记录，贵公司未提交解密密钥。维持视为撤销的认定。",
          },
        },
      ],
      confirmations: [
        { bidder: b.rongcheng, signer: "陈建华", time: "10:55:02", decision: "confirm" as const },
        { bidder: b.minjiang, signer: "林晓", time: "10:57:41", decision: "confirm" as const },
        { bidder: b.jiangnan, signer: "王磊", time: "10:58:30", decision: "object" as const },
        { bidder: b.consortium, signer: "黄文斌", time: "11:20:09", decision: "confirm" as const },
      ].map((c) => ({
        bidderUscc: c.bidder.uscc,
        decision: c.decision,
        signerName: c.signer,
        signedAt: at(c.time),
        jwsSha256: jwsDigest(c.bidder.uscc, readingOutSha256),
      })),
      reclassifications: [],
      // Decision 46: the sign-in list by certificate subject, and the people who opened, recorded and supervised.
      signIns: [
        { bidder: b.rongcheng, person: "陈建华", time: "09:05:11", serial: "5fa402b5a2d51c8b51388c6408c446f1" },
        { bidder: b.minjiang, person: "林晓", time: "09:07:48", serial: "47b0aaaf904f3bacabfe7334e3827692" },
        { bidder: b.consortium, person: "黄文斌", time: "09:12:30", serial: "6120cf4ae0883897f01dd8c9c2500123" },
        { bidder: b.jiangnan, person: "王磊", time: "09:20:02", serial: "2b9e51c0a4d7e8f90b1c2d3e4f506174" },
        { bidder: b.dongnan, person: "吴海燕", time: "09:26:45", serial: "7c1d2e3f405162738495a6b7c8d9e0f5" },
      ].map((x) => ({
        organisation: x.bidder.name,
        uscc: x.bidder.uscc,
        person: x.person,
        signedAt: at(x.time),
        certificateSerial: x.serial,
      })),
      officials: {
        host: { organisation: AGENCY, person: "郑敏" },
        recorder: { organisation: AGENCY, person: "刘芳" },
        supervisor: { organisation: "福州市住房和城乡建设局", person: "张振华" },
      },
    }),
  };
}
