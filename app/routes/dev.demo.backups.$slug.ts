import type { LoaderFunctionArgs } from "@remix-run/node";
import { runLoader } from "#app/server/route.server.ts";
import { downloadDemoBackup } from "#app/services/demo/download-demo-backup.server.ts";

/** GET: one demo bidder's PKCS#12 backup (embedded mode only; 404 otherwise, and for anything the kit does not list). */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const { bytes, filename } = await downloadDemoBackup(app, args.params.slug ?? "");
    return new Response(new Uint8Array(bytes), {
      headers: {
        "Content-Type": "application/x-pkcs12",
        "Content-Disposition": `attachment; filename="${filename}"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  });
}
