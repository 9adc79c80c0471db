import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUscc } from "#app/domain/shared/uscc.ts";
import { createTestPki, type TestPki } from "#test/fixtures/pdf/pki.ts";
import { countDarkPixels, decodePng } from "#test/fixtures/pdf/png.ts";
import { nssDatabaseTrusting, pdfsig, tool } from "#test/fixtures/pdf/poppler.ts";
import { platformSigner, type Signer } from "../sign/signer.server.ts";
import { verifyPdf } from "../verify.server.ts";
import { DEMO_BIDDERS, demoOpening, type DemoOpening } from "./demo-opening.server.ts";
import { renderDocument } from "./document.server.ts";
import { loadBaseFont, measurerFor } from "./font.server.ts";
import { A4, STYLE, layoutDocument, type DocumentSpec, type LaidOutPage, type Measurer } from "./layout.server.ts";
import { keepHeadingsWithNext } from "./record-document.server.ts";
import { failedOpeningRecordSpec } from "./failed-opening-record.server.ts";
import { openingRecordSpec, signOpeningRecord, type OpeningRecordInput } from "./opening-record.server.ts";
import {
  RecordInputError,
  readingOutRecordSpec,
  signReadingOutRecord,
  type ReadingOutRecordInput,
  type RecordBidder,
  type SignedRecord,
} from "./reading-out-record.server.ts";

/**
 * The two opening records, checked by independent tools (poppler, NSS) on signed files, and by
 * the layout itself for pagination and content.
 */

let dir: string;
let pki: TestPki;
let nssDir: string;
let signer: Signer;
let demo: DemoOpening;
let readingOut: SignedRecord;
let openingInput: OpeningRecordInput;
let opening: SignedRecord;
let measure: Measurer;

const CAPITALS = {
  rongcheng: "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整", // 12,345,678.90
  minjiang: "壹仟壹佰玖拾捌万元整", // 11,980,000.00
  consortium: "壹仟贰佰壹拾万零伍佰元零伍分", // 12,100,500.05
  dongnan: "壹仟零捌拾柒万陆仟伍佰肆拾叁元贰角壹分", // 10,876,543.21
};
const OBJECTION = "未能解密系平台原因所致，请求将我公司投标文件认定为视为撤回。";
const ANSWER = "维持视为撤销的认定。";

async function write(name: string, bytes: Uint8Array): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  return file;
}

/** Content-stream order keeps each cell's wrapped lines together; whitespace removed. */
async function rawText(file: string): Promise<string> {
  return (await tool("pdftotext", ["-raw", file, "-"])).replace(/\s+/g, "");
}

const textsOf = (page: LaidOutPage) => page.ops.flatMap((op) => (op.kind === "text" ? [op.text] : []));
const allText = (pages: readonly LaidOutPage[]) => pages.flatMap(textsOf).join("");

async function layout(spec: Promise<DocumentSpec>): Promise<LaidOutPage[]> {
  return layoutDocument(await spec, measure);
}

