import type { LoaderFunctionArgs } from "@remix-run/node";
import { SigningRequestParams } from "#app/api/schemas.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runApiLoader } from "#app/server/route.server.ts";
import { getActor } from "#app/server/session.server.ts";
import { readSigningDocument } from "#app/services/signing/read-signing-document.server.ts";

/** GET: the exact prepared PDF of a signing request, the preview its signer checks (decision 55); to that person only. */
export async function loader(args: LoaderFunctionArgs) {
  return runApiLoader(args, async ({ app }) => {
    const actor = await getActor(app, args.request);
    if (!actor) throw new AppError("UNAUTHENTICATED");
    const params = SigningRequestParams.safeParse(args.params);
    if (!params.success) throw new AppError("NOT_FOUND", { what: "signing request" });
    const doc = await readSigningDocument(app, actor, params.data.requestId);
    return new Response(new Uint8Array(doc.pdf), {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Disposition": `inline; filename="signing-${params.data.requestId}.pdf"`,
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
        "X-Document-SHA256": doc.sha256,
      },
    });
  });
}
