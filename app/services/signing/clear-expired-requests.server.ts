import { sql } from "kysely";
import type { AppContext } from "#app/server/context.server.ts";

/**
 * Prepared PDFs of signing requests that expired without being completed (decision 0078). A
 * request keeps its prepared bytes only while it can still be completed (`expires_at`, decision
 * 55); afterwards they are dead weight in the database (a notice or a letter is tens of KB,
 * prepared again at every opening of the signing page). The bytes are emptied, the row stays: a
 * late completion is still told "expired at …" rather than "not found", and the row still says
 * who opened which document with which certificate. Completed requests are left as they are.
 * Idempotent (an emptied request is never counted again), so any number of schedulers may run it.
 */
export async function clearExpiredSigningRequests(app: AppContext, now: Date): Promise<number> {
  const cleared = await app.db
    .updateTable("signing_requests")
    .set({ prepared_pdf: sql<Buffer>`decode('', 'hex')` })
    .where("completed_at", "is", null)
    .where("expires_at", "<=", now)
    .where(sql<number>`octet_length(prepared_pdf)`, ">", 0)
    .returning("id")
    .execute();
  if (cleared.length > 0) app.log.info("signing: cleared the prepared PDFs of expired requests", { requests: cleared.length });
  return cleared.length;
}
