import type { LoaderFunctionArgs } from "@remix-run/node";
import { openApiDocument } from "#app/api/openapi.ts";
import { runApiLoader } from "#app/server/route.server.ts";

/** GET /api/openapi.json — public: the OpenAPI 3.1 document of every /api route and the tus uploads (decision 50). */
export async function loader(args: LoaderFunctionArgs) {
  return runApiLoader(args, async () => Response.json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } }));
}
