import type { ActionFunctionArgs } from "@remix-run/node";
import { CertificateLoginRequest, CertificateLoginResponse, body } from "#app/api/schemas.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { postOnlyLoader, runJsonAction } from "#app/server/route.server.ts";
import { safeRedirect } from "#app/server/safe-redirect.server.ts";
import { sessionChangeHeaders } from "#app/server/session.server.ts";
import { logInWithCertificate } from "#app/services/certificates/log-in-with-certificate.server.ts";

/** Certificate login (CA 登录): a signed challenge in, a session cookie out. */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(args, async ({ app, meta }, input) => {
    const parsed = CertificateLoginRequest.safeParse(input);
    if (!parsed.success) throw new AppError("VALIDATION_FAILED");
    const { setCookie } = await logInWithCertificate(app, {
      challengeId: parsed.data.challengeId,
      serial: parsed.data.serial,
      signature: Buffer.from(parsed.data.signature, "base64"),
      meta,
    });
    return {
      body: body(CertificateLoginResponse, { redirectTo: safeRedirect(parsed.data.redirectTo) }),
      headers: await sessionChangeHeaders(app, setCookie),
    };
  });
}

export const loader = postOnlyLoader;
