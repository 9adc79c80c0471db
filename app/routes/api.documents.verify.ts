import type { ActionFunctionArgs } from "@remix-run/node";
import { DocumentVerification, body } from "#app/api/schemas.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { errorBody, postOnlyLoader, routeEnv } from "#app/server/route.server.ts";
import { verifyDocumentBody } from "#app/services/documents/verify-signed-document.server.ts";

/**
 * POST /api/documents/verify — public (DOMAIN.md §1: the public verifies documents). Body: a
 * signed PDF, or a receipt or confirmation JWS, at most 32 MiB. Answers the server's own verdict
 * (decisions 27, 28) as JSON. It changes nothing, so it takes no CSRF token.
 */
export async function action(args: ActionFunctionArgs) {
  const env = await routeEnv(args);
  try {
    if (args.request.method !== "POST") throw new AppError("METHOD_NOT_ALLOWED", { method: args.request.method, allowed: "POST" });
    const result = await verifyDocumentBody(env.app, { body: args.request.body });
    return Response.json(body(DocumentVerification, result), { headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    const { status, body: error } = errorBody(env.app, e, env.lang);
    return Response.json(error, { status });
  }
}

export const loader = postOnlyLoader;
