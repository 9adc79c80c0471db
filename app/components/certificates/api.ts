import { useRouteLoaderData } from "@remix-run/react";

/** An AppError the server answered with (`{ error: { code, message } }`, message in the user's language). */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The CSRF token the root loader rendered (app/server/csrf.server.ts); scripts send it as a header. */
export function useCsrfToken(): string {
  return useRouteLoaderData<{ csrf: string }>("root")?.csrf ?? "";
}

/** POSTs JSON to one of our JSON endpoints (runJsonAction) and returns its JSON, or throws ApiError. */
export async function postJson<T>(url: string, body: unknown, csrf: string): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    body: JSON.stringify(body),
  });
  const json = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!response.ok)
    throw new ApiError(json?.error?.code ?? "INTERNAL", json?.error?.message ?? `${response.status} ${response.statusText}`);
  return json as T;
}

export const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));
export const errorCode = (e: unknown) => (e instanceof ApiError ? e.code : "CLIENT_ERROR");
