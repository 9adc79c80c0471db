import type { ActionFunctionArgs } from "@remix-run/node";
import { SigningCompleteRequest, SigningCompleteResponse, SigningRequestParams, body } from "#app/api/schemas.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { postOnlyLoader, runJsonAction } from "#app/server/route.server.ts";
import { getActor } from "#app/server/session.server.ts";
import { completeSigning } from "#app/services/signing/complete-signing.server.ts";

/** POST: the browser's signature over the prepared attributes; the server embeds, verifies and records it (decision 55). */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(args, async ({ app, meta }, input) => {
    const actor = await getActor(app, args.request);
    if (!actor) throw new AppError("UNAUTHENTICATED");
    const params = SigningRequestParams.safeParse(args.params);
    if (!params.success) throw new AppError("NOT_FOUND", { what: "signing request" });
    const parsed = SigningCompleteRequest.safeParse(input);
    if (!parsed.success) throw new AppError("VALIDATION_FAILED");
    const done = await completeSigning(app, actor, { requestId: params.data.requestId, signature: parsed.data.signature, meta });
    return { body: body(SigningCompleteResponse, done) };
  });
}

export const loader = postOnlyLoader;
