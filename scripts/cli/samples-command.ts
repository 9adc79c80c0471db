import { createHash, webcrypto } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildCsr, generateEnrolmentKey } from "#app/crypto/pki/enrolment.ts";
import { createClock } from "#app/server/clock.server.ts";
import { buildComplaintDecision } from "#app/server/pdf/render/complaint-decision.server.ts";
import { signPdf } from "#app/server/pdf/sign/sign-pdf.server.ts";
import { demoOpening } from "#app/server/pdf/render/demo-opening.server.ts";
import { signOpeningRecord } from "#app/server/pdf/render/opening-record.server.ts";
import { signReadingOutRecord } from "#app/server/pdf/render/reading-out-record.server.ts";
import { platformSigner, type Signer } from "#app/server/pdf/sign/signer.server.ts";
import {
  createIssuingCa,
  createRootCa,
  issuePersonCertificate,
  issuePlatformSigningCertificate,
  type CertificateWithKey,
} from "#app/server/pki/ca.server.ts";
import type { CliCommand } from "./command.ts";

/**
 * `bidhall samples --out DIR` (ARCHITECTURE.md §7): sample signed documents, the root they
 * chain to and the platform certificate that signed them, made with a throwaway PKI, so anyone can try `pdfsig` or `bidhall verify` without a
 * platform. Needs no database and no server. Later issues add their documents to SAMPLES.
 */

const DAY = 86_400_000;

interface SampleContext {
  signer: Signer;
  now: Date;
  issuing: CertificateWithKey;
}

interface SampleFile {
  file: string;
  bytes: Uint8Array;
  sha256?: string;
}

type Sample = (context: SampleContext) => Promise<SampleFile[]>;

/** The reading-out record and the opening record that cites its SHA-256. */
const openingRecords: Sample = async ({ signer, now }) => {
  const demo = demoOpening(now);
  const readingOut = await signReadingOutRecord(demo.readingOut, signer, { signingTime: demo.readingOut.readingOutPublishedAt });
  const input = demo.opening(readingOut.sha256);
  const opening = await signOpeningRecord(input, signer, { signingTime: input.generatedAt });
  return [
    { file: "reading-out-record.pdf", bytes: readingOut.pdf, sha256: readingOut.sha256 },
    { file: "opening-record.pdf", bytes: opening.pdf, sha256: opening.sha256 },
  ];
};

/**
 * 投诉处理决定书 (decision 0064), signed as the regulator's `sign` member signs it in the browser:
 * with a person's certificate (here a throwaway key made in memory), never the platform's.
 */
