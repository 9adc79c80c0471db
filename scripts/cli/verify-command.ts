import { x5cToPem } from "#app/crypto/pki/der.ts";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { parseArgs } from "node:util";
import { verifySignedJson } from "#app/crypto/jws/signed-json.ts";
import { verifyPdf } from "#app/server/pdf/index.server.ts";
import { verifyCertificateChain } from "#app/server/pki/verify.server.ts";
import type { CliCommand } from "./bid-commands.ts";

/**
 * `bidhall verify FILE [--trust ROOT.pem] [--server URL]`: a signed PDF (every signature: signer,
 * time, integrity, whole-document coverage, chain to ROOT) or a signed JSON document (receipt,
 * confirmation: signature and chain); with --server, the document's ledger anchor. Prints a
 * report and exits non-zero when anything does not hold.
 */

async function anchorReport(server: string, sha256: string): Promise<{ line: string; ok: boolean }> {
  const res = await fetch(new URL(`/api/anchors/${sha256}`, server));
  if (res.status === 404) return { line: `anchor: not anchored (yet)`, ok: false };
  if (!res.ok) return { line: `anchor: the server answered ${res.status}`, ok: false };
  const body = (await res.json()) as { root?: string; transactionHash?: string; blockTime?: string };
  return { line: `anchor: root ${body.root} in transaction ${body.transactionHash} at ${body.blockTime}`, ok: true };
}

export const verifyCommand: CliCommand = {
  summary: "check a signed PDF or a receipt/confirmation JWS (FILE [--trust ROOT.pem] [--server URL])",
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: { trust: { type: "string" }, server: { type: "string" } },
      allowPositionals: true,
      strict: true,
    });
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new Error("usage: bidhall verify FILE [--trust ROOT.pem] [--server URL]");
    const bytes = fs.readFileSync(file);
    const rootPem = values.trust ? fs.readFileSync(values.trust, "utf8") : undefined;
    const problems: string[] = [];
    const lines: string[] = [];

    if (bytes.subarray(0, 5).toString("latin1") === "%PDF-") {
      const report = await verifyPdf(new Uint8Array(bytes), rootPem ? { trustedRoots: [rootPem], validationTime: new Date() } : {});
      report.signatures.forEach((s, i) => {
        const newest = i === report.signatures.length - 1;
        lines.push(
          `signature ${i + 1}/${report.signatures.length} "${s.fieldName}": ${s.signerName ?? s.signer?.subject ?? "?"}, ` +
            `claimed ${s.claimedSigningTime?.toISOString() ?? "—"}, integrity ${s.integrity.valid ? "valid" : "INVALID"}, ` +
            `${s.coversWholeDocument ? "covers the whole document" : "covers an earlier revision"}` +
            (rootPem ? `, chain ${s.chain?.trusted ? "trusted" : "NOT trusted"}` : ""),
        );
        if (!s.integrity.valid) problems.push(`signature ${i + 1}: ${s.integrity.problems.join("; ")}`);
        if (newest && !s.coversWholeDocument) problems.push("the newest signature does not cover the whole document");
      });
      if (report.signatures.length === 0) problems.push("the PDF carries no signature");
      problems.push(...report.problems.filter((p) => !problems.includes(p)));
    } else {
      const verified = await verifySignedJson(bytes.toString("utf8"));
      const signedAt = new Date("receivedAt" in verified.payload ? verified.payload.receivedAt : verified.payload.signedAt);
      lines.push(`${verified.typ}: signature valid`, JSON.stringify(verified.payload, null, 2));
      if (rootPem) {
        const [leaf, ...chain] = verified.x5c.map(x5cToPem);
        const result = verifyCertificateChain({ leafPem: leaf!, chainPem: chain, rootPem, at: signedAt });
        if (result.ok) lines.push(`chain: trusted, signed by ${JSON.stringify(result.leaf.subject)} (valid at ${signedAt.toISOString()})`);
        else problems.push(`chain: ${result.reason} — ${result.message}`);
      }
    }

    if (values.server) {
      const anchor = await anchorReport(values.server, createHash("sha256").update(bytes).digest("hex"));
      lines.push(anchor.line);
      if (!anchor.ok) problems.push(anchor.line);
    }
    console.log(lines.join("\n"));
    if (problems.length > 0) throw new Error(problems.join("; "));
  },
};
