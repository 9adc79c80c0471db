import type { ActionFunctionArgs } from "@remix-run/node";
import { SigningPrepareRequest, SigningPrepareResponse, body } from "#app/api/schemas.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { postOnlyLoader, runJsonAction } from "#app/server/route.server.ts";
import { getActor } from "#app/server/session.server.ts";
import { prepareSigning } from "#app/services/signing/prepare-signing.server.ts";

/** POST: prepare a person's signature on a platform PDF (decision 55); the browser signs the attributes returned. Session + CSRF only. */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(args, async ({ app }, input) => {
    const actor = await getActor(app, args.request);
    if (!actor) throw new AppError("UNAUTHENTICATED");
    const parsed = SigningPrepareRequest.safeParse(input);
    if (!parsed.success) throw new AppError("VALIDATION_FAILED");
    const prepared = await prepareSigning(app, actor, parsed.data);
    return { body: body(SigningPrepareResponse, { ...prepared, expiresAt: prepared.expiresAt.toISOString() }) };
  });
}

export const loader = postOnlyLoader;
