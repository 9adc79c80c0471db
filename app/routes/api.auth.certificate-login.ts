import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runJsonAction } from "#app/server/route.server.ts";
import { safeRedirect } from "#app/server/safe-redirect.server.ts";
import { sessionChangeHeaders } from "#app/server/session.server.ts";
import { logInWithCertificate } from "#app/services/certificates/log-in-with-certificate.server.ts";

const Body = z.object({
  challengeId: z.string().uuid(),
  serial: z.string().regex(/^[0-9a-fA-F]{2,42}$/),
  signature: z.string().base64().max(2048),
  redirectTo: z.string().max(4096).optional(),
});

/** Certificate login (CA 登录): a signed challenge in, a session cookie out. */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(args, async ({ app, meta }, body) => {
    const parsed = Body.safeParse(body);
    if (!parsed.success) throw new AppError("VALIDATION_FAILED");
    const { setCookie } = await logInWithCertificate(app, {
      challengeId: parsed.data.challengeId,
      serial: parsed.data.serial,
      signature: Buffer.from(parsed.data.signature, "base64"),
      meta,
    });
    return { body: { redirectTo: safeRedirect(parsed.data.redirectTo) }, headers: await sessionChangeHeaders(app, setCookie) };
  });
}
