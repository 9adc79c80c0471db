import type { ActionFunctionArgs } from "@remix-run/node";
import { DecryptRequest, DecryptResult, body } from "#app/api/schemas.ts";
import { base64ToBytes } from "#app/crypto/pki/der.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { postOnlyLoader, runJsonAction } from "#app/server/route.server.ts";
import { requireApiActor } from "#app/server/session.server.ts";
import { decryptBid } from "#app/services/opening/decrypt-bid.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";

/** POST: the content key the browser unwrapped (only the key, never the private key); the server decrypts and checks the bid. */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(
    args,
    async ({ app, meta }, input) => {
      const actor = await requireApiActor(app, args.request);
      const parsed = DecryptRequest.safeParse(input);
      if (!parsed.success) throw new AppError("VALIDATION_FAILED", { field: "contentKey" });
      const { openingId } = await findOpeningOfSection(app, args.params.sectionId ?? "");
      return {
        body: body(DecryptResult, await decryptBid(app, { actor, openingId, contentKey: base64ToBytes(parsed.data.contentKey), meta })),
      };
    },
    { bearer: true },
  );
}

export const loader = postOnlyLoader;
