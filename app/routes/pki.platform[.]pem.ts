import type { LoaderFunctionArgs } from "@remix-run/node";
import { runLoader } from "#app/server/route.server.ts";
import { getPlatformCertificates } from "#app/services/certificates/read-platform-pki.server.ts";

/**
 * The platform's document-signing certificates (PEM, current first, then legacy ones), public:
 * relying parties pin them (`bidhall verify --platform platform.pem`, decision 27).
 */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const certificates = await getPlatformCertificates(app);
    return new Response(certificates.map((c) => c.certificatePem.trim() + "\n").join(""), {
      headers: { "Content-Type": "application/x-pem-file", "Content-Disposition": 'attachment; filename="platform.pem"' },
    });
  });
}
