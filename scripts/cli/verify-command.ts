import { createHash } from "node:crypto";
import fs from "node:fs";
import { parseArgs } from "node:util";
import { pemBlocks, derToPem } from "#app/crypto/pki/der.ts";
import { createClock } from "#app/server/clock.server.ts";
import { verifyPdf } from "#app/server/pdf/index.server.ts";
import type { PdfSignatureReport } from "#app/server/pdf/index.server.ts";
import { verifySignedJsonDocument } from "#app/server/pki/verify-signed-json.server.ts";
import type { AnchorLookup } from "#app/server/ledger/anchors.server.ts";
import type { CliCommand } from "./command.ts";

/**
 * `bidhall verify FILE [--trust ROOT.pem] [--platform CERTS.pem] [--server URL]`: a signed PDF
 * (every signature: the signer by certificate and role, integrity, what changed after it, whole-
 * document coverage, the chain at the time that counts) or a receipt/confirmation JWS (signature,
 * signer and role, chain). A receipt must be the platform's. --platform pins the platform's
 * signing certificates (what /pki/platform.pem publishes; decision 27); --server fetches them from
 * the platform and checks the document's ledger anchor, whose block time then proves when the
 * document existed (decision 28). Prints a report; exits non-zero when anything does not hold.
 */

const USAGE = "usage: bidhall verify FILE [--trust ROOT.pem] [--platform CERTS.pem] [--server URL]";

export interface Anchor {
  line: string;
  ok: boolean;
  blockTime?: Date;
}

async function anchorOf(server: string, sha256: string): Promise<Anchor> {
  const res = await fetch(new URL(`/api/anchors/${sha256}`, server));
  if (res.status === 404) return { line: `anchor: not anchored (yet)`, ok: false };
  if (!res.ok) return { line: `anchor: the server answered ${res.status}`, ok: false };
  return anchorFromLookup((await res.json()) as AnchorLookup);
}

/**
 * The anchor line from GET /api/anchors/:sha256's body. Typed by the route's own result, so a
 * renamed field is a compile error here (it printed "in transaction undefined" when the CLI read
 * `transactionHash` and the route said `txHash`).
 */
export function anchorFromLookup(body: AnchorLookup): Anchor {
  if (body.status !== "anchored") return { line: `anchor: not anchored (yet)`, ok: false };
  const blockTime = new Date(body.blockTime);
  const where = body.contract ? ` by contract ${body.contract}${body.chainId ? ` on chain ${body.chainId}` : ""}` : "";
  return {
    line: `anchor: root ${body.root} in transaction ${body.txHash} (block ${body.blockNumber}) at ${body.blockTime}${where}`,
    ok: true,
    ...(Number.isNaN(blockTime.getTime()) ? {} : { blockTime }),
  };
}

/** The platform's signing certificates as the server publishes them (PEM). */
async function platformCertificatesOf(server: string): Promise<string[]> {
  const res = await fetch(new URL("/pki/platform.pem", server));
  if (!res.ok) throw new Error(`the server did not give its platform certificates (${res.status} for /pki/platform.pem)`);
  return certificatesIn(await res.text(), "/pki/platform.pem");
}

function certificatesIn(text: string, what: string): string[] {
  const pems = pemBlocks(text)
    .filter((b) => b.label === "CERTIFICATE")
    .map((b) => derToPem("CERTIFICATE", b.der));
  if (pems.length === 0) throw new Error(`${what} holds no certificate`);
  return pems;
}

function signatureLines(s: PdfSignatureReport, i: number, count: number, judged: boolean): string[] {
  const coverage = s.coversWholeDocument ? "covers the whole document" : "covers an earlier revision";
  const chain = !judged
    ? "chain not checked (no --trust)"
    : `chain ${s.chain?.trusted ? "trusted" : "NOT trusted"} at ${s.checkedAt?.toISOString() ?? "—"} (${s.checkedAtSource})`;
  const lines = [
    `signature ${i + 1}/${count} "${s.fieldName}": ${s.signer?.description ?? "signer unknown"}`,
    `  claimed ${s.claimedSigningTime?.toISOString() ?? "—"}, integrity ${s.integrity.valid ? "valid" : "INVALID"}, ${coverage}, ${chain}`,
  ];
  if (s.changesAfter.allowed.length > 0) lines.push(`  after it: ${s.changesAfter.allowed.join("; ")}`);
  if (s.changesAfter.disallowed.length > 0) lines.push(`  CHANGED AFTER SIGNING: ${s.changesAfter.disallowed.join("; ")}`);
  return lines;
}

export const verifyCommand: CliCommand = {
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: { trust: { type: "string" }, platform: { type: "string" }, server: { type: "string" } },
      allowPositionals: true,
      strict: true,
    });
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new Error(USAGE);
    const bytes = fs.readFileSync(file);
    const roots = values.trust ? certificatesIn(fs.readFileSync(values.trust, "utf8"), values.trust) : [];
    const pins = values.platform ? certificatesIn(fs.readFileSync(values.platform, "utf8"), values.platform) : [];
    // The platform clock (BIDHALL_CLOCK), read once here at the edge.
    const now = createClock(process.env.BIDHALL_CLOCK).now();
    const problems: string[] = [];
    const lines: string[] = [];

    let anchor: Anchor | undefined;
    if (values.server) {
      pins.push(...(await platformCertificatesOf(values.server)));
      anchor = await anchorOf(values.server, createHash("sha256").update(bytes).digest("hex"));
    }
    const existedAt = anchor?.blockTime ? { at: anchor.blockTime, source: "the ledger anchor's block time" } : undefined;

    if (bytes.subarray(0, 5).toString("latin1") === "%PDF-") {
      const report = await verifyPdf(new Uint8Array(bytes), {
        ...(roots.length > 0 ? { trustedRoots: roots } : {}),
        validationTime: now,
        ...(pins.length > 0 ? { platformCertificates: pins } : {}),
        ...(existedAt ? { existedAt } : {}),
      });
      report.signatures.forEach((s, i) => lines.push(...signatureLines(s, i, report.signatures.length, roots.length > 0)));
      const platform = report.signatures.filter((s) => s.signer?.roleEstablished && s.signer.role !== "person" && !s.signer.problem);
      lines.push(`platform signature: ${platform.length > 0 ? platform.map((s) => `"${s.fieldName}"`).join(", ") : "none"}`);
      problems.push(...report.problems);
    } else {
      const verified = await verifySignedJsonDocument(bytes.toString("utf8"), {
        rootPem: roots[0],
        platformCertificates: pins,
        now,
        existedAt,
      });
      lines.push(`${verified.typ}: signature valid`, JSON.stringify(verified.payload, null, 2), `signer: ${verified.signer.description}`);
      if (verified.chain?.ok) lines.push(`chain: trusted at ${verified.checkedAt.toISOString()} (${verified.checkedAtSource})`);
      else if (!verified.chain) lines.push("chain: not checked (no --trust)");
      problems.push(...verified.problems);
    }

    if (anchor) {
      lines.push(anchor.line);
      if (!anchor.ok) problems.push(anchor.line);
    }
    console.log(lines.join("\n"));
    if (problems.length > 0) throw new Error(problems.join("; "));
  },
};
