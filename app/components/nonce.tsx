import { createContext, useContext } from "react";

/**
 * The Content-Security-Policy nonce of the response being rendered (decision 26): the server puts
 * it here (app/entry.server.tsx, from the load context) so the root can give it to Remix's inline
 * scripts. In the browser it is empty: browsers hide a nonce from scripts, and the scripts that need
 * it have already run.
 */
const NonceContext = createContext("");

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
