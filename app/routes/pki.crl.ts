import type { LoaderFunctionArgs } from "@remix-run/node";
import { runLoader } from "#app/server/route.server.ts";
import { getCurrentCrl } from "#app/services/certificates/read-platform-pki.server.ts";

/** The issuing CA's CRL, DER (RFC 5280 §5; the URL in every certificate's CRL distribution point). Public. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app, now }) => {
    const crl = await getCurrentCrl(app);
    return new Response(Buffer.from(crl.der), {
      headers: {
        "Content-Type": "application/pkix-crl",
        "Content-Disposition": 'inline; filename="bidhall-issuing-ca.crl"',
        // Relying parties may cache it, but not past its next update.
        "Cache-Control": `public, max-age=${Math.max(0, Math.min(3600, Math.floor((crl.nextUpdate.getTime() - now.getTime()) / 1000)))}`,
        "Last-Modified": crl.thisUpdate.toUTCString(),
      },
    });
  });
}
