import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { base64ToBytes } from "#app/crypto/pki/der.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runJsonAction } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { signInToOpening } from "#app/services/opening/sign-in-to-opening.server.ts";

const Body = z.object({
  challengeId: z.string().uuid(),
  serial: z.string().regex(/^[0-9a-fA-F]{1,64}$/),
  signature: z.string().min(1).max(4096),
});

/** POST: sign in to the opening with a key-possession challenge signed in the browser (challenge from /api/auth/challenge). */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(args, async ({ app, meta }, body) => {
    const actor = await requireActor(app, args.request);
    const parsed = Body.safeParse(body);
    if (!parsed.success) throw new AppError("VALIDATION_FAILED");
    const signedIn = await signInToOpening(app, {
      actor,
      sectionId: args.params.sectionId ?? "",
      challengeId: parsed.data.challengeId,
      certificateSerial: parsed.data.serial.toLowerCase(),
      signature: base64ToBytes(parsed.data.signature),
      meta,
    });
    return { body: { signedInAt: signedIn.signedInAt.toISOString() } };
  });
}
