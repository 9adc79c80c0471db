import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { createClock } from "#app/server/clock.server.ts";
import { demoOpening } from "#app/server/pdf/render/demo-opening.server.ts";
import { signOpeningRecord } from "#app/server/pdf/render/opening-record.server.ts";
import { signReadingOutRecord } from "#app/server/pdf/render/reading-out-record.server.ts";
import { platformSigner, type Signer } from "#app/server/pdf/sign/signer.server.ts";
import { createIssuingCa, createRootCa, issuePlatformSigningCertificate } from "#app/server/pki/ca.server.ts";
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

const SAMPLES: readonly Sample[] = [openingRecords];

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
    for (const sample of SAMPLES) files.push(...(await sample({ signer, now })));

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
