import type { LoaderFunctionArgs } from "@remix-run/node";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { readOwnGuaranteeLetter } from "#app/services/guarantee/bidder-guarantees.server.ts";

/** The signed guarantee letter (PDF), for the applicant organisation only (issue 14). */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const file = await readOwnGuaranteeLetter(app, await requireActor(app, args.request), args.params.guaranteeId ?? "");
    return new Response(file.body, {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        "Cache-Control": "no-store",
      },
    });
  });
}
