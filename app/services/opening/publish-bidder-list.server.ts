import { assertOpeningAction } from "#app/domain/opening/index.ts";
import { assertNoDocumentObjectionStop } from "#app/services/complaints/objection-blocks.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireHost } from "./opening-context.server.ts";

export interface PublishBidderListOptions {
  actor: Actor;
  openingId: string;
  meta: RequestMeta;
}

export interface PublishedBidderList {
  publishedAt: Date;
  bidders: { organisationId: string; name: string; uscc: string }[];
}

/**
 * The host publishes the list of bidders whose bids stood at the deadline (counted by the
 * scheduler): from now on everyone in the hall sees who bid, still nothing of what they bid.
 * Publishing again changes nothing.
 */
export async function publishBidderList(app: AppContext, opts: PublishBidderListOptions): Promise<PublishedBidderList> {
  const now = app.clock.now();
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "publishBidderList", now);
  // 条例 22: an unanswered objection to the documents pauses the tender; the opening waits (decision 74).
  await assertNoDocumentObjectionStop(app.db, loaded.section.id, loaded.project.procurement_type);
  return inOpeningTransaction(app, loaded.opening.id, "publishBidderList", now, async (trx, again) => {
    const bidders = again.bids.map((b) => ({ organisationId: b.organisationId, name: b.organisationName, uscc: b.uscc }));
    if (again.facts.bidderListPublishedAt) return { publishedAt: again.facts.bidderListPublishedAt, bidders };
    await trx.updateTable("openings").set({ bidder_list_published_at: now }).where("id", "=", again.opening.id).execute();
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: {
        type: "opening.bidder_list_published",
        data: { openingId: again.opening.id, organisationIds: bidders.map((b) => b.organisationId) },
      },
      live: { type: "bidders.published", data: { bidders } },
    });
    return { publishedAt: now, bidders };
  });
}
