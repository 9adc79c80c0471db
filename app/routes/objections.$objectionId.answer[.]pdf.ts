import type { LoaderFunctionArgs } from "@remix-run/node";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { readObjectionAnswerFile } from "#app/services/complaints/read-objections.server.ts";

/** The platform-signed answer to an objection, for the objector and the answering organisation. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const file = await readObjectionAnswerFile(app, await requireActor(app, args.request), args.params.objectionId ?? "");
    return new Response(file.body, {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        "Cache-Control": "no-store",
      },
    });
  });
}
