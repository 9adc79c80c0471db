import type { LoaderFunctionArgs } from "@remix-run/node";
import { SealingKit, SectionParams, body } from "#app/api/schemas.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runApiLoader } from "#app/server/route.server.ts";
import { requireApiActor } from "#app/server/session.server.ts";
import { getSealingKit } from "#app/services/bidding/get-sealing-kit.server.ts";

/**
 * GET /api/sections/:sectionId/sealing — the opening-form schema and recipient certificates for
 * the caller's organisation; a session, or an API token of the offline tool (`bidhall section`).
 */
export async function loader(args: LoaderFunctionArgs) {
  return runApiLoader(args, async ({ app }) => {
    const actor = await requireApiActor(app, args.request);
    const params = SectionParams.safeParse(args.params);
    if (!params.success) throw new AppError("NOT_FOUND", { what: "section" });
    const kit = body(SealingKit, await getSealingKit(app, actor, params.data.sectionId));
    return Response.json(kit, { headers: { "Cache-Control": "no-store" } });
  });
}
