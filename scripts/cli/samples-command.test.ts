import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countDarkPixels, decodePng } from "#test/fixtures/pdf/png.ts";
import { nssDatabaseTrusting, pdfsig, tool } from "#test/fixtures/pdf/poppler.ts";

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
      "complaint-decision.pdf",
      "opening-record.pdf",
      "platform.pem",
      "reading-out-record.pdf",
      "root-ca.pem",
    ]);
    expect(fs.readFileSync(file("root-ca.pem"), "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const sha = createHash("sha256")
      .update(fs.readFileSync(file("opening-record.pdf")))
      .digest("hex");
    expect(result.stdout).toContain(`opening-record.pdf  SHA-256 ${sha}`);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it.each(["opening-record.pdf", "reading-out-record.pdf", "complaint-decision.pdf"])(
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
