import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { SUPPORTED_LANGUAGES } from "#app/i18n/config.ts";
import { languageCookie } from "#app/i18n/i18n.server.ts";
import { runAction } from "#app/server/route.server.ts";

const Schema = z.object({ lang: z.enum(SUPPORTED_LANGUAGES), redirectTo: z.string().default("/") });

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async (_env, form) => {
    const input = Schema.parse(Object.fromEntries(form));
    const to = input.redirectTo.startsWith("/") && !input.redirectTo.startsWith("//") ? input.redirectTo : "/";
    throw redirect(to, { headers: { "Set-Cookie": await languageCookie.serialize(input.lang) } });
  });
}

export { ActionResult as default } from "#app/components/action-result.tsx";
