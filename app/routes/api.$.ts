import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runApiLoader } from "#app/server/route.server.ts";

/**
 * Any `/api` address no route answers: a JSON 404 like every other API refusal (decision 50),
 * not the HTML page a browser gets. The endpoints are listed at /api/openapi.json.
 */
function notFound(args: LoaderFunctionArgs | ActionFunctionArgs) {
  return runApiLoader(args, () => {
    throw new AppError("NOT_FOUND", { what: new URL(args.request.url).pathname });
  });
}

export const loader = notFound;
export const action = notFound;
