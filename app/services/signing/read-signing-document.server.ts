import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { toBytes } from "#app/server/db.server.ts";
import type { Actor } from "#app/server/session.server.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The exact prepared bytes of a signing request (decision 55): the preview the signer looks at
 * before confirming, whose SHA-256 the page shows. Only to the request's own person; anyone
 * else gets the same "not found" as for a request that does not exist. Not after the request
 * expired uncompleted: nothing can be signed with it any more.
 */
export async function readSigningDocument(
  app: AppContext,
  actor: Actor,
  requestId: string,
): Promise<{ pdf: Buffer; sha256: string; title: string }> {
  const notFound = () => new AppError("NOT_FOUND", { what: "signing request" });
  if (!UUID.test(requestId)) throw notFound();
  const row = await app.db
    .selectFrom("signing_requests")
    .select(["person_id", "prepared_pdf", "prepared_sha256", "title", "expires_at", "completed_at"])
    .where("id", "=", requestId)
    .executeTakeFirst();
  if (!row || row.person_id !== actor.personId) throw notFound();
  // An expired request can no longer be signed, and its prepared bytes are emptied (decision 0078).
  if (!row.completed_at && row.expires_at <= app.clock.now())
    throw new AppError("SIGNING_REQUEST_EXPIRED", { expiresAt: formatShanghai(row.expires_at) });
  return { pdf: toBytes(row.prepared_pdf), sha256: row.prepared_sha256, title: row.title };
}
