import { assertOpeningAction, confirmationEndsAt, windowEndedBy } from "#app/domain/opening/index.ts";
import type { ReadingOutRow } from "#app/domain/opening/index.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import { lockOpening } from "#app/server/repo/openings.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireHost } from "./opening-context.server.ts";
import { produceReadingOutRecord, readingOutOf } from "./opening-records.server.ts";
import { recordWindowEnded } from "./record-timed-facts.server.ts";

export interface PublishReadingOutOptions {
  actor: Actor;
  openingId: string;
  meta: RequestMeta;
}

export interface PublishedReadingOut {
  publishedAt: Date;
  rows: ReadingOutRow[];
  record: { key: string; sha256: string };
  confirmationEndsAt: Date | null;
}

/**
 * 唱标 (办法 Art 30): once decryption is over, each bidder's name, price and the items the tender
 * documents name are published, and the platform signs the reading-out record (PDF) whose SHA-256
 * bidders then confirm. If the scheduler has not yet recorded the window's end, it is recorded
 * here first, so every bid is decided as of that instant.
 */
export async function publishReadingOut(app: AppContext, opts: PublishReadingOutOptions): Promise<PublishedReadingOut> {
  const now = app.clock.now();
  const first = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, first);
  assertOpeningAction(first.facts, "publishReadingOut", now);
  const openingId = first.opening.id;
  await app.db.transaction().execute(async (trx) => {
    await lockOpening(trx, openingId);
    const loaded = await loadOpening(trx, openingId);
    const endedAt = windowEndedBy(loaded.facts, now);
    if (endedAt && !loaded.facts.windowEndedAt) await recordWindowEnded(trx, loaded, endedAt);
  });

  const loaded = await loadOpening(app.db, openingId);
  const stored = await produceReadingOutRecord(app, loaded, now);
  return inOpeningTransaction(app, openingId, "publishReadingOut", now, async (trx, again) => {
    const { rows } = readingOutOf(again, now);
    await trx
      .updateTable("openings")
      .set({ reading_out_published_at: now, reading_out_record_key: stored.key, reading_out_record_sha256: stored.sha256 })
      .where("id", "=", openingId)
      .execute();
    await queueForAnchoring(trx, { sha256: stored.sha256, source: "reading-out-record" }, now);
    const endsAt = confirmationEndsAt({ ...again.facts, readingOutPublishedAt: now }, now);
    await recordOpeningFact(trx, {
      openingId,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.reading_out_published", data: { openingId, sha256: stored.sha256, storageKey: stored.key } },
      // The first event that carries bid content: the reading-out itself, now public.
      live: {
        type: "reading_out.published",
        data: { rows: rowsAsJson(rows), recordSha256: stored.sha256, confirmationEndsAt: endsAt?.toISOString() ?? null },
      },
    });
    return { publishedAt: now, rows, record: { key: stored.key, sha256: stored.sha256 }, confirmationEndsAt: endsAt };
  });
}

/** Rows as JSON: money as fen decimal strings, times as ISO strings. */
export function rowsAsJson(rows: readonly ReadingOutRow[]) {
  return rows.map((r) => ({
    order: r.order,
    bidderName: r.bidderName,
    bidderUscc: r.bidderUscc,
    result: r.result,
    rule: r.rule,
    decidedAt: r.decidedAt.toISOString(),
    price: r.price ? { fen: r.price.fen.toString(), figures: r.price.figures, capitals: r.price.capitals } : null,
    fields: r.fields.map((f) => ({ key: f.key, label: f.label, display: f.display })),
  }));
}
