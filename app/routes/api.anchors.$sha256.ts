import type { LoaderFunctionArgs } from "@remix-run/node";
import { AnchorFound, AnchorNotYet, body } from "#app/api/schemas.ts";
import { runApiLoader } from "#app/server/route.server.ts";
import { lookUpAnchor } from "#app/services/ledger/lookup-anchor.server.ts";

/**
 * GET /api/anchors/:sha256 — public. 200 with proof, root, transaction and block time once the
 * document is anchored; 404 "not anchored (yet)", saying whether it is queued, otherwise.
 */
export async function loader(args: LoaderFunctionArgs) {
  return runApiLoader(args, async ({ app }) => {
    const result = await lookUpAnchor(app, args.params.sha256 ?? "");
    if (result.status === "anchored")
      return Response.json(body(AnchorFound, result), { headers: { "Cache-Control": "public, max-age=3600" } });
    const queued = result.status === "pending";
    return Response.json(
      body(AnchorNotYet, {
        status: "not anchored (yet)",
        sha256: result.sha256,
        queued,
        ...(queued ? { queuedAt: result.queuedAt, batched: result.batched } : {}),
      }),
      { status: 404, headers: { "Cache-Control": "no-store" } },
    );
  });
}
