import { mayOfferCreditCommitment } from "#app/domain/credit/credit.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatBytes } from "#app/domain/shared/bytes.ts";
import type { AppContext } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { commitmentRefusal } from "#app/services/credit/credit-standing.server.ts";
import { checkDeclaredGuarantee } from "./declared-guarantee.server.ts";
import { assertMayBid, type BidSecurityDeclaration } from "./submit-bid.server.ts";

/**
 * The most one bid envelope may be (the offline tool streams up to this; a browser seals at most
 * 200 MB). Every section has this limit today; a per-section limit set by the agency would take
 * its place in {@link envelopeLimitOf} (decision 25).
 */
export const MAX_ENVELOPE_BYTES = 20 * 1024 ** 3;

export function envelopeLimitOf(_section: { id: string }): number {
  return MAX_ENVELOPE_BYTES;
}

export interface AuthorizeBidUploadOptions {
  actor: Actor;
  sectionId: string;
  /** The declared Upload-Length in bytes. */
  size: number;
  security?: BidSecurityDeclaration | undefined;
}

/**
 * Limits before work (decision 25): before an upload is created — before a file exists or a byte
 * is stored — the same conditions `submitBid` checks when it completes ({@link assertMayBid}),
 * short of the envelope itself: a member who may submit, a published section still open by the
 * server's clock, an organisation registered for it that is no party of the project (条例 13) and
 * that credit does not bar, a bid security form the section accepts, and a declared size within
 * the section's limit. Reads only; nothing changes.
 */
export async function authorizeBidUpload(app: AppContext, opts: AuthorizeBidUploadOptions): Promise<{ limit: number }> {
  const now = app.clock.now();
  const { section, credit } = await assertMayBid(app, opts.actor, opts.sectionId, now);
  if (opts.security) {
    const form = opts.security.kind === "guarantee" ? "guarantee" : "creditCommitment";
    if (!section.security_forms.includes(form)) throw new AppError("BID_SECURITY_FORM_NOT_ACCEPTED", { kind: opts.security.kind });
    // DOMAIN.md §6: a credit commitment replaces the bid security only for red-rated bidders.
    if (
      opts.security.kind === "credit-commitment" &&
      !mayOfferCreditCommitment({ records: credit.standing.records, sectionAllows: true, now })
    )
      throw commitmentRefusal(credit.grade);
    // Decision 0072: a declared platform guarantee is checked before the first byte, not after the last.
    await checkDeclaredGuarantee(app.db, {
      organisationId: opts.actor.membership.organisationId,
      sectionId: section.id,
      security: opts.security,
    });
  }
  const limit = envelopeLimitOf(section);
  if (!Number.isSafeInteger(opts.size) || opts.size <= 0) throw new AppError("VALIDATION_FAILED", { field: "Upload-Length" });
  if (opts.size > limit) throw new AppError("BID_ENVELOPE_TOO_LARGE", { size: formatBytes(opts.size), limit: formatBytes(limit) });
  return { limit };
}
