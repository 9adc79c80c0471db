import type { LoaderFunctionArgs } from "@remix-run/node";
import { runLoader } from "#app/server/route.server.ts";
import { getActor } from "#app/server/session.server.ts";
import { openOpeningHallStream } from "#app/services/opening/opening-hall.server.ts";

/** GET: the hall's Server-Sent Events (the public gets the signals without their data). */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await getActor(app, args.request);
    return openOpeningHallStream(app, actor, args.params.sectionId ?? "", args.request);
  });
}
