import { config } from "zod";

/**
 * The Content-Security-Policy allows no eval (decision 26). Zod compiles object schemas with
 * `new Function` when it can, and probes for that the first time a schema is defined; under the
 * CSP the probe is refused (it falls back correctly) but reported as a violation on every page.
 * In the browser, zod is told not to try. This module is root.tsx's first import, so it runs
 * before any route module defines a schema (Remix imports the root route first).
 */
if (typeof document !== "undefined") config({ jitless: true });
