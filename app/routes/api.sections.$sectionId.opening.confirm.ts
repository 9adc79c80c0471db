import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runJsonAction } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { confirmReadingOutRecord } from "#app/services/opening/confirm-reading-out-record.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";

const Body = z.object({ confirmationJws: z.string().min(20).max(32_000) });

/** POST: the bidder's confirmation JWS (confirm or object) over the reading-out record's SHA-256, signed in the browser. */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(args, async ({ app, meta }, body) => {
    const actor = await requireActor(app, args.request);
    const parsed = Body.safeParse(body);
    if (!parsed.success) throw new AppError("VALIDATION_FAILED");
    const { openingId } = await findOpeningOfSection(app, args.params.sectionId ?? "");
    const done = await confirmReadingOutRecord(app, { actor, openingId, confirmationJws: parsed.data.confirmationJws, meta });
    return { body: { decision: done.decision, signedAt: done.signedAt.toISOString() } };
  });
}
