import type { ActionFunctionArgs } from "@remix-run/node";
import { AppError } from "#app/domain/shared/app-error.ts";
import { errorBody, routeEnv } from "#app/server/route.server.ts";
import { verifyDocumentBody } from "#app/services/documents/verify-signed-document.server.ts";

/**
 * POST /api/documents/verify — public (DOMAIN.md §1: the public verifies documents). Body: a
 * signed PDF, or a receipt or confirmation JWS, at most 32 MiB. Answers the server's own verdict
 * (decisions 27, 28) as JSON. It changes nothing, so it takes no CSRF token.
 */
export async function action(args: ActionFunctionArgs) {
  const env = await routeEnv(args);
  try {
    if (args.request.method !== "POST") throw new AppError("NOT_FOUND", { what: args.request.method });
    const result = await verifyDocumentBody(env.app, { body: args.request.body });
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    const { status, body } = errorBody(env.app, e, env.lang);
    return Response.json(body, { status });
  }
}
