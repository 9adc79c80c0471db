import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runLoader } from "#app/server/route.server.ts";
import { requireApiActor } from "#app/server/session.server.ts";
import { getSealingKit } from "#app/services/bidding/get-sealing-kit.server.ts";

const Params = z.object({ sectionId: z.string().uuid() });

/**
 * GET /api/sections/:sectionId/sealing — the opening-form schema and recipient certificates for
 * the caller's organisation; a session, or an API token of the offline tool (`bidhall section`).
 */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireApiActor(app, args.request);
    const params = Params.safeParse(args.params);
    if (!params.success) throw new AppError("NOT_FOUND", { what: "section" });
    return Response.json(await getSealingKit(app, actor, params.data.sectionId), { headers: { "Cache-Control": "no-store" } });
  });
}
