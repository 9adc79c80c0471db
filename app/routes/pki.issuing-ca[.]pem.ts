import type { LoaderFunctionArgs } from "@remix-run/node";
import { runLoader } from "#app/server/route.server.ts";
import { getPublicCaCertificates } from "#app/services/certificates/read-platform-pki.server.ts";

/** The issuing CA certificate (PEM), public: the intermediate between people's certificates and the root. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const { issuing } = await getPublicCaCertificates(app);
    return new Response(issuing.certificatePem, {
      headers: { "Content-Type": "application/x-pem-file", "Content-Disposition": 'attachment; filename="issuing-ca.pem"' },
    });
  });
}
