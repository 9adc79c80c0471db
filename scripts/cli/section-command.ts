import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { CliCommand } from "./command.ts";

/**
 * `bidhall section --server URL --token TOKEN --section ID --out DIR`: downloads what offline
 * sealing needs (ARCHITECTURE.md §7): the opening-form schema, every recipient certificate of
 * the organisation and the issuing CA, plus a bid.json template to fill in.
 */
interface SealingKit {
  section: { id: string; code: string; name: string; deadlineAt: string };
  bidder: { uscc: string; name: string };
  schema: Record<string, unknown>;
  recipients: { serialHex: string; subjectName: string; certificatePem: string; notAfter: string }[];
  issuingCaPem: string;
  /** Optional: older servers do not send it (decision 0072). */
  guarantees?: { ledgerId: string; guarantorName: string; amountFen: string }[];
}

export const sectionCommand: CliCommand = {
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { server: { type: "string" }, token: { type: "string" }, section: { type: "string" }, out: { type: "string" } },
      strict: true,
    });
    const { server, section, out } = values;
    const token = values.token ?? process.env.BIDHALL_TOKEN;
    if (!server || !token || !section || !out)
      throw new Error("usage: bidhall section --server URL --token TOKEN (or BIDHALL_TOKEN) --section ID --out DIR");
    const res = await fetch(new URL(`/api/sections/${encodeURIComponent(section)}/sealing`, server), {
      headers: { authorization: `Bearer ${token}`, accept: "application/json", "accept-language": "zh-CN" },
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      throw new Error(`the server refused (${res.status}): ${body.error?.message ?? res.statusText}`);
    }
    const kit = (await res.json()) as SealingKit;
    fs.mkdirSync(path.join(out, "recipients"), { recursive: true });
    fs.writeFileSync(path.join(out, "schema.json"), JSON.stringify(kit.schema, null, 2));
    fs.writeFileSync(path.join(out, "issuing-ca.pem"), kit.issuingCaPem);
    for (const r of kit.recipients) fs.writeFileSync(path.join(out, "recipients", `${r.serialHex}.pem`), r.certificatePem);
    fs.writeFileSync(path.join(out, "section.json"), JSON.stringify({ section: kit.section, bidder: kit.bidder }, null, 2));
    fs.writeFileSync(
      path.join(out, "bid.template.json"),
      JSON.stringify(
        {
          format: "bidhall.bid/1",
          sectionId: kit.section.id,
          bidder: kit.bidder,
          fields: {},
          // Decision 0072: a platform guarantee is declared by its ledger id (the only one issued, prefilled).
          security: { kind: "guarantee", reference: kit.guarantees?.length === 1 ? kit.guarantees[0]!.ledgerId : "" },
        },
        null,
        2,
      ),
    );
    console.log(
      `section ${kit.section.code} ${kit.section.name}, deadline ${kit.section.deadlineAt}\n` +
        (kit.guarantees?.length
          ? `your electronic guarantees for this section (declare one as security.reference and --security-reference):\n${kit.guarantees.map((g) => `  ${g.ledgerId}  ${g.guarantorName}  ${g.amountFen} fen`).join("\n")}\n`
          : "") +
        `wrote schema.json, bid.template.json, issuing-ca.pem and ${kit.recipients.length} recipient certificate(s) to ${out}\n` +
        `seal with: bidhall seal ${kit.recipients.map((r) => `--recipient ${path.join(out, "recipients", `${r.serialHex}.pem`)}`).join(" ")} --in PACKAGE.zip --out BID.p7m`,
    );
  },
};
