import type { ActionFunctionArgs } from "@remix-run/node";
import { ConfirmRequest, ConfirmResponse, body } from "#app/api/schemas.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { postOnlyLoader, runJsonAction } from "#app/server/route.server.ts";
import { requireApiActor } from "#app/server/session.server.ts";
import { confirmReadingOutRecord } from "#app/services/opening/confirm-reading-out-record.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";

/** POST: the bidder's confirmation JWS (confirm or object) over the reading-out record's SHA-256, signed in the browser. */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(
    args,
    async ({ app, meta }, input) => {
      const actor = await requireApiActor(app, args.request);
      const parsed = ConfirmRequest.safeParse(input);
      if (!parsed.success) throw new AppError("VALIDATION_FAILED");
      const { openingId } = await findOpeningOfSection(app, args.params.sectionId ?? "");
      const done = await confirmReadingOutRecord(app, { actor, openingId, confirmationJws: parsed.data.confirmationJws, meta });
      return { body: body(ConfirmResponse, { decision: done.decision, signedAt: done.signedAt.toISOString() }) };
    },
    { bearer: true },
  );
}

export const loader = postOnlyLoader;
