import type { ActionFunctionArgs } from "@remix-run/node";
import { SignInRequest, SignInResponse, body } from "#app/api/schemas.ts";
import { base64ToBytes } from "#app/crypto/pki/der.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { postOnlyLoader, runJsonAction } from "#app/server/route.server.ts";
import { requireApiActor } from "#app/server/session.server.ts";
import { signInToOpening } from "#app/services/opening/sign-in-to-opening.server.ts";

/** POST: sign in to the opening with a key-possession challenge signed in the browser (challenge from /api/auth/challenge). */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(
    args,
    async ({ app, meta }, input) => {
      const actor = await requireApiActor(app, args.request);
      const parsed = SignInRequest.safeParse(input);
      if (!parsed.success) throw new AppError("VALIDATION_FAILED");
      const signedIn = await signInToOpening(app, {
        actor,
        sectionId: args.params.sectionId ?? "",
        challengeId: parsed.data.challengeId,
        certificateSerial: parsed.data.serial.toLowerCase(),
        signature: base64ToBytes(parsed.data.signature),
        meta,
      });
      return { body: body(SignInResponse, { signedInAt: signedIn.signedInAt.toISOString() }) };
    },
    { bearer: true },
  );
}

export const loader = postOnlyLoader;
