import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getActor } from "#app/server/session.server.ts";

/** People at work go to their desk; everyone else to the public announcements. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await getActor(context.app, request);
  return redirect(actor ? "/dashboard" : "/announcements");
}
