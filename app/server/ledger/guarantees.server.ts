import { createHash } from "node:crypto";
import type { Transaction } from "kysely";
import { AppError } from "#app/domain/shared/app-error.ts";
import { commitment } from "#app/domain/guarantee/commitments.ts";
import { CHAIN_STATES, type GuaranteeOnChain } from "#app/domain/guarantee/verify-guarantee.ts";
import type { Database } from "#db/schema.ts";
import { appendAudit, SYSTEM_ACTOR } from "../audit.server.ts";
import type { AppContext } from "../context.server.ts";
import { INTERFACES, ROLES, revertData, decodeRevert } from "./contracts.server.ts";
import type { Drift } from "./indexer.server.ts";
import type { Ledger, SendResult } from "./ledger.server.ts";
import { enqueueLedgerWrite } from "./writes.server.ts";

/**
 * GuaranteeLedger through the outbox (issue 14, decisions 0059 and 0060). Services call the
 * `enqueue…` functions inside their transaction; the worker delivers each write, then
 * `afterGuaranteeWrite` records the outcome on the guarantee (issued, bound, released, a claim
 * lodged, paid or declined) and a reverted issue leaves `issue_failed` with the contract's reason,
 * retryable under a new key (nothing half-saved: the row is 'issuing' until the chain answers).
 *
 * The beneficiary on chain is not the tenderer's own account but one the platform keeps for the
 * tenderer per guarantee (`beneficiaryHolder`): the tenderer's account, indexed in every
 * GuaranteeIssued event, would let anyone count the guarantees issued for a tenderer before its
 * deadline (decision 0059). The platform signs the beneficiary's claims with it on the tenderer's
 * instruction.
 */
type Trx = Transaction<Database>;

export const beneficiaryHolder = (guaranteeId: string) => `guarantee-beneficiary:${guaranteeId}`;

/** What the ledger writes need of a guarantee row (db table `guarantees`, migration 0023). */
export interface GuaranteeForLedger {
  id: string;
  kind: "bid" | "performance";
  guarantor_organisation_id: string;
  amount_fen: bigint | string;
  valid_from: Date;
  valid_until: Date;
  claim_period_days: number;
  ledger_id: string;
  applicant_ref: string;
  subject_ref: string;
  beneficiary_ref: string;
  /** The signed letter's SHA-256: a guarantee is issued on chain only once its letter is signed. */
  document_sha256: string | null;
}

const seconds = (d: Date) => String(Math.floor(d.getTime() / 1000));
const hex32 = (h: string) => (h.startsWith("0x") ? h : `0x${h}`).toLowerCase();

/** The reference a bid is bound under: the guarantee's salt keeps the bid's id off the chain (decision 0059). */
export function bindingRef(salt: string, bidVersionId: string): string {
  return commitment(salt, "bidhall.guarantee.bid/1", bidVersionId);
}

/** SHA-256 of a claim's or a decline's statement, the only trace of its words on chain. */
export const statementHash = (text: string) => `0x${createHash("sha256").update(text, "utf8").digest("hex")}`;

/** Key of the `n`th attempt to issue (a retry after a revert takes a new key: the outbox keeps a key's first row). */
export const issueKey = (guaranteeId: string, n: number) => `guarantee:${guaranteeId}:issue:${n}`;

/**
 * GuaranteeLedger.issue by the guarantor organisation's account, with the per-guarantee beneficiary
 * account and the salted commitments. Returns the outbox key used.
 */
export async function enqueueGuaranteeIssue(trx: Trx, guarantee: GuaranteeForLedger, now: Date): Promise<string> {
  const documentHash = guarantee.document_sha256;
  if (!documentHash) throw new AppError("GUARANTEE_UNEXPECTED_STATUS", { current: "letter not signed", expected: "letter signed" });
  const earlier = await trx
    .selectFrom("outbox")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("key", "like", `guarantee:${guarantee.id}:issue:%`)
    .executeTakeFirstOrThrow();
  const key = issueKey(guarantee.id, Number(earlier.n) + 1);
  await enqueueLedgerWrite(
    trx,
    key,
    {
      contract: "GuaranteeLedger",
      method: "issue",
      actor: { organisationId: guarantee.guarantor_organisation_id },
      args: [
        hex32(guarantee.ledger_id),
        {
          kind: guarantee.kind === "bid" ? 0 : 1,
          beneficiaryAccount: { $account: beneficiaryHolder(guarantee.id) },
          amount: String(guarantee.amount_fen),
          validFrom: seconds(guarantee.valid_from),
          validUntil: seconds(guarantee.valid_until),
          claimPeriod: String(guarantee.claim_period_days * 86_400),
          beneficiaryRef: hex32(guarantee.beneficiary_ref),
          applicantRef: hex32(guarantee.applicant_ref),
          subjectRef: hex32(guarantee.subject_ref),
          documentHash: hex32(documentHash),
        },
      ],
    },
    now,
  );
  return key;
}

