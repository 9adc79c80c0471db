import type { ActionFunctionArgs } from "@remix-run/node";
import { ChallengeResponse, body } from "#app/api/schemas.ts";
import { postOnlyLoader, runJsonAction } from "#app/server/route.server.ts";
import { createChallenge } from "#app/services/certificates/key-possession.server.ts";

/** A one-time key-possession challenge for certificate login (no login needed, by nature). */
export async function action(args: ActionFunctionArgs) {
  return runJsonAction(
    args,
    async ({ app }) => {
      const c = await createChallenge(app);
      return { body: body(ChallengeResponse, { id: c.id, challenge: c.challenge, expiresAt: c.expiresAt.toISOString() }) };
    },
    { bearer: true }, // public anyway: a tool with an API token asks for its sign-in challenge without a CSRF cookie
  );
}

export const loader = postOnlyLoader;
