import { releaseSectionGuarantees } from "#app/services/guarantee/release-guarantees.server.ts";
import { assertFailureGround, assertOpeningAction, requireReason } from "#app/domain/opening/index.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, outcomeOf, recordOpeningFact, requireHost } from "./opening-context.server.ts";
import type { LoadedOpening } from "#app/server/repo/openings.server.ts";
import { recordFailedOpeningRecord } from "./record-timed-facts.server.ts";

export interface DeclareOpeningFailedOptions {
  actor: Actor;
  openingId: string;
  /** One of the legal grounds for the section's procurement type (app/domain/opening/failure-grounds.ts). */
  ground: string;
  reason: string;
  meta: RequestMeta;
}

/** Bids decrypted once every bid is decided; null while any is undecided. */
function decryptedBids(loaded: LoadedOpening, now: Date): number | null {
  const outcomes = loaded.bids.map((b) => outcomeOf(loaded, b, now));
  if (outcomes.some((o) => !o.decided)) return null;
  return outcomes.filter((o) => o.decided && o.result === "decrypted").length;
}

/**
 * The host declares the section failed (流标 / 废标) on a legal ground chosen from the list for its
 * procurement type, with its own words (decision 39); before the reading-out only on a ground that
 * allows no reading-out. The section fails with it, its failed reason naming the ground's source.
 */
export async function declareOpeningFailed(app: AppContext, opts: DeclareOpeningFailedOptions): Promise<{ failedAt: Date }> {
  const now = app.clock.now();
  const reason = requireReason("declareFailed", opts.reason);
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "declareFailed", now);
  const check = (l: LoadedOpening) =>
    assertFailureGround({
      ground: opts.ground,
      type: l.project.procurement_type,
      readingOutPublished: !!l.facts.readingOutPublishedAt && l.facts.readingOutPublishedAt <= now,
      decryptedBids: decryptedBids(l, now),
      minimumBids: l.section.minimum_bids,
    });
  check(loaded);
  const result = await inOpeningTransaction(app, loaded.opening.id, "declareFailed", now, async (trx, again) => {
    const ground = check(again);
    await trx
      .updateTable("openings")
      .set({ failed_at: now, fail_reason: JSON.stringify({ kind: "declared", reason, ground: ground.id }) })
      .where("id", "=", again.opening.id)
      .execute();
    await trx
      .updateTable("sections")
      .set({ failed_at: now, failed_reason: `${ground.zh}（${ground.source.zh}）：${reason}` })
      .where("id", "=", again.section.id)
      .execute();
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: {
        type: "opening.failed",
        data: { openingId: again.opening.id, kind: "declared", reason, at: now.toISOString(), ground: ground.id, source: ground.source.zh },
      },
      live: { type: "opening.failed", data: { kind: "declared", reason, ground: ground.id, at: now.toISOString() } },
    });
    // Decision 0060: a section that ends without award releases its bid guarantees.
    await releaseSectionGuarantees(trx, { sectionId: again.section.id, event: "failure", now, actor: auditActorOf(opts.actor, opts.meta) });
    return { failedAt: now };
  });
  // 办法 32: the failed opening's record, signed and stored at once (the scheduler retries if this fails).
  await recordFailedOpeningRecord(app, loaded.opening.id, now).catch((e: unknown) =>
    app.log.warn("opening: the failed opening's record could not be generated; the scheduler retries", {
      openingId: loaded.opening.id,
      error: String(e),
    }),
  );
  return result;
}
