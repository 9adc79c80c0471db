import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { readOwnReceipt } from "#app/services/bidding/read-own-bid.server.ts";

const Params = z.object({ receiptNo: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/) });

/** GET /receipts/:receiptNo.jws — the receipt as the platform signed it, for `bidhall verify`. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    const params = Params.safeParse(args.params);
    if (!params.success) throw new AppError("NOT_FOUND", { what: "receipt" });
    const row = await readOwnReceipt(app, actor, params.data.receiptNo);
    return new Response(row.receipt_jws, {
      headers: {
        "Content-Type": "application/jose",
        "Content-Disposition": `attachment; filename="receipt-${row.receipt_no}.jws"`,
        "Cache-Control": "no-store",
      },
    });
  });
}
