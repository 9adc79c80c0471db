import type { LoaderFunctionArgs } from "@remix-run/node";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { awardNoticePdf } from "#app/services/evaluation/read-award-notice.server.ts";

/** GET: an award or result notice's PDF with the signatures it has, for its recipient (once issued) and the project's parties (decision 67). */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const { number, pdf } = await awardNoticePdf(app, await requireActor(app, args.request), args.params.noticeId ?? "");
    return new Response(Buffer.from(pdf), {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(`${number}.pdf`)}`,
        "Cache-Control": "no-store",
      },
    });
  });
}
