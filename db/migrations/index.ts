import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation.ts";
import * as m0002 from "./0002_outbox.ts";
import * as m0003 from "./0003_pki.ts";
import * as m0004 from "./0004_ledger.ts";
import * as m0005 from "./0005_tendering.ts";
import * as m0006 from "./0006_api_tokens.ts";
import * as m0007 from "./0007_bids.ts";
import * as m0008 from "./0008_bid_security.ts";
import * as m0009 from "./0009_live_events.ts";
import * as m0010 from "./0010_openings.ts";
import * as m0011 from "./0011_access.ts";
import * as m0014 from "./0014_retired_platform_certificates.ts";
import * as m0015 from "./0015_section_periods.ts";
import * as m0016 from "./0016_opening_bid_defects.ts";
import * as m0017 from "./0017_deadline_moves.ts";
import * as m0018 from "./0018_clarifications_termination_securities.ts";
import * as m0019 from "./0019_opening_officials.ts";
import * as m0021 from "./0021_upload_locks.ts";
import * as m0022 from "./0022_signing_requests.ts";
import * as m0025 from "./0025_objections_complaints.ts";
import * as m0027 from "./0027_evaluation_and_award.ts";

/**
 * Every migration, in order. Registered explicitly (not discovered from the file system) so the
 * bundled server, the CLI and the tests run exactly the same list.
 */
export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_outbox": m0002,
  "0003_pki": m0003,
  "0004_ledger": m0004,
  "0005_tendering": m0005,
  "0006_api_tokens": m0006,
  "0007_bids": m0007,
  "0008_bid_security": m0008,
  "0009_live_events": m0009,
  "0010_openings": m0010,
  "0011_access": m0011,
  "0014_retired_platform_certificates": m0014,
  "0015_section_periods": m0015,
  "0016_opening_bid_defects": m0016,
  "0017_deadline_moves": m0017,
  "0018_clarifications_termination_securities": m0018,
  "0019_opening_officials": m0019,
  "0021_upload_locks": m0021,
  "0022_signing_requests": m0022,
  "0025_objections_complaints": m0025,
  "0027_evaluation_and_award": m0027,
};
