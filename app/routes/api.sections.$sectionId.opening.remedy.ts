import type { ActionFunctionArgs } from "@remix-run/node";
import { DecryptResult, body } from "#app/api/schemas.ts";
import { postOnlyLoader, runStreamAction } from "#app/server/route.server.ts";
import { requireApiActor } from "#app/server/session.server.ts";
import { receiveRemedyPackage } from "#app/services/opening/receive-remedy-package.server.ts";

/** POST (body: the plaintext package ZIP): the remedy, where the section allows it, within the window. */
export async function action(args: ActionFunctionArgs) {
  return runStreamAction(
    args,
    async ({ app, meta }) => {
      const actor = await requireApiActor(app, args.request);
      const { body: stream, headers } = args.request;
      const sectionId = args.params.sectionId ?? "";
      const result = await receiveRemedyPackage(app, {
        actor,
        sectionId,
        body: stream,
        contentLength: headers.get("content-length"),
        meta,
      });
      return { body: body(DecryptResult, result) };
    },
    { bearer: true },
  );
}

export const loader = postOnlyLoader;
