import { isAppError } from "#app/domain/shared/app-error.ts";
import { currentCrl } from "#app/server/pki/platform-pki.server.ts";
import type { TimedTask } from "./scheduler.ts";
import { uploadCleanup } from "./upload-cleanup.ts";
import { liftSuspensionsPastCap } from "#app/services/complaints/suspend-for-complaint.server.ts";
import { recordOpeningTimedFacts } from "#app/services/opening/record-timed-facts.server.ts";
import { clearExpiredSigningRequests } from "#app/services/signing/clear-expired-requests.server.ts";

/**
 * Every timed task, in the order they run at each tick. The opening hall adds its own (deadline
 * passed, window ended, confirmation period ended).
 */
export const crlRefresh: TimedTask = {
  name: "pki.crl-refresh",
  async run(app) {
    try {
      const before = await app.db.selectFrom("pki_crls").select("crl_number").orderBy("crl_number", "desc").limit(1).executeTakeFirst();
      const crl = await currentCrl(app); // publishes a fresh CRL when the latest is a day old
      return before && BigInt(before.crl_number) === crl.crlNumber ? 0 : 1;
    } catch (e) {
      if (isAppError(e) && e.code === "PKI_NOT_INITIALISED") return 0; // `bidhall ca init` has not run yet
      throw e;
    }
  },
};

/** The openings' timed facts: deadline passed (count, or fail), window ended, confirmation period ended (decision 17). */
export const openingTimedFacts: TimedTask = { name: "opening.timed-facts", run: recordOpeningTimedFacts };

/** Prepared PDFs of signing requests that expired uncompleted are emptied (decision 0078). */
export const signingRequestCleanup: TimedTask = { name: "signing.expired-requests", run: clearExpiredSigningRequests };

/** GP: a suspension for a complaint is lifted once it has lasted 30 days (政府采购法 57; decision 74). */
export const complaintSuspensionCap: TimedTask = { name: "complaint.suspension-cap", run: liftSuspensionsPastCap };

export const timedTasks: readonly TimedTask[] = [
  crlRefresh,
  uploadCleanup,
  openingTimedFacts,
  signingRequestCleanup,
  complaintSuspensionCap,
];
