import { createHash, webcrypto } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildCsr, generateEnrolmentKey } from "#app/crypto/pki/enrolment.ts";
import { createClock } from "#app/server/clock.server.ts";
import { buildComplaintDecision } from "#app/server/pdf/render/complaint-decision.server.ts";
import { signPdf } from "#app/server/pdf/sign/sign-pdf.server.ts";
import { makeUscc } from "#app/domain/shared/uscc.ts";
import { renderAwardNotice, type AwardNoticeInput } from "#app/server/pdf/render/award-notice.server.ts";
import { demoOpening, DEMO_BIDDERS } from "#app/server/pdf/render/demo-opening.server.ts";
import { renderDocument } from "#app/server/pdf/render/document.server.ts";
import { guaranteeLetterSpec } from "#app/server/pdf/render/guarantee-letter.server.ts";
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
import { letterFieldName } from "#app/services/guarantee/issue-guarantee.server.ts";
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
 * A person's signer as a `sign` member's browser holds it (ARCHITECTURE.md §3): a key made with
 * WebCrypto, a CSR, a person certificate of the throwaway issuing CA naming the person and the
 * organisation (O and its USCC), never the platform's certificate.
 */
async function personSigner(
  issuing: CertificateWithKey,
  now: Date,
  subject: { personName: string; organizationName: string; uscc: string },
): Promise<Signer> {
  const subtle = webcrypto.subtle as SubtleCrypto;
  const keys = await generateEnrolmentKey(subtle);
  const person = issuePersonCertificate({
    issuing,
    csrPem: await buildCsr(keys, subtle, { commonName: subject.personName }),
    subject,
    now: new Date(now.getTime() - 30 * DAY),
    validityDays: 365,
    crlDistributionUrl: "https://bidhall.example/pki/issuing.crl",
  });
  const pkcs8 = Buffer.from(await subtle.exportKey("pkcs8", keys.privateKey)).toString("base64");
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join("\n")}\n-----END PRIVATE KEY-----\n`;
  return platformSigner(keyPem, [person.certificatePem, issuing.certificatePem]);
}

const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * 投诉处理决定书 (decision 0064), signed as the regulator's `sign` member signs it in the browser:
 * with a person's certificate (here a throwaway key made in memory), never the platform's.
 */
const complaintDecision: Sample = async ({ now, issuing }) => {
  const signer = await personSigner(issuing, now, {
    personName: "林晓",
    organizationName: "福州市住房和城乡建设局（示例）",
    uscc: "11350100003588888F",
  });
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
  return [{ file: "complaint-decision.pdf", bytes: pdf, sha256: sha256Of(pdf) }];
};

const GUARANTOR = { name: "福建海峡融资担保有限公司（示例）", uscc: makeUscc("91350100MA2XGT8B1") };

/**
 * 投标保函 (issue 14, decision 0057): the letter the guarantor's `sign` member signs in the browser
 * when issuing, for the demo opening's first bidder; the signer's certificate names the
 * guarantor (O and its USCC), as the app requires of the letter before it goes on the ledger.
 */
const guaranteeLetter: Sample = async ({ now, issuing }) => {
  const demo = demoOpening(now).readingOut;
  const applicant = DEMO_BIDDERS.rongcheng;
  const issuedAt = new Date(now.getTime() - 10 * DAY);
  const ledgerId = `0x${sha256Of(new TextEncoder().encode(`bidhall-sample-guarantee:${applicant.uscc}`))}`;
  const signer = await personSigner(issuing, now, { personName: "郑丽华", organizationName: GUARANTOR.name, uscc: GUARANTOR.uscc });
  const letter = await renderDocument(
    guaranteeLetterSpec({
      ledgerId,
      guarantorName: GUARANTOR.name,
      guarantorUscc: GUARANTOR.uscc,
      applicantName: applicant.name,
      applicantUscc: applicant.uscc,
      beneficiaryName: demo.tendererName,
      projectName: demo.project.name,
      projectCode: demo.project.code,
      sectionName: demo.section.name,
      sectionCode: demo.section.code,
      amountFen: 20_000_000n,
      validFrom: issuedAt,
      validUntil: new Date(now.getTime() + 80 * DAY),
      claimPeriodDays: 30,
      issuedAt,
    }),
  );
  const pdf = await signPdf(letter, signer, {
    fieldName: letterFieldName(ledgerId),
    reason: "出具投标保函",
    location: "bidhall 公共资源交易平台",
    signerName: "郑丽华",
    signingTime: issuedAt,
  });
  return [{ file: "guarantee.pdf", bytes: pdf, sha256: sha256Of(pdf) }];
};

/**
 * 中标通知书 and 中标结果通知书 (issue 16, decision 67) of a second section of the demo project,
 * each signed as the app signs them: the tenderer's `sign` member first (field "tenderer"), then
 * the agency's (field "agency"), each an incremental update, so the first signature survives
 * and the second covers the whole file.
 */
const awardNotices: Sample = async ({ now, issuing }) => {
  const demo = demoOpening(now).readingOut;
  const tenderer = await personSigner(issuing, now, {
    personName: "陈思远",
    organizationName: demo.tendererName,
    uscc: makeUscc("12350100488099876"),
  });
  const agency = await personSigner(issuing, now, {
    personName: "黄雅琴",
    organizationName: demo.agencyName ?? "福建榕信工程咨询有限公司",
    uscc: makeUscc("91350100MA2YRX0C4"),
  });
  const winner = DEMO_BIDDERS.rongcheng;
  const decidedAt = new Date(now.getTime() - 2 * DAY);
  const section = { code: `${demo.project.code}002`, name: "施工二标段" };
  const notice = async (file: string, input: Pick<AwardNoticeInput, "kind" | "number" | "recipient" | "recipientRank">) => {
    const title = input.kind === "award" ? "中标通知书" : "中标结果通知书";
    const unsigned = await renderAwardNotice({
      ...input,
      project: demo.project,
      section,
      tendererName: demo.tendererName,
      agencyName: demo.agencyName ?? null,
      winner: { ...winner, priceFen: 876_543_210n },
      recipientRejection: null,
      publicity: { from: new Date(now.getTime() - 6 * DAY), endsAt: new Date(now.getTime() - 3 * DAY) },
      decidedAt,
      contractDays: 30,
      platformName: demo.platformName,
    });
    const signedByTenderer = await signPdf(unsigned, tenderer, {
      fieldName: "tenderer",
      reason: `招标人签发${title}`,
      location: "bidhall 公共资源交易平台",
      signerName: "陈思远",
      signingTime: new Date(decidedAt.getTime() + 3_600_000),
    });
    const pdf = await signPdf(signedByTenderer, agency, {
      fieldName: "agency",
      reason: `招标代理机构签发${title}`,
      location: "bidhall 公共资源交易平台",
      signerName: "黄雅琴",
      signingTime: new Date(decidedAt.getTime() + 3 * 3_600_000),
    });
    return { file, bytes: pdf, sha256: sha256Of(pdf) };
  };
  return [
    await notice("award-notice.pdf", { kind: "award", number: `ZBTZ-${section.code}`, recipient: winner, recipientRank: 1 }),
    await notice("result-notice.pdf", {
      kind: "result",
      number: `ZBJG-${section.code}-01`,
      recipient: DEMO_BIDDERS.minjiang,
      recipientRank: 2,
    }),
  ];
};

const SAMPLES: readonly Sample[] = [openingRecords, complaintDecision, guaranteeLetter, awardNotices];

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
