import { mayOfferCreditCommitment, participationRefusal } from "#app/domain/credit/credit.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatBytes } from "#app/domain/shared/bytes.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { creditStanding, factsOf, findProject, findSection } from "#app/server/repo/tendering.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";
import { refusalError } from "#app/services/tendering/register-for-section.server.ts";
import { guardPhase } from "#app/services/tendering/tendering-rules.server.ts";
import type { BidSecurityDeclaration } from "./submit-bid.server.ts";

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Limits before work (decision 25): before an upload is created — before a file exists or a byte
 * is stored — the same conditions `submitBid` checks when it completes, short of the envelope
 * itself: a member who may submit, a published section still open by the server's clock, an
 * organisation registered for it that credit does not bar, a bid security form the section
 * accepts, and a declared size within the section's limit. Reads only; nothing changes.
 */
export async function authorizeBidUpload(app: AppContext, opts: AuthorizeBidUploadOptions): Promise<{ limit: number }> {
  const { actor } = opts;
  requirePermission(actor, "submit:bid:own");
  const now = app.clock.now();
  const section = UUID.test(opts.sectionId) ? await findSection(app.db, opts.sectionId) : undefined;
  if (!section) throw new AppError("NOT_FOUND", { what: "section" });
  // NOTE 办法 27: from the deadline no upload is accepted.
  if (now >= section.deadline_at) throw new AppError("BID_AFTER_DEADLINE", { deadline: formatShanghai(section.deadline_at) });
  guardPhase(factsOf(section), ["published"], now);
  const registered = await app.db
    .selectFrom("registrations")
    .select("id")
    .where("section_id", "=", section.id)
    .where("organisation_id", "=", actor.membership.organisationId)
    .executeTakeFirst();
  if (!registered) throw new AppError("BID_NOT_REGISTERED", { section: section.code });
  const project = (await findProject(app.db, section.project_id))!;
  const standing = await creditStanding(app.db, actor.membership.organisationUscc);
  const refusal = participationRefusal({ ...standing, type: project.procurement_type, now });
  if (refusal) throw refusalError(refusal, actor.membership.organisationName, standing.bans);
  if (opts.security) {
    const form = opts.security.kind === "guarantee" ? "guarantee" : "creditCommitment";
    if (!section.security_forms.includes(form)) throw new AppError("BID_SECURITY_FORM_NOT_ACCEPTED", { kind: opts.security.kind });
    if (opts.security.kind === "credit-commitment" && !mayOfferCreditCommitment({ records: standing.records, sectionAllows: true, now }))
      throw new AppError("BID_CREDIT_COMMITMENT_NOT_ALLOWED");
  }
  const limit = envelopeLimitOf(section);
  if (!Number.isSafeInteger(opts.size) || opts.size <= 0) throw new AppError("VALIDATION_FAILED", { field: "Upload-Length" });
  if (opts.size > limit) throw new AppError("BID_ENVELOPE_TOO_LARGE", { size: formatBytes(opts.size), limit: formatBytes(limit) });
  return { limit };
}
