import { access } from "./access.ts";
import { apiTokens } from "./api-tokens.ts";
import { audit } from "./audit.ts";
import { auditTypes } from "./audit-types.ts";
import { bidding } from "./bidding.ts";
import { certificates } from "./certificates.ts";
import { complaintHandling } from "./complaint-handling.ts";
import { complaints } from "./complaints.ts";
import { demo } from "./demo.ts";
import { evaluation } from "./evaluation.ts";
import { guarantorPortal } from "./guarantor-portal.ts";
import { guaranteeBidder } from "./guarantee-bidder.ts";
import { ledger } from "./ledger.ts";
import { lifecycle } from "./lifecycle.ts";
import { opening } from "./opening.ts";
import { prequalification } from "./prequalification.ts";
import { signing } from "./signing.ts";
import { openingAdmin } from "./opening-admin.ts";
import { openingHall } from "./opening-hall.ts";
import { tendering } from "./tendering.ts";
import { ui } from "./ui.ts";

/**
 * Every area's messages, registered under its name: `t("certificates.title")` reads
 * `areas.certificates.zh.title` in Chinese. Add an area here when you add its file.
 */
export const areas = {
  certificates,
  audit,
  ledger,
  tendering,
  apiTokens,
  bidding,
  opening,
  openingAdmin,
  openingHall,
  access,
  demo,
  lifecycle,
  ui,
  auditTypes,
  prequalification,
  signing,
  complaintHandling,
  complaints,
  evaluation,
  guarantorPortal,
  guaranteeBidder,
} as const satisfies Record<string, { zh: Record<string, unknown>; en: Record<string, unknown> }>;
