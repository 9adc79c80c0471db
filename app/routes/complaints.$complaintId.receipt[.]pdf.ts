import type { LoaderFunctionArgs } from "@remix-run/node";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { readComplaintReceipt } from "#app/services/complaints/read-complaints.server.ts";

/** The platform-signed receipt of a complaint, for the complainant only. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const file = await readComplaintReceipt(app, await requireActor(app, args.request), args.params.complaintId ?? "");
    return new Response(file.body, {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        "Cache-Control": "no-store",
      },
    });
  });
}