/** A retry of an issue that reverted: back to 'issuing', queued under the next key. */
export async function retryGuaranteeIssue(trx: Trx, guarantee: GuaranteeForLedger & { status: string }, now: Date): Promise<string> {
  if (guarantee.status !== "issue_failed")
    throw new AppError("GUARANTEE_UNEXPECTED_STATUS", { current: guarantee.status, expected: "issue_failed" });
  await trx.updateTable("guarantees").set({ status: "issuing", issue_error: null }).where("id", "=", guarantee.id).execute();
  return enqueueGuaranteeIssue(trx, guarantee, now);
}

/** GuaranteeLedger.bind by the platform, to the bid version (its salted reference). */
export async function enqueueGuaranteeBind(trx: Trx, g: { id: string; ledger_id: string; salt: string }, bidVersionId: string, now: Date) {
  return enqueueLedgerWrite(
    trx,
    `guarantee:${g.id}:bind:${bidVersionId}`,
    { contract: "GuaranteeLedger", method: "bind", actor: "platform", args: [hex32(g.ledger_id), bindingRef(g.salt, bidVersionId)] },
    now,
  );
}

/** The outbox key of a guarantee's release (one per guarantee). */
export const releaseKey = (guaranteeId: string) => `guarantee:${guaranteeId}:release`;

/** GuaranteeLedger.release by the platform (条例 35, 57; decision 0042's return). */
export async function enqueueGuaranteeRelease(trx: Trx, g: { id: string; ledger_id: string }, now: Date, runAfter?: Date) {
  return enqueueLedgerWrite(
    trx,
    releaseKey(g.id),
    { contract: "GuaranteeLedger", method: "release", actor: "platform", args: [hex32(g.ledger_id)] },
    now,
    runAfter,
  );
}

/** GuaranteeLedger.lodgeClaim by the beneficiary account the platform keeps for the tenderer. */
export async function enqueueClaimLodge(
  trx: Trx,
  g: { id: string; ledger_id: string },
  claim: { id: string; amount_fen: bigint | string; reason_sha256: string },
  now: Date,
) {
  return enqueueLedgerWrite(
    trx,
    `guarantee-claim:${claim.id}:lodge`,
    {
      contract: "GuaranteeLedger",
      method: "lodgeClaim",
      actor: { holder: beneficiaryHolder(g.id) },
      args: [hex32(g.ledger_id), String(claim.amount_fen), hex32(claim.reason_sha256)],
    },
    now,
  );
}

/** GuaranteeLedger.payClaim by the issuing guarantor. */
export async function enqueueClaimPay(
  trx: Trx,
  g: { ledger_id: string; guarantor_organisation_id: string },
  claim: { id: string; claim_index: number },
  now: Date,
) {
  return enqueueLedgerWrite(
    trx,
    `guarantee-claim:${claim.id}:pay`,
    {
      contract: "GuaranteeLedger",
      method: "payClaim",
      actor: { organisationId: g.guarantor_organisation_id },
      args: [hex32(g.ledger_id), String(claim.claim_index)],
    },
    now,
  );
}

/** GuaranteeLedger.declineClaim by the issuing guarantor, with the hash of its reason. */
export async function enqueueClaimDecline(
  trx: Trx,
  g: { ledger_id: string; guarantor_organisation_id: string },
  claim: { id: string; claim_index: number },
  reason: string,
  now: Date,
) {
  return enqueueLedgerWrite(
    trx,
    `guarantee-claim:${claim.id}:decline`,
    {
      contract: "GuaranteeLedger",
      method: "declineClaim",
      actor: { organisationId: g.guarantor_organisation_id },
      args: [hex32(g.ledger_id), String(claim.claim_index), statementHash(reason)],
    },
    now,
  );
}

