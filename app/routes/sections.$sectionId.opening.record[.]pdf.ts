import type { LoaderFunctionArgs } from "@remix-run/node";
import { runLoader } from "#app/server/route.server.ts";
import { getActor } from "#app/server/session.server.ts";
import { readOpeningRecordFile } from "#app/services/opening/opening-hall.server.ts";

/** GET ?kind=reading-out|opening: the platform-signed record, public once published (办法 Art 30 publishes the reading-out). */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await getActor(app, args.request);
    const kind = new URL(args.request.url).searchParams.get("kind") === "opening" ? "opening" : "reading-out";
    const file = await readOpeningRecordFile(app, actor, args.params.sectionId ?? "", kind);
    return new Response(file.body, {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        "Cache-Control": "no-store",
      },
    });
  });
}
