import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countDarkPixels, decodePng } from "#test/fixtures/pdf/png.ts";
import { nssDatabaseTrusting, pdfsig, tool } from "#test/fixtures/pdf/poppler.ts";
import { alter } from "#test/fixtures/pdf/forgery.ts";
import { verifyPdf } from "#app/server/pdf/index.server.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-samples-"));
const out = path.join(dir, "out");
const dataDir = path.join(dir, "data");
// Neither a database nor a server: an unreachable DATABASE_URL and an empty data directory.
const env = { ...process.env, DATABASE_URL: "postgres://nobody@127.0.0.1:9/none", BIDHALL_DATA_DIR: dataDir };
const bidhall = (args: string[]) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/bidhall.ts", ...args], { cwd: root, env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
const file = (name: string) => path.join(out, name);

describe("bidhall samples --out DIR", () => {
  let result: { code: number; stdout: string; stderr: string };
  let nssDir: string;

  beforeAll(async () => {
    result = await bidhall(["samples", "--out", out]);
    nssDir = await nssDatabaseTrusting(path.join(dir, "nss"), fs.readFileSync(file("root-ca.pem"), "utf8"));
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes the root and the signed records without touching a database", () => {
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(fs.readdirSync(out).sort()).toEqual([
      "award-notice.pdf",
      "complaint-decision.pdf",
      "guarantee.pdf",
      "opening-record.pdf",
      "platform.pem",
      "reading-out-record.pdf",
      "result-notice.pdf",
      "root-ca.pem",
    ]);
    expect(fs.readFileSync(file("root-ca.pem"), "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const sha = createHash("sha256")
      .update(fs.readFileSync(file("opening-record.pdf")))
      .digest("hex");
    expect(result.stdout).toContain(`opening-record.pdf  SHA-256 ${sha}`);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it.each(["opening-record.pdf", "reading-out-record.pdf", "complaint-decision.pdf", "guarantee.pdf"])(
    "%s: pdfsig finds the signature valid, trusted under root-ca.pem and covering the whole document",
    async (name) => {
      const [signature, ...others] = await pdfsig(nssDir, file(name));
      expect(others).toEqual([]);
      expect(signature!.lines).toContain("Signature Validation: Signature is Valid.");
      expect(signature!.lines).toContain("Certificate Validation: Certificate is Trusted.");
      expect(signature!.lines).toContain("Total document signed");
      expect(signature!.lines).toContain("Signature Type: ETSI.CAdES.detached");
    },
  );

  it("the complaint decision is signed by a regulator's member, not the platform, and reads in Chinese", async () => {
    const [signature] = await pdfsig(nssDir, file("complaint-decision.pdf"));
    expect(signature!.lines.join("\n")).toContain("CN=林晓");
    expect(signature!.lines.join("\n")).toContain("O=福州市住房和城乡建设局（示例）");
    const text = (await tool("pdftotext", ["-raw", file("complaint-decision.pdf"), "-"])).replace(/\s+/g, "");
    for (const expected of ["投诉处理决定书", "驳回投诉", "招标投标法实施条例》第六十一条", "行政复议"]) expect(text).toContain(expected);
  });

  it("the guarantee letter is signed by a person of the guarantor (O and USCC in the certificate), in its own field", async () => {
    const [signature] = await pdfsig(nssDir, file("guarantee.pdf"));
    const text = signature!.lines.join("\n");
    expect(text).toContain("CN=郑丽华");
    expect(text).toContain("O=福建海峡融资担保有限公司（示例）");
    expect(text).not.toContain("平台签名");
    expect(signature!.fieldName).toMatch(/^guarantee-[0-9a-f]{16}$/);
    const letter = (await tool("pdftotext", ["-raw", file("guarantee.pdf"), "-"])).replace(/\s+/g, "");
    for (const expected of [
      "投标保函",
      "受益人（招标人）：福州市第一中学",
      "榕城建设集团有限公司",
      "贰拾万元整",
      "福建海峡融资担保有限公司（示例）",
    ])
      expect(letter).toContain(expected);
    const verified = await bidhall(["verify", file("guarantee.pdf"), "--trust", file("root-ca.pem")]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain("person: CN=郑丽华, O=福建海峡融资担保有限公司（示例）");
  });

  it.each([
    ["award-notice.pdf", "中标通知书"],
    ["result-notice.pdf", "中标结果通知书"],
  ])("%s: two valid, trusted signatures, the tenderer's then the agency's, the second covering the whole document", async (name, title) => {
    const signatures = await pdfsig(nssDir, file(name));
    expect(signatures.map((s) => s.fieldName)).toEqual(["tenderer", "agency"]);
    const [tenderer, agency] = signatures;
    for (const s of signatures) {
      expect(s.lines).toContain("Signature Validation: Signature is Valid.");
      expect(s.lines).toContain("Certificate Validation: Certificate is Trusted.");
      expect(s.lines).toContain("Signature Type: ETSI.CAdES.detached");
    }
    expect(tenderer!.text).toContain("O=福州市第一中学");
    expect(tenderer!.lines).toContain("Not total document signed");
    expect(agency!.text).toContain("O=福建榕信工程咨询有限公司");
    expect(agency!.lines).toContain("Total document signed");
    // The agency's ByteRange runs to the end of the file (pdfsig prints offset + length).
    const size = fs.statSync(file(name)).size;
    expect(agency!.text).toMatch(new RegExp(`\\[\\d+ - ${size}\\]\\s*$`, "m"));
    const text = (await tool("pdftotext", ["-raw", file(name), "-"])).replace(/\s+/g, "");
    expect(text).toContain(title);
    expect(text).toContain("中标价：8,765,432.10元");

    const verified = await bidhall(["verify", file(name), "--trust", file("root-ca.pem")]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('signature 1/2 "tenderer": person: CN=陈思远, O=福州市第一中学');
    expect(verified.stdout).toContain('signature 2/2 "agency": person: CN=黄雅琴, O=福建榕信工程咨询有限公司');
    expect(verified.stdout).toMatch(/"agency"[^\n]*\n[^\n]*integrity valid, covers the whole document, chain trusted/);
  });

  describe("an award notice altered after signing", () => {
    const trust = () => ({ trustedRoots: [fs.readFileSync(file("root-ca.pem"), "utf8")], validationTime: new Date() });

    it("with an incremental update appended (a forged price drawn over the page): bidhall verify and verifyPdf report it modified", async () => {
      const altered = await alter(new Uint8Array(fs.readFileSync(file("award-notice.pdf"))), "page-content");
      fs.writeFileSync(path.join(dir, "appended.pdf"), altered);
      const verified = await bidhall(["verify", path.join(dir, "appended.pdf"), "--trust", file("root-ca.pem")]);
      expect(verified.code).toBe(1);
      expect(verified.stdout).toMatch(/"agency"[^\n]*\n[^\n]*integrity valid, covers an earlier revision/);
      expect(verified.stdout).toMatch(/CHANGED AFTER SIGNING: object \d+ \(stream\) changed after signing/);
      expect(verified.stderr.trim().split("\n")).toHaveLength(1);
      expect(verified.stderr).toContain("bidhall: agency: bytes were appended after the newest signature");

      const report = await verifyPdf(altered, trust());
      expect(report.valid).toBe(false);
      expect(report.problems).toContain("agency: bytes were appended after the newest signature");
      expect(report.problems.some((p) => /changed after signing: object \d+ \(stream\)/.test(p))).toBe(true);
      // pdfsig agrees: each signature is still intact over its own range, neither covers the file.
      const signatures = await pdfsig(nssDir, path.join(dir, "appended.pdf"));
      for (const s of signatures) expect(s.lines).toContain("Not total document signed");
    });

    it("with bytes changed inside the signed ranges: every signature fails its integrity check", async () => {
      const bytes = Buffer.from(fs.readFileSync(file("award-notice.pdf")));
      // The producer in the first revision's /Info, "pdf-lib" in UTF-16BE hex, becomes "PDF-LIB":
      // the same length, so every offset and xref entry still holds and only the digests differ.
      const at = bytes.indexOf("007000640066002D006C00690062");
      expect(at).toBeGreaterThan(0);
      bytes.write("005000440046002D004C00490042", at, "latin1");
      fs.writeFileSync(path.join(dir, "changed.pdf"), bytes);
      const verified = await bidhall(["verify", path.join(dir, "changed.pdf"), "--trust", file("root-ca.pem")]);
      expect(verified.code).toBe(1);
      expect(verified.stdout.match(/integrity INVALID/g)).toHaveLength(2);
      expect(verified.stderr.trim().split("\n")).toHaveLength(1);
      expect(verified.stderr).toMatch(/tenderer.*does not match/);

      const report = await verifyPdf(new Uint8Array(bytes), trust());
      expect(report.valid).toBe(false);
      expect(report.signatures.map((s) => s.integrity.valid)).toEqual([false, false]);
      const signatures = await pdfsig(nssDir, path.join(dir, "changed.pdf"));
      for (const s of signatures) expect(s.lines).not.toContain("Signature Validation: Signature is Valid.");
    });
  });

  it("bidhall verify accepts the opening record under root-ca.pem, signed by the pinned platform certificate", async () => {
    const verified = await bidhall([
      "verify",
      file("opening-record.pdf"),
      "--trust",
      file("root-ca.pem"),
      "--platform",
      file("platform.pem"),
    ]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/integrity valid, covers the whole document, chain trusted/);
    expect(verified.stdout).toContain('"platform": platform: CN=bidhall 平台签名（示例）, O=福州市公共资源交易中心（示例）');
    expect(verified.stdout).toContain('platform signature: "platform"');
  });

  it("the opening record shows the demo opening in Chinese and cites the reading-out record's SHA-256", async () => {
    const text = (await tool("pdftotext", ["-raw", file("opening-record.pdf"), "-"])).replace(/\s+/g, "");
    const readingOutSha = createHash("sha256")
      .update(fs.readFileSync(file("reading-out-record.pdf")))
      .digest("hex");
    for (const expected of [
      "开标记录表",
      "福州市第一中学教学楼改扩建工程",
      "榕城建设集团有限公司",
      "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整",
      "视为撤销",
      "请求将我公司投标文件认定为视为撤回",
      "维持视为撤销的认定",
      "未核验",
      readingOutSha,
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("pdftoppm draws the text: the title band has ink, the top margin none", async () => {
    await tool("pdftoppm", ["-png", "-r", "50", "-f", "1", "-l", "1", file("opening-record.pdf"), path.join(dir, "page")]);
    const image = decodePng(fs.readFileSync(path.join(dir, "page-1.png")));
    const px = (pt: number) => Math.round((pt * 50) / 72);
    expect(countDarkPixels(image, { x: px(240), y: px(62), width: px(120), height: px(30) })).toBeGreaterThan(100);
    expect(countDarkPixels(image, { x: px(60), y: px(120), width: px(480), height: px(200) })).toBeGreaterThan(1000);
    expect(countDarkPixels(image, { x: 0, y: 0, width: image.width, height: px(50) })).toBe(0);
  });

  it("without --out, says so in one line", async () => {
    const failed = await bidhall(["samples"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim()).toBe("bidhall: --out DIR is required");
  });
});
