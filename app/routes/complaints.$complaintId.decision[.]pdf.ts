import type { LoaderFunctionArgs } from "@remix-run/node";
import { runLoader } from "#app/server/route.server.ts";
import { getActor } from "#app/server/session.server.ts";
import { readComplaintDecisionFile } from "#app/services/complaints/read-complaint-decision.server.ts";

/** GET: the signed 投诉处理决定书, for the regulators and the parties it was served on (decision 0064). */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const file = await readComplaintDecisionFile(app, await getActor(app, args.request), args.params.complaintId ?? "");
    return new Response(file.body, {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        "X-Content-SHA256": file.sha256,
        "Cache-Control": "no-store",
      },
    });
  });
}
