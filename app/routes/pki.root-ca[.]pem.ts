import type { LoaderFunctionArgs } from "@remix-run/node";
import { runLoader } from "#app/server/route.server.ts";
import { getPublicCaCertificates } from "#app/services/certificates/read-platform-pki.server.ts";

/** The platform's root CA certificate (PEM), public: relying parties install it as a trust anchor. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const { root } = await getPublicCaCertificates(app);
    return new Response(root.certificatePem, {
      headers: { "Content-Type": "application/x-pem-file", "Content-Disposition": 'attachment; filename="root-ca.pem"' },
    });
  });
}
