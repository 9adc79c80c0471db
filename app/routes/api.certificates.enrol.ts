import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runJsonAction } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { issueCertificate } from "#app/services/certificates/issue-certificate.server.ts";

const Body = z.object({ csr: z.string().min(100).max(20_000) });

/** Enrolment step 2 (ARCHITECTURE.md §3): the browser's CSR in, the certificate and its chain out. */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(args, async ({ app, meta }, body) => {
    const actor = await requireActor(app, args.request);
    const parsed = Body.safeParse(body);
    if (!parsed.success) throw new AppError("VALIDATION_FAILED");
    const issued = await issueCertificate(app, { actor, csrPem: parsed.data.csr, meta });
    return {
      body: {
        serialHex: issued.serialHex,
        certificatePem: issued.certificatePem,
        chainPem: issued.chainPem,
        notAfter: issued.notAfter.toISOString(),
        fingerprint256: issued.fingerprint256,
        personName: issued.personName,
        organisationName: issued.organisationName,
      },
    };
  });
}