function manyBidders(count: number): RecordBidder[] {
  return Array.from({ length: count }, (_, i): RecordBidder => {
    const n = i + 1;
    const uscc = makeUscc(`91350100MA${String(n).padStart(7, "0")}`);
    const name =
      n % 7 === 0
        ? `第${n}号测试建设工程有限责任公司（联合体牵头人）、第${n}号机电安装有限公司（联合体成员）`
        : `第${n}号测试建设工程有限公司`;
    if (n % 10 === 0) {
      return {
        name,
        uscc,
        decryption: { result: "deemedRevoked", rule: "WRONG_KEY", at: new Date("2026-03-02T02:30:00Z") },
        bid: null,
      };
    }
    return {
      name,
      uscc,
      decryption: { result: "decrypted", rule: "DECRYPTED", at: new Date("2026-03-02T01:50:00Z") },
      bid: {
        price: 1_000_000_00n + BigInt(n) * 123_456_78n,
        fields: [
          { label: "工期（日历天）", value: String(300 + n) },
          { label: "项目经理", value: "张三" },
        ],
        security: { kind: "guarantee", reference: `BG-2026-0302-${String(n).padStart(6, "0")}`, verification: "notVerified" },
      },
    };
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bidhall-records-"));
  measure = measurerFor((await loadBaseFont()).font);
  // pdfsig judges certificates by the system clock, and the demo opening took place three days
  // before `now`: the throwaway PKI is issued ten days back.
  const now = new Date();
  pki = createTestPki({ now: new Date(now.getTime() - 10 * 86_400_000) });
  nssDir = await nssDatabaseTrusting(join(dir, "nss"), pki.root.certPem);
  signer = platformSigner(pki.platform.keyPem, [pki.platform.certPem, pki.issuing.certPem]);
  demo = demoOpening(now);
  readingOut = await signReadingOutRecord(demo.readingOut, signer, { signingTime: demo.readingOut.readingOutPublishedAt });
  openingInput = demo.opening(readingOut.sha256);
  opening = await signOpeningRecord(openingInput, signer, { signingTime: openingInput.generatedAt });
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("signed by the platform", () => {
  it.each([
    ["the opening record", () => opening],
    ["the reading-out record", () => readingOut],
  ])("%s: pdfsig finds it valid, trusted under the root, PAdES, covering the whole document", async (_, record) => {
    const [signature, ...others] = await pdfsig(nssDir, await write("signed.pdf", record().pdf));
    expect(others).toEqual([]);
    expect(signature!.lines).toContain("Signature Validation: Signature is Valid.");
    expect(signature!.lines).toContain("Certificate Validation: Certificate is Trusted.");
    expect(signature!.lines).toContain("Total document signed");
    expect(signature!.lines).toContain("Signature Type: ETSI.CAdES.detached");
  });

  it("carries the issuing CA, so the chain reaches a root that is given alone", async () => {
    const result = await verifyPdf(opening.pdf, { trustedRoots: [pki.root.certPem], validationTime: openingInput.generatedAt });
    expect(result.problems).toEqual([]);
    const [signature] = result.signatures;
    expect(signature).toMatchObject({
      fieldName: "platform",
      reason: "开标记录表",
      declaredName: openingInput.platformName,
      coversWholeDocument: true,
      pades: { baselineB: true },
      signer: { role: "platform", roleEstablished: true },
    });
    expect(signature!.chain!.path).toHaveLength(3);
    expect(signature!.claimedSigningTime!.getTime()).toBe(openingInput.generatedAt.getTime());
  });

  it("reports the SHA-256 of the signed file", () => {
    expect(opening.sha256).toBe(createHash("sha256").update(opening.pdf).digest("hex"));
    expect(readingOut.sha256).toBe(createHash("sha256").update(readingOut.pdf).digest("hex"));
  });
});

describe("the opening record's text", () => {
  it("pdftotext shows the project, every bidder, prices in capitals, decryption rules, the objection and its answer", async () => {
    const text = await rawText(await write("opening.pdf", opening.pdf));
    for (const expected of [
      "开标记录表",
      "福州市第一中学教学楼改扩建工程",
      ...Object.values(DEMO_BIDDERS).flatMap((b) => [b.name, b.uscc]),
      "12,345,678.90",
      ...Object.values(CAPITALS),
      "视为撤销",
      "因投标人原因视为撤销其投标文件（《电子招标投标办法》第三十一条；《招标投标法实施条例》第三十五条）",
      "按招标文件规定的补救方案",
      "BG-2025-0618-000127",
      "信用承诺",
      "未核验",
      OBJECTION,
      ANSWER,
      "提出异议",
      "暂停解密",
      "多家投标人反映解密页面响应缓慢",
      "未在确认期内签署的投标人：东南智慧建设科技有限公司。",
      readingOut.sha256,
      openingInput.confirmations[0]!.jwsSha256.slice(0, 16),
      "第1页共4页",
      // Decision 46: the sign-in list and the people who opened, recorded and supervised.
      "投标人签到情况",
      "陈建华",
      "开标人：福建榕信工程咨询有限公司（郑敏）",
      "记录人：福建榕信工程咨询有限公司（刘芳）",
      "监标人：福州市住房和城乡建设局（张振华）",
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain(openingInput.confirmations[0]!.jwsSha256); // a prefix, not the whole digest
    expect(text).not.toContain("87号"); // engineering: no deemed acceptance
  });

  it("the reading-out record shows the reading-out and how to confirm it, without objections or confirmations", async () => {
    const text = await rawText(await write("reading-out.pdf", readingOut.pdf));
    for (const expected of [
      "唱标记录",
      ...Object.values(CAPITALS),
      "视为撤销，不予唱标",
      "未核验",
      "SHA-256摘要进行电子签名，确认唱标结果或提出异议",
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain(OBJECTION);
    expect(text).not.toContain("投标人确认情况");
  });

  it("pdftoppm draws the Chinese text where the layout put it", async () => {
    const pages = await layout(openingRecordSpec(openingInput));
    const file = await write("opening-png.pdf", opening.pdf);
    await tool("pdftoppm", ["-png", "-r", "72", "-f", "1", "-l", "1", file, join(dir, "opening")]);
    const image = decodePng(await readFile(join(dir, "opening-1.png")));
    expect(image.width).toBe(Math.ceil(A4.width)); // 72 dpi: a pixel per point
    const inkUnder = (text: string) => {
      const op = pages[0]!.ops.find((o) => o.kind === "text" && o.text === text);
      if (op?.kind !== "text") throw new Error(`"${text}" is not drawn on page 1`);
      const width = measure.width(text, op.size);
      const area = {
        x: Math.floor(op.x),
        y: Math.floor(A4.height - op.y - op.size * 0.9),
        width: Math.ceil(width),
        height: Math.ceil(op.size),
      };
      return { ink: countDarkPixels(image, area), area: area.width * area.height };
    };
    for (const text of ["开标记录表", "福州市第一中学教学楼改扩建工程", DEMO_BIDDERS.rongcheng.name]) {
      const { ink, area } = inkUnder(text);
      expect(ink, text).toBeGreaterThan(area * 0.1);
    }
    expect(countDarkPixels(image, { x: 0, y: 0, width: image.width, height: 40 })).toBe(0);
  });
});

describe("the records' layout", () => {
  /** Every character one em wide except ASCII at half an em (as in layout.test.ts). */
  const fixed: Measurer = { width: (text, size) => [...text].reduce((sum, ch) => sum + (ch.charCodeAt(0) < 128 ? 0.5 : 1), 0) * size };
  const nearTheFoot = (spacer: number): DocumentSpec => ({
    documentId: "T",
    title: "标题",
    createdAt: new Date(0),
    blocks: [
      { type: "spacer", height: spacer },
      { type: "heading", text: "二、唱标结果" },
      { type: "table", columns: [{ header: "表头", width: 1 }], rows: [["一\n二\n三\n四\n五\n六"], ["七"]] },
    ],
  });
  const headingPage = (pages: LaidOutPage[]) => pages.findIndex((page) => textsOf(page).includes("二、唱标结果"));
  const firstRowPage = (pages: LaidOutPage[]) => pages.findIndex((page) => textsOf(page).includes("一"));

  it.each([
    ["the table moves on whole", 610],
    ["only the table's header row would stay behind", 600],
  ])("moves a heading on with its table's first row when %s", (_, spacer) => {
    const plain = layoutDocument(nearTheFoot(spacer), fixed);
    expect(headingPage(plain)).toBe(0);
    expect(firstRowPage(plain)).toBe(1); // the defect being fixed
    const kept = layoutDocument(keepHeadingsWithNext(nearTheFoot(spacer), fixed), fixed);
    expect(kept).toHaveLength(2);
    expect(headingPage(kept)).toBe(1);
    expect(firstRowPage(kept)).toBe(1);
  });

  it("leaves a heading alone when its table's first row fits under it", () => {
    const spec = nearTheFoot(400);
    expect(keepHeadingsWithNext(spec, fixed).blocks).toEqual(spec.blocks);
  });

  it("keeps every heading of the records off the foot of a page", async () => {
    for (const pages of [await layout(openingRecordSpec(openingInput)), await layout(readingOutRecordSpec(demo.readingOut))]) {
      for (const page of pages) {
        const body = textsOf(page).slice(0, -2); // the footer's document id and page number come last
        expect(body.at(-1)).not.toMatch(/^[一二三四五六七八九十]、/);
      }
    }
  });

  it("runs 40 bidders over several pages: header row repeated, every bidder once, nothing outside the page", async () => {
    const bidders = manyBidders(40);
    const input = { ...demo.opening(readingOut.sha256), bidders, confirmations: [], objections: [] };
    const pages = await layout(openingRecordSpec(input));
    expect(pages.length).toBeGreaterThan(4);
    for (const page of pages) {
      for (const op of page.ops) {
        if (op.kind !== "text") continue;
        expect(op.x).toBeGreaterThanOrEqual(STYLE.marginLeft - 0.01);
        expect(op.x + measure.width(op.text, op.size)).toBeLessThanOrEqual(A4.width - STYLE.marginRight + 0.01);
        expect(op.y).toBeGreaterThan(0);
        expect(op.y).toBeLessThan(A4.height - STYLE.marginTop + op.size);
      }
      const texts = textsOf(page);
      // Every page holding a row of the reading-out table (the only place a USCC is printed)
      // starts that table's header again.
      if (bidders.some((b) => texts.includes(b.uscc))) expect(texts).toContain("统一社会信用代码");
    }
    const text = allText(pages);
    for (const bidder of bidders) expect(text.split(bidder.uscc)).toHaveLength(2);

    const file = await write("forty.pdf", await renderDocument(await openingRecordSpec(input)));
    const printed = (await tool("pdftotext", [file, "-"])).split("\f").filter((p) => p.trim());
    expect(printed).toHaveLength(pages.length);
    printed.forEach((page, i) => expect(page.replace(/\s+/g, "")).toContain(`第${i + 1}页共${pages.length}页`));
  });
});

describe("what the records say", () => {
  const gp = (input: OpeningRecordInput): OpeningRecordInput => ({ ...input, procurementType: "government" });

  it("government procurement: a silent bidder is deemed to accept (87号令 Art 42), and the terms change", async () => {
    const text = allText(await layout(openingRecordSpec(gp(openingInput))));
    expect(text).toContain(
      "未在确认期内签署的投标人：东南智慧建设科技有限公司。依据《政府采购货物和服务招标投标管理办法》（财政部令第87号）第四十二条，视同认可开标结果。",
    );
    expect(text).toContain("采购人：福州市第一中学");
    expect(text).toContain("询问或回避申请内容");
    expect(text).not.toContain("质疑"); // 87号令 Art 42: 质疑 is the written challenge after the opening (decision 39)
    expect(text).toContain("政府采购");
  });

  it("all confirmed: says so; a bid withdrawn before the deadline has nothing to confirm", async () => {
    const withdrawn: RecordBidder = {
      name: "撤回测试有限公司",
      uscc: makeUscc("91350100MA0000999"),
      decryption: { result: "withdrawn", rule: "WITHDRAWN_BEFORE_DEADLINE", at: new Date("2026-03-01T02:00:00Z") },
      bid: null,
    };
    const input = gp(openingInput);
    const confirmations = [
      ...input.confirmations,
      {
        bidderUscc: DEMO_BIDDERS.dongnan.uscc,
        decision: "confirm" as const,
        signerName: "吴海燕",
        signedAt: input.generatedAt,
        jwsSha256: "c".repeat(64),
      },
    ];
    const text = allText(await layout(openingRecordSpec({ ...input, bidders: [...input.bidders, withdrawn], confirmations })));
    expect(text).toContain("全部投标人均已在确认期内签署确认或提出询问或回避申请。");
    expect(text).not.toContain("87号");
    expect(text).toContain("撤回，不予唱标");
    expect(text).toContain("投标人在投标截止时间前撤回其投标文件");
  });

  it("shows a reclassification with its reason, and a window paused until its end", async () => {
    const input: OpeningRecordInput = {
      ...openingInput,
      bidders: openingInput.bidders.map((b) =>
        b.uscc === DEMO_BIDDERS.jiangnan.uscc ? { ...b, decryption: { ...b.decryption, result: "deemedWithdrawn" } } : b,
      ),
      window: {
        ...openingInput.window,
        pauses: [{ pausedAt: new Date(openingInput.window.endedAt.getTime() - 90_000), resumedAt: null, reason: "存储故障" }],
      },
      reclassifications: [
        {
          bidderUscc: DEMO_BIDDERS.jiangnan.uscc,
          from: "deemedRevoked",
          to: "deemedWithdrawn",
          reason: "运维记录显示 10:30 至 10:40 存储节点故障",
          by: { organisation: "福建榕信工程咨询有限公司", person: "郑敏" },
          at: openingInput.generatedAt,
        },
      ],
    };
    const text = allText(await layout(openingRecordSpec(input)));
    expect(text).toContain("运维记录显示 10:30 至 10:40 存储节点故障");
    expect(text).toContain(
      "因投标人原因视为撤销其投标文件（《电子招标投标办法》第三十一条；《招标投标法实施条例》第三十五条）；经重新认定为视为撤回",
    );
    expect(text).toContain("福建榕信工程咨询有限公司（郑敏）");
    expect(text).toContain("起（至解密结束未恢复）");
    expect(text).toContain("累计暂停 1 分 30 秒");
  });

  it("the failed-opening record shows objections exactly as the opening record does: organisation and person, answered by whom", async () => {
    const objectionTable = (spec: DocumentSpec) => {
      const found: unknown[] = [];
      const walk = (node: unknown) => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node && typeof node === "object") {
          const table = node as { type?: string; columns?: { header: string }[] };
          if (table.type === "table" && table.columns?.[1]?.header === "异议人及时间") found.push(node);
          else Object.values(node).forEach(walk);
        }
      };
      walk(spec);
      return found;
    };
    const failed = await failedOpeningRecordSpec({
      documentId: "KBJL-TEST",
      project: { code: "P-1", name: "项目" },
      section: { code: "S-1", name: "一标段" },
      procurementType: openingInput.procurementType,
      tendererName: "招标人",
      agencyName: null,
      openingAt: openingInput.generatedAt,
      failedAt: openingInput.generatedAt,
      ground: "依法必须进行招标的项目，开标后认定所有投标均不符合要求",
      source: "招标投标法第四十二条",
      reason: "测试",
      validBidsAtDeadline: 3,
      bidders: null,
      objections: openingInput.objections,
      readingOutRecord: null,
      generatedAt: openingInput.generatedAt,
      platformName: "bidhall",
    });
    const [fromFailed] = objectionTable(failed);
    const [fromOpening] = objectionTable(await openingRecordSpec(openingInput));
    expect(fromFailed).toEqual(fromOpening);
    const raised = openingInput.objections[0]!.raisedBy;
    expect(JSON.stringify(fromFailed)).toContain(`${raised.organisation}（${raised.person}）`);
  });

  it("renders the same bytes from the same input, so the hash taken before signing holds", async () => {
    const spec = await readingOutRecordSpec(demo.readingOut);
    expect(Buffer.from(await renderDocument(spec))).toEqual(Buffer.from(await renderDocument(spec)));
  });

  it("refuses input that would contradict itself", async () => {
    const [first, ...rest] = demo.readingOut.bidders;
    const refuse = (spec: (input: never) => Promise<DocumentSpec>, input: ReadingOutRecordInput) =>
      expect(spec(input as never)).rejects.toThrow(RecordInputError);
    await refuse(readingOutRecordSpec, { ...demo.readingOut, bidders: [{ ...first!, bid: null }, ...rest] });
    await refuse(readingOutRecordSpec, { ...demo.readingOut, bidders: [first!, first!] });
    await refuse(readingOutRecordSpec, { ...demo.readingOut, bidders: [] });
    const revoked = demo.readingOut.bidders.find((b) => b.decryption.result === "deemedRevoked")!;
    const misruled = (decryption: RecordBidder["decryption"]) => ({ ...demo.readingOut, bidders: [{ ...revoked, decryption }] });
    await refuse(readingOutRecordSpec, misruled({ result: "deemedRevoked", rule: "DECRYPTED", at: null }));
    await refuse(readingOutRecordSpec, misruled({ result: "deemedRevoked", rule: "WITHDRAWN_BEFORE_DEADLINE", at: null }));
    await refuse(readingOutRecordSpec, misruled({ result: "withdrawn", rule: "NOT_DECRYPTED_IN_WINDOW", at: null }));
    const stranger = makeUscc("91350100MA0000777");
    await refuse(openingRecordSpec, {
      ...openingInput,
      confirmations: [{ ...openingInput.confirmations[0]!, bidderUscc: stranger }],
    } as OpeningRecordInput);
    await refuse(openingRecordSpec, {
      ...openingInput,
      readingOutRecord: { documentId: "X", sha256: "not-a-digest" },
    } as OpeningRecordInput);
  });
});
