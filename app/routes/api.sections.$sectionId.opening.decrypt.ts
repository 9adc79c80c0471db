import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { base64ToBytes } from "#app/crypto/pki/der.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runJsonAction } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { decryptBid } from "#app/services/opening/decrypt-bid.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";

const Body = z.object({ contentKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/) });

/** POST: the content key the browser unwrapped (only the key, never the private key); the server decrypts and checks the bid. */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(args, async ({ app, meta }, body) => {
    const actor = await requireActor(app, args.request);
    const parsed = Body.safeParse(body);
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { field: "contentKey" });
    const { openingId } = await findOpeningOfSection(app, args.params.sectionId ?? "");
    return { body: await decryptBid(app, { actor, openingId, contentKey: base64ToBytes(parsed.data.contentKey), meta }) };
  });
}
