import { useRouteLoaderData } from "@remix-run/react";

/** Every form that mutates carries the CSRF token from the root loader (app/server/csrf.server.ts). */
export function CsrfInput() {
  const root = useRouteLoaderData<{ csrf: string }>("root");
  return <input type="hidden" name="csrf" value={root?.csrf ?? ""} />;
}
