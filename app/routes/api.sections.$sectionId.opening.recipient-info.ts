import type { ActionFunctionArgs } from "@remix-run/node";
import { RecipientInfoRequest, RecipientInfoResponse, body } from "#app/api/schemas.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { postOnlyLoader, runJsonAction } from "#app/server/route.server.ts";
import { requireApiActor } from "#app/server/session.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { getOwnRecipientInfo } from "#app/services/opening/get-own-recipient-info.server.ts";

/** POST: the encrypted content key of the caller's own bid for one of its certificates (the browser unwraps it). */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(
    args,
    async ({ app }, input) => {
      const actor = await requireApiActor(app, args.request);
      const parsed = RecipientInfoRequest.safeParse(input);
      if (!parsed.success) throw new AppError("VALIDATION_FAILED");
      const { openingId } = await findOpeningOfSection(app, args.params.sectionId ?? "");
      return {
        body: body(
          RecipientInfoResponse,
          await getOwnRecipientInfo(app, { actor, openingId, certificateSerial: parsed.data.serial.toLowerCase() }),
        ),
      };
    },
    { bearer: true },
  );
}

export const loader = postOnlyLoader;