const complaintDecision: Sample = async ({ now, issuing }) => {
  const subtle = webcrypto.subtle as SubtleCrypto;
  const keys = await generateEnrolmentKey(subtle);
  const person = issuePersonCertificate({
    issuing,
    csrPem: await buildCsr(keys, subtle, { commonName: "林晓" }),
    subject: { personName: "林晓", organizationName: "福州市住房和城乡建设局（示例）", uscc: "11350100003588888F" },
    now: new Date(now.getTime() - 30 * DAY),
    validityDays: 365,
    crlDistributionUrl: "https://bidhall.example/pki/issuing.crl",
  });
  const pkcs8 = Buffer.from(await subtle.exportKey("pkcs8", keys.privateKey)).toString("base64");
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join("\n")}\n-----END PRIVATE KEY-----\n`;
  const signer = platformSigner(keyPem, [person.certificatePem, issuing.certificatePem]);
  const draftedAt = new Date(now.getTime() - 2 * DAY);
  const doc = await buildComplaintDecision({
    documentId: "TS-SAMPLE-0001-JD",
    regulatorName: "福州市住房和城乡建设局（示例）",
    procurementTypeZh: "工程建设项目",
    projectCode: "E3501000000202600001",
    projectName: "福州市第一中学教学楼改扩建工程",
    sectionCode: "E3501000000202600001001",
    sectionName: "施工",
    complainant: "闽江建设工程有限公司",
    respondents: ["福州市第一中学", "福建榕信招标代理有限公司"],
    receiptNo: "TS-SAMPLE-0001",
    filedAt: new Date(now.getTime() - 20 * DAY),
    acceptedAt: new Date(now.getTime() - 18 * DAY),
    facts: "投诉人称，开标时招标代理机构未按招标文件规定的时间开启解密，致使其投标文件未能解密。",
    request: "请求认定其投标文件视为撤回的处理违法，并责令重新组织开标。",
    outcomeZh: "驳回投诉",
    text: "经查，平台日志及区块链存证显示解密时间窗口按招标文件规定开启，投诉人未在窗口内解密，投诉缺乏事实依据。",
    decisionSource: "《招标投标法实施条例》第六十一条",
    suspensionEnds: true,
    ledgerId: `0x${"ab".repeat(32)}`,
    draftedAt,
  });
  const pdf = await signPdf(doc, signer, {
    fieldName: "regulator",
    reason: "投诉处理决定",
    location: "福州市住房和城乡建设局（示例）",
    signerName: "林晓",
    signingTime: draftedAt,
  });
  return [{ file: "complaint-decision.pdf", bytes: pdf, sha256: createHash("sha256").update(pdf).digest("hex") }];
};

const SAMPLES: readonly Sample[] = [openingRecords, complaintDecision];

/**
 * Root → issuing CA → platform signing certificate, issued a month back so that the demo's
 * signing times (days before `now`) fall inside every validity period. The keys live only in
 * memory: nothing signed with them can be mistaken for a platform document.
 */
async function throwawayPki(now: Date) {
  const issuedAt = new Date(now.getTime() - 30 * DAY);
  const organization = "bidhall 示例（一次性 PKI，仅供演示）";
  const root = await createRootCa({ commonName: "bidhall 示例根 CA Sample Root", organization, now: issuedAt, years: 2 });
  const issuing = await createIssuingCa(root, { commonName: "bidhall 示例签发 CA Sample Issuing", organization, now: issuedAt, years: 2 });
  const platform = await issuePlatformSigningCertificate(issuing, {
    commonName: "bidhall 平台签名（示例）",
    organization: "福州市公共资源交易中心（示例）",
    now: issuedAt,
    validityDays: 365,
  });
  return { root, issuing, platform };
}

export const samplesCommand: CliCommand = {
  async run(args) {
    const { values } = parseArgs({ args, options: { out: { type: "string" } }, strict: true });
    const out = values.out;
    if (!out) throw new Error("--out DIR is required");
    // The platform clock (BIDHALL_CLOCK), read once here at the edge.
    const now = createClock(process.env.BIDHALL_CLOCK).now();
    const pki = await throwawayPki(now);
    const signer = platformSigner(pki.platform.privateKeyPem, [pki.platform.certificatePem, pki.issuing.certificatePem]);

    const files: SampleFile[] = [
      { file: "root-ca.pem", bytes: new TextEncoder().encode(pki.root.certificatePem) },
      // What a platform publishes at /pki/platform.pem: its signing certificate(s), to pin (decision 27).
      { file: "platform.pem", bytes: new TextEncoder().encode(pki.platform.certificatePem) },
    ];
    for (const sample of SAMPLES) files.push(...(await sample({ signer, now, issuing: pki.issuing })));

    fs.mkdirSync(out, { recursive: true });
    for (const { file, bytes, sha256 } of files) {
      const target = path.join(out, file);
      fs.writeFileSync(target, bytes);
      console.log(`wrote ${target}${sha256 ? `  SHA-256 ${sha256}` : ""}`);
    }
    console.log(
      `check with: bidhall verify ${path.join(out, "opening-record.pdf")} --trust ${path.join(out, "root-ca.pem")} --platform ${path.join(out, "platform.pem")}`,
    );
  },
};
