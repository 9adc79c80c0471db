import type { LoaderFunctionArgs } from "@remix-run/node";
import { runLoader } from "#app/server/route.server.ts";
import { getActor } from "#app/server/session.server.ts";
import { openOpeningHallStream } from "#app/services/opening/opening-hall.server.ts";

/**
 * GET: the hall's Server-Sent Events (the public gets the signals without their data). A refusal
 * (406 without `Accept: text/event-stream`, 404, 403) is answered as plain JSON
 * `{error: {code, message}}`: this is a resource route, read by EventSource, curl or a script, and
 * a thrown `data()` would reach them in Remix's own encoding rather than as the sentence.
 */
export async function loader(args: LoaderFunctionArgs) {
  try {
    return await runLoader(args, async ({ app }) => {
      const actor = await getActor(app, args.request);
      return openOpeningHallStream(app, actor, args.params.sectionId ?? "", args.request);
    });
  } catch (e) {
    const thrown = e as { type?: string; data?: unknown; init?: ResponseInit | null };
    if (thrown?.type === "DataWithResponseInit") {
      return Response.json(thrown.data, { ...thrown.init, headers: { "Cache-Control": "no-store" } });
    }
    throw e;
  }
}
