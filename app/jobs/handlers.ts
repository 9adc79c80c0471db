import { ledgerJobHandlers } from "./ledger.ts";
import { sendMail } from "./mail.ts";
import type { JobHandlers } from "./runner.ts";

/** Every kind of outbox job and its handler. The ledger, anchoring and opening work add theirs. */
export const jobHandlers: JobHandlers = {
  "mail.send": sendMail,
  ...ledgerJobHandlers,
};
