import { createHash, randomBytes } from "node:crypto";
import type { AppContext } from "#app/server/context.server.ts";
import { accountOf, enqueueLedgerWrite } from "#app/server/ledger/writes.server.ts";
import type { Member } from "../bidding/helpers/bids.ts";

const hex32 = () => `0x${randomBytes(32).toString("hex")}`;
let counter = 0;

/**
 * A complaint as filing leaves it (w-c-file's fileComplaint, decision 0062), written straight in:
 * the row, its routing (the first regulator leads: it is the one filed to on ComplaintLedger) and
 * the platform's ledger `file` in the outbox.
 */
export async function filedComplaint(
  app: AppContext,
  input: { sectionId: string; complainant: Member; regulators: readonly string[]; subject?: "documents" | "opening" | "result" | "other" },
): Promise<{ id: string; ledgerId: string; receiptNo: string }> {
  const now = app.clock.now();
  const ledgerId = hex32();
  const receiptNo = `TS-${Date.now().toString(36)}-${++counter}`;
  const content = `complaint ${receiptNo}`;
  return app.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("complaints")
      .values({
        section_id: input.sectionId,
        subject: input.subject ?? "documents",
        complainant_kind: "organisation",
        complainant_organisation_id: input.complainant.organisationId,
        complainant_person_id: input.complainant.personId,
        facts: "招标文件设置的资格条件排斥潜在投标人。",
        request: "请求责令修改招标文件。",
        legal_basis: "招标投标法实施条例第三十二条",
        window_ends_at: new Date(now.getTime() + 10 * 86_400_000),
        content_sha256: createHash("sha256").update(content).digest("hex"),
        ledger_id: ledgerId,
        complainant_salt: randomBytes(16).toString("hex"),
        complainant_ref: hex32(),
        receipt_no: receiptNo,
        receipt_key: `complaints/${receiptNo}/receipt.pdf`,
        receipt_sha256: "0".repeat(64),
        filed_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("complaint_regulators")
      .values(input.regulators.map((r) => ({ complaint_id: row.id, regulator_organisation_id: r, routed_at: now })))
      .execute();
    await enqueueLedgerWrite(
      trx,
      `complaint.file:${row.id}`,
      {
        contract: "ComplaintLedger",
        method: "file",
        args: [
          ledgerId,
          hex32(),
          `0x${createHash("sha256").update(content).digest("hex")}`,
          hex32(),
          accountOf({ organisationId: input.regulators[0]! }),
        ],
        actor: "platform",
      },
      now,
    );
    return { id: row.id, ledgerId, receiptNo };
  });
}
