import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { runAction } from "#app/server/route.server.ts";
import { sessionChangeHeaders } from "#app/server/session.server.ts";
import { logOut } from "#app/services/auth/log-out.server.ts";

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }) => {
    const setCookie = await logOut(app, args.request, meta);
    throw redirect("/login", { headers: await sessionChangeHeaders(app, setCookie) });
  });
}

export { ActionResult as default } from "#app/components/action-result.tsx";
