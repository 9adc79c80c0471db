import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { destroySession, getActor } from "#app/server/session.server.ts";

/** Ends the session in the database (not only the cookie) and audits it. */
export async function logOut(app: AppContext, request: Request, meta: RequestMeta): Promise<string> {
  const actor = await getActor(app, request);
  if (actor) {
    await app.db.transaction().execute((trx) =>
      appendAudit(trx, {
        event: { type: "person.logged_out", data: { personId: actor.personId } },
        actor: { personId: actor.personId, organisationId: actor.membership.organisationId, ip: meta.ip, userAgent: meta.userAgent },
        at: app.clock.now(),
      }),
    );
  }
  return destroySession(app, request);
}
