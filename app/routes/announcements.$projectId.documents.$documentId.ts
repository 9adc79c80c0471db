import { Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { downloadTenderDocument } from "#app/services/tendering/download-tender-document.server.ts";

const Params = z.object({ documentId: z.string().uuid() });

/** The file of a tender document, to those who may have it; each download is recorded. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app, meta }) => {
    const actor = await requireActor(app, args.request);
    const params = Params.safeParse(args.params);
    if (!params.success) throw new AppError("NOT_FOUND", { what: "document" });
    const file = await downloadTenderDocument(app, { actor, documentId: params.data.documentId, meta });
    return new Response(Readable.toWeb(file.stream) as ReadableStream, {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Length": file.size.toString(),
        "Content-Disposition": `attachment; filename="document.pdf"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        "X-Content-SHA256": file.sha256,
        "Cache-Control": "private, no-store",
      },
    });
  });
}
