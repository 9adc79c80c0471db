import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { AppError } from "#app/domain/shared/app-error.ts";
import { SUPPORTED_LANGUAGES } from "#app/i18n/config.ts";
import { languageCookie } from "#app/i18n/i18n.server.ts";
import { runAction } from "#app/server/route.server.ts";
import { safeRedirect } from "#app/server/safe-redirect.server.ts";

const Schema = z.object({ lang: z.enum(SUPPORTED_LANGUAGES), redirectTo: z.string().max(4096).default("/") });

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async (_env, form) => {
    const parsed = Schema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { field: "lang" });
    const input = parsed.data;
    throw redirect(safeRedirect(input.redirectTo, "/"), { headers: { "Set-Cookie": await languageCookie.serialize(input.lang) } });
  });
}

export { ActionResult as default } from "#app/components/action-result.tsx";
