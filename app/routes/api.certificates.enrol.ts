import type { ActionFunctionArgs } from "@remix-run/node";
import { EnrolRequest, EnrolResponse, body } from "#app/api/schemas.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { postOnlyLoader, runJsonAction } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { issueCertificate } from "#app/services/certificates/issue-certificate.server.ts";

/** Enrolment step 2 (ARCHITECTURE.md §3): the browser's CSR in, the certificate and its chain out. */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(args, async ({ app, meta }, input) => {
    const actor = await requireActor(app, args.request);
    const parsed = EnrolRequest.safeParse(input);
    if (!parsed.success) throw new AppError("VALIDATION_FAILED");
    const issued = await issueCertificate(app, { actor, csrPem: parsed.data.csr, meta });
    return {
      body: body(EnrolResponse, {
        serialHex: issued.serialHex,
        certificatePem: issued.certificatePem,
        chainPem: issued.chainPem,
        notAfter: issued.notAfter.toISOString(),
        fingerprint256: issued.fingerprint256,
        personName: issued.personName,
        organisationName: issued.organisationName,
      }),
    };
  });
}

export const loader = postOnlyLoader;