/** What the ledger holds under `ledgerId`, or null when it never issued one. */
export async function readGuaranteeOnChain(ledger: Ledger, ledgerId: string): Promise<GuaranteeOnChain | null> {
  const contract = ledger.contracts.GuaranteeLedger;
  let g;
  try {
    g = await contract.guarantee(hex32(ledgerId));
  } catch (e) {
    const data = revertData(e);
    if (data && decodeRevert(data)?.name === "GuaranteeLedgerNonexistentGuarantee") return null;
    throw e;
  }
  const [state, guarantorHasRole] = await Promise.all([
    contract.state(hex32(ledgerId)),
    contract.hasRole(ROLES.GUARANTOR_ROLE, g.guarantor),
  ]);
  const zero = `0x${"00".repeat(32)}`;
  return {
    state: CHAIN_STATES[Number(state)]!,
    guarantor: g.guarantor,
    guarantorHasRole,
    beneficiaryAccount: g.terms.beneficiaryAccount,
    amountFen: g.terms.amount,
    validFrom: new Date(Number(g.terms.validFrom) * 1000),
    validUntil: new Date(Number(g.terms.validUntil) * 1000),
    applicantRef: g.terms.applicantRef,
    subjectRef: g.terms.subjectRef,
    beneficiaryRef: g.terms.beneficiaryRef,
    documentHash: g.terms.documentHash,
    boundTo: g.boundTo === zero ? null : g.boundTo,
  };
}

const KEY = /^guarantee(-claim)?:([0-9a-f-]{36}):(issue|bind|release|lodge|pay|decline)(?::|$)/;

/**
 * The delivery hook (app/jobs/ledger.ts): after a guarantee write is confirmed (`result`) or
 * reverted (`error`), records it on the guarantee or the claim. Returns true when the revert was
 * recorded as an outcome (the job is then done, not retried: the contract said no).
 */
export async function afterGuaranteeWrite(
  app: Pick<AppContext, "db" | "clock" | "ledger">,
  key: string,
  outcome: { result: SendResult } | { error: AppError },
): Promise<boolean> {
  const m = KEY.exec(key);
  if (!m) return false;
  const [, claimKey, id, step] = m as unknown as [string, string | undefined, string, string];
  const now = app.clock.now();
  const at = "result" in outcome ? outcome.result.blockTime : now;
  const reason = "error" in outcome ? outcome.error.message.slice(0, 2000) : null;
  if ("error" in outcome && outcome.error.code !== "LEDGER_REVERTED") return false;
  return app.db.transaction().execute(async (trx) => {
    const audit = (type: string, data: Record<string, unknown>) =>
      appendAudit(trx, { event: { type, data } as never, actor: SYSTEM_ACTOR, at: now });
    if (!claimKey) {
      if (step === "issue") {
        const g = await trx.selectFrom("guarantees").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
        if (!g || !["issuing", "issue_failed"].includes(g.status)) return true;
        if (reason === null) {
          await trx.updateTable("guarantees").set({ status: "issued", issued_at: at, issue_error: null }).where("id", "=", id).execute();
          await trx
            .updateTable("guarantee_applications")
            .set({ status: "issued", issued_at: at, issue_error: null, updated_at: now })
            .where("id", "=", g.application_id)
            .execute();
        } else {
          await trx.updateTable("guarantees").set({ status: "issue_failed", issue_error: reason }).where("id", "=", id).execute();
          // The application stays "approved, not yet issued" in substance: issue_failed, retryable, with the reason.
          await trx
            .updateTable("guarantee_applications")
            .set({ status: "issue_failed", issue_error: reason, updated_at: now })
            .where("id", "=", g.application_id)
            .execute();
        }
        await audit(reason === null ? "guarantee.issued" : "guarantee.issue_failed", {
          guaranteeId: id,
          applicationId: g.application_id,
          sectionId: g.section_id,
          ledgerId: g.ledger_id,
          ...(g.document_sha256 ? { documentSha256: g.document_sha256 } : {}),
          ...(reason ? { error: reason } : {}),
        });
        return true;
      }
      if (reason !== null) {
        await audit("guarantee.ledger_refused", { guaranteeId: id, step, reason });
        return true;
      }
      if (step === "bind")
        await trx
          .updateTable("guarantees")
          .set({ status: "bound", bound_at: at })
          .where("id", "=", id)
          .where("status", "=", "issued")
          .execute();
      if (step === "release")
        await trx.updateTable("guarantees").set({ status: "released", released_at: at }).where("id", "=", id).execute();
      return true;
    }
    // Claims.
    const claim = await trx.selectFrom("guarantee_claims").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
    if (!claim) return false;
    if (reason !== null) {
      if (step === "lodge") {
        await trx.updateTable("guarantee_claims").set({ status: "lodge_failed", error: reason }).where("id", "=", id).execute();
        await trx
          .updateTable("guarantees")
          .set({ status: "bound" })
          .where("id", "=", claim.guarantee_id)
          .where("status", "=", "claimed")
          .execute();
      } else await trx.updateTable("guarantee_claims").set({ error: reason }).where("id", "=", id).execute();
      await audit("guarantee.ledger_refused", { guaranteeId: claim.guarantee_id, claimId: id, step, reason });
      return true;
    }
    if (step === "lodge") {
      const index = await claimIndexOf(app, "result" in outcome ? outcome.result.txHash : "");
      await trx.updateTable("guarantee_claims").set({ status: "pending", claim_index: index, error: null }).where("id", "=", id).execute();
    } else if (step === "pay") {
      await trx.updateTable("guarantee_claims").set({ status: "paid" }).where("id", "=", id).execute();
      // Paid in full ends the guarantee (Paid on chain); a part payment leaves it bound (PartlyPaid).
      const g = await trx.selectFrom("guarantees").select(["amount_fen"]).where("id", "=", claim.guarantee_id).executeTakeFirstOrThrow();
      const paid = await trx
        .selectFrom("guarantee_claims")
        .select((eb) => eb.fn.sum<string>("amount_fen").as("sum"))
        .where("guarantee_id", "=", claim.guarantee_id)
        .where("status", "=", "paid")
        .executeTakeFirstOrThrow();
      const full = BigInt(paid.sum ?? 0) >= BigInt(g.amount_fen);
      await trx
        .updateTable("guarantees")
        .set({ status: full ? "paid" : "bound" })
        .where("id", "=", claim.guarantee_id)
        .execute();
    } else if (step === "decline") {
      await trx.updateTable("guarantee_claims").set({ status: "declined" }).where("id", "=", id).execute();
      await trx
        .updateTable("guarantees")
        .set({ status: "bound" })
        .where("id", "=", claim.guarantee_id)
        .where("status", "=", "claimed")
        .execute();
    }
    return true;
  });
}

