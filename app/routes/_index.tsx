import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getActor } from "#app/server/session.server.ts";

/** The public portal (announcements) arrives with tendering; until then: dashboard or login. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await getActor(context.app, request);
  return redirect(actor ? "/dashboard" : "/login");
}
