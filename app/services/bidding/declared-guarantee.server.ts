import type { Kysely, Transaction } from "kysely";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit, type AuditActor } from "#app/server/audit.server.ts";
import { releaseKey } from "#app/server/ledger/guarantees.server.ts";
import type { Database } from "#db/schema.ts";

/**
 * The electronic guarantee a bid declares beside its envelope (decisions 16 and 0072). A reference
 * shaped like a platform guarantee — its ledger id (`0x` + 64 hex, what the sealing page writes
 * into bid.json) or its id (a UUID) — must name a guarantee issued on the platform for this
 * organisation and this section and still free: anything else is refused at once
 * (GUARANTEE_DECLARATION_INVALID), before the envelope is stored, and again under the guarantee's
 * lock when the version is recorded. Its id is written beside the envelope
 * (`bid_versions.security_guarantee_id`) so the opening can compare it with bid.json. Any other
 * reference (a guarantee number of a system outside the platform) is kept as typed and checked
 * only at the opening, as before.
 */

type Executor = Kysely<Database> | Transaction<Database>;

const LEDGER_ID = /^0x[0-9a-f]{64}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Which column a reference names a platform guarantee by, or null when it does not look like one. */
export function platformGuaranteeReference(reference: string): { column: "ledger_id" | "id"; value: string } | null {
  const r = reference.trim().toLowerCase();
  if (LEDGER_ID.test(r)) return { column: "ledger_id", value: r };
  if (UUID.test(r)) return { column: "id", value: r };
  return null;
}

const REASONS = {
  notOwn: {
    zh: "平台上没有本单位的这份保函",
    en: "your organisation has no such guarantee on the platform",
  },
  otherSection: { zh: "该保函是为其他标段开立的", en: "it was issued for another section" },
  notIssued: { zh: "该保函尚未在账本上开立成功", en: "it is not issued on the ledger yet" },
  bound: { zh: "该保函已绑定至其他投标", en: "it is already bound to another bid" },
  notLive: { zh: "该保函已退还或失效", en: "it has been released or has expired" },
} as const;

/**
 * The declared guarantee, checked (see above); null when the declaration names no platform
 * guarantee. `forUpdate` locks its row (inside the version's transaction).
 */
export async function checkDeclaredGuarantee(
  db: Executor,
  input: {
    organisationId: string;
    sectionId: string;
    security: { kind: "guarantee" | "credit-commitment"; reference: string } | undefined;
    forUpdate?: boolean;
  },
): Promise<{ id: string; ledger_id: string } | null> {
  if (input.security?.kind !== "guarantee") return null;
  const named = platformGuaranteeReference(input.security.reference);
  if (!named) return null;
  let q = db
    .selectFrom("guarantees")
    .select(["id", "ledger_id", "applicant_organisation_id", "section_id", "kind", "status"])
    .where(named.column, "=", named.value);
  if (input.forUpdate) q = q.forUpdate();
  const g = await q.executeTakeFirst();
  const reason: keyof typeof REASONS | null =
    // Another organisation's guarantee does not exist for this one (it must not learn who applied where).
    !g || g.applicant_organisation_id !== input.organisationId || g.kind !== "bid"
      ? "notOwn"
      : g.section_id !== input.sectionId
        ? "otherSection"
        : g.status === "issuing" || g.status === "issue_failed"
          ? "notIssued"
          : g.status === "bound" || g.status === "claimed" || g.status === "paid"
            ? "bound"
            : g.status === "released" || g.status === "expired"
              ? "notLive"
              : null;
  if (reason)
    throw new AppError("GUARANTEE_DECLARATION_INVALID", {
      reference: input.security.reference.trim(),
      reasonZh: REASONS[reason].zh,
      reasonEn: REASONS[reason].en,
    });
  return { id: g!.id, ledger_id: g!.ledger_id };
}

/**
 * A withdrawn bid's release waits in the outbox for the deadline (条例 35, decision 42). When the
 * organisation bids again before it, declaring the same guarantee, the queued release is taken
 * back in the version's transaction, so the guarantee stays live for the new version.
 */
export async function takeBackQueuedRelease(
  trx: Transaction<Database>,
  input: { guaranteeId: string; sectionId: string; actor: AuditActor; now: Date },
): Promise<boolean> {
  const queued = await trx
    .selectFrom("outbox")
    .select("id")
    .where("key", "=", releaseKey(input.guaranteeId))
    .where("status", "=", "pending")
    .forUpdate()
    .executeTakeFirst();
  if (!queued) return false;
  await trx.deleteFrom("outbox_attempts").where("outbox_id", "=", queued.id).execute();
  await trx.deleteFrom("outbox").where("id", "=", queued.id).execute();
  await appendAudit(trx, {
    event: { type: "guarantee.release_cancelled", data: { guaranteeId: input.guaranteeId, sectionId: input.sectionId } },
    actor: input.actor,
    at: input.now,
  });
  return true;
}