/** The index ClaimLodged gave the claim, from the transaction's own log. */
async function claimIndexOf(app: Pick<AppContext, "ledger">, txHash: string): Promise<number> {
  const receipt = await app.ledger!.provider.getTransactionReceipt(txHash);
  for (const log of receipt?.logs ?? []) {
    const parsed = INTERFACES.GuaranteeLedger.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed?.name === "ClaimLodged") return Number(parsed.args.index);
  }
  throw new Error(`no ClaimLodged event in ${txHash}`);
}

/** The chain states each database status allows (expiry needs no transaction, so it is always allowed once issued). */
const ALLOWED_STATES: Record<string, readonly string[]> = {
  issued: ["Issued", "Expired"],
  bound: ["Bound", "PartlyPaid", "Expired"],
  claimed: ["Bound", "PartlyPaid", "Expired"],
  released: ["Released"],
  paid: ["Paid"],
  expired: ["Expired"],
};

/**
 * Reconciliation of guarantees (issue 14): each guarantee the database holds as issued or later
 * has the chain state its status allows, and the amount and document hash it was issued with. A
 * write still in the outbox (a release or a bind not delivered yet) is not drift: those
 * guarantees are left for the next run.
 */
export async function guaranteeDrift(app: Pick<AppContext, "db">, ledger: Ledger): Promise<Drift[]> {
  const rows = await app.db
    .selectFrom("guarantees")
    .select(["id", "ledger_id", "status", "amount_fen", "document_sha256"])
    .where("status", "in", Object.keys(ALLOWED_STATES) as never[])
    .orderBy("created_at", "desc")
    .limit(1000)
    .execute();
  const waiting = new Set(
    (
      await app.db
        .selectFrom("outbox")
        .select("key")
        .where("kind", "=", "ledger.send")
        .where("status", "in", ["pending", "running"])
        .where("key", "like", "guarantee%")
        .execute()
    ).map((o) => o.key.split(":")[1]),
  );
  const drift: Drift[] = [];
  for (const row of rows) {
    if (waiting.has(row.id)) continue;
    const onChain = await readGuaranteeOnChain(ledger, row.ledger_id);
    if (!onChain) {
      drift.push({
        kind: "guarantee-state",
        subject: row.ledger_id,
        detail: `guarantee ${row.id} is ${row.status} here, the chain has none`,
      });
      continue;
    }
    const problems: string[] = [];
    if (!ALLOWED_STATES[row.status]!.includes(onChain.state)) problems.push(`${row.status} here, ${onChain.state} on chain`);
    if (onChain.amountFen !== BigInt(row.amount_fen)) problems.push(`amount ${row.amount_fen} here, ${onChain.amountFen} on chain`);
    if (row.document_sha256 && hex32(row.document_sha256) !== onChain.documentHash.toLowerCase()) problems.push("document hash differs");
    if (problems.length)
      drift.push({ kind: "guarantee-state", subject: row.ledger_id, detail: `guarantee ${row.id}: ${problems.join("; ")}` });
  }
  return drift;
}
