import fs from "node:fs";
import { buildApp, buildIsStale } from "../../scripts/start.ts";
import { CHROMIUM_PATH } from "./helpers/browser.ts";

/** Browser tests serve the built app: build it once per run (only when stale). */
export default function setup() {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`browser tests need Debian's Chromium at ${CHROMIUM_PATH}: apt-get install chromium (.ci/run does this)`);
  }
  if (buildIsStale()) buildApp();
}
