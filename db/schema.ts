import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/**
 * The typed database, written by hand (docs/decisions/0004-hand-written-schema-types.md) and kept
 * in step with the migrations by test/integration/db/schema-in-step.test.ts, which compares every
 * table and column here (name and nullability) with a freshly migrated PostgreSQL.
 *
 * Conventions: timestamps are `timestamptz` and arrive as Date on both drivers; `bigint` columns
 * arrive as strings from `pg` and as numbers or bigints from PGlite, so repository code converts
 * them (see app/server/db.server.ts `toBigInt`).
 */
export interface Database {
  organisations: OrganisationsTable;
  people: PeopleTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  outbox_attempts: OutboxAttemptsTable;
  mailbox: MailboxTable;
  pki_authorities: PkiAuthoritiesTable;
  person_certificates: PersonCertificatesTable;
  pki_crls: PkiCrlsTable;
  pki_challenges: PkiChallengesTable;
  ledger_accounts: LedgerAccountsTable;
  ledger_deployment: LedgerDeploymentTable;
  ledger_journal: LedgerJournalTable;
  ledger_sends: LedgerSendsTable;
  ledger_events: LedgerEventsTable;
  ledger_index_state: LedgerIndexStateTable;
  ledger_drift: LedgerDriftTable;
  anchor_queue: AnchorQueueTable;
  anchor_batches: AnchorBatchesTable;
  anchor_proofs: AnchorProofsTable;
  rule_sets: RuleSetsTable;
  calendar_years: CalendarYearsTable;
  holidays: HolidaysTable;
  projects: ProjectsTable;
  sections: SectionsTable;
  announcements: AnnouncementsTable;
  tender_documents: TenderDocumentsTable;
  clarifications: ClarificationsTable;
  registrations: RegistrationsTable;
  document_downloads: DocumentDownloadsTable;
  credit_imports: CreditImportsTable;
  credit_records: CreditRecordsTable;
  credit_bans: CreditBansTable;
  api_tokens: ApiTokensTable;
  bids: BidsTable;
  bid_versions: BidVersionsTable;
  bid_withdrawals: BidWithdrawalsTable;
  live_events: LiveEventsTable;
  openings: OpeningsTable;
  opening_window_pauses: OpeningWindowPausesTable;
  opening_window_extensions: OpeningWindowExtensionsTable;
  opening_suspensions: OpeningSuspensionsTable;
  opening_sign_ins: OpeningSignInsTable;
  opening_bids: OpeningBidsTable;
  decryption_attempts: DecryptionAttemptsTable;
  decryption_reclassifications: DecryptionReclassificationsTable;
  platform_incidents: PlatformIncidentsTable;
  opening_objections: OpeningObjectionsTable;
  opening_messages: OpeningMessagesTable;
  opening_confirmations: OpeningConfirmationsTable;
}

import type { MemberRole, OrganisationKind } from "#app/domain/access/permissions.ts";
export type { MemberRole, OrganisationKind };
export type OrganisationStatus = "pending" | "approved" | "rejected";

export interface OrganisationsTable {
  id: Generated<string>;
  name: string;
  uscc: string;
  kinds: OrganisationKind[];
  region_code: string;
  region_name: string;
  status: OrganisationStatus;
  decided_at: Date | null;
  decided_by: string | null;
  decision_reason: string | null;
  created_at: Date;
}

export interface PeopleTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string | null;
  status: "active" | "disabled";
  created_at: Date;
}

export interface MembershipsTable {
  id: Generated<string>;
  organisation_id: string;
  person_id: string;
  roles: MemberRole[];
  status: "active" | "removed";
  created_at: Date;
}

export interface InvitationsTable {
  id: Generated<string>;
  organisation_id: string;
  email: string;
  roles: MemberRole[];
  token_hash: string;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
}

export interface SessionsTable {
  id: string;
  person_id: string;
  active_organisation_id: string | null;
  created_at: Date;
  expires_at: Date;
  ip: string;
  user_agent: string;
}

export interface LoginAttemptsTable {
  id: Generated<ColumnType<string, never, never>>;
  email: string;
  ip: string;
  succeeded: boolean;
  at: Date;
}

export interface AuditLogTable {
  seq: ColumnType<string, string | bigint, never>;
  at: Date;
  actor_person_id: string | null;
  actor_organisation_id: string | null;
  ip: string | null;
  user_agent: string | null;
  type: string;
  data: ColumnType<unknown, string, never>;
  prev_hash: string;
  hash: string;
}

export type OutboxStatus = "pending" | "running" | "done" | "failed";

export interface OutboxTable {
  id: Generated<string>;
  kind: string;
  key: string;
  payload: ColumnType<unknown, string, string>;
  status: OutboxStatus;
  attempts: Generated<number>;
  max_attempts: number;
  run_after: Date;
  locked_by: string | null;
  locked_until: Date | null;
  last_error: string | null;
  created_at: Date;
  done_at: Date | null;
}

export interface OutboxAttemptsTable {
  id: Generated<string>;
  outbox_id: string;
  attempt: number;
  worker: string;
  started_at: Date;
  finished_at: Date;
  succeeded: boolean;
  error: string | null;
}

export interface MailboxTable {
  id: Generated<string>;
  outbox_key: string;
  to_address: string;
  subject: string;
  body: string;
  sent_at: Date;
}

/** The platform CA hierarchy (db/migrations/0003_pki.ts); keys encrypted under PKI_PASSPHRASE. */
export type PkiAuthorityRole = "root" | "issuing" | "platform";

export interface PkiAuthoritiesTable {
  role: PkiAuthorityRole;
  serial_hex: string;
  subject: string;
  certificate_pem: string;
  encrypted_private_key_pem: string;
  not_before: Date;
  not_after: Date;
  fingerprint_sha256: string;
  created_at: Date;
}

export type PersonCertificateStatus = "valid" | "revoked";

export interface PersonCertificatesTable {
  serial_hex: string;
  person_id: string;
  organisation_id: string;
  subject_name: string;
  certificate_pem: string;
  not_before: Date;
  not_after: Date;
  fingerprint_sha256: string;
  status: PersonCertificateStatus;
  issued_via: "browser" | "cli";
  issued_at: Date;
  revoked_at: Date | null;
  revocation_reason: string | null;
  revoked_by: string | null;
}

export interface PkiCrlsTable {
  crl_number: ColumnType<string, string | bigint, never>;
  /** Buffer from pg, Uint8Array from PGlite. */
  der: ColumnType<Uint8Array, Uint8Array, never>;
  this_update: Date;
  next_update: Date;
  revoked_count: number;
}

export interface PkiChallengesTable {
  id: Generated<string>;
  challenge: ColumnType<Uint8Array, Uint8Array, never>;
  purpose: "login";
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

/** The ledger (db/migrations/0004_ledger.ts). Block numbers, nonces and gas are bigint columns. */
type BigintColumn = ColumnType<string, string | bigint | number, string | bigint | number>;

export interface LedgerAccountsTable {
  holder: string;
  organisation_id: string | null;
  address: string;
  encrypted_key: string | null;
  next_nonce: ColumnType<string, string | bigint | number | undefined, string | bigint | number>;
  created_at: Date;
}

export interface LedgerDeploymentTable {
  contract: string;
  chain_id: BigintColumn;
  address: string;
  tx_hash: string | null;
  block_number: BigintColumn | null;
  deployed_at: Date;
}

export interface LedgerJournalTable {
  block_number: BigintColumn;
  block_hash: string;
  block_timestamp: BigintColumn;
  raw_txs: ColumnType<string[], string, never>;
  recorded_at: Date;
}

export type LedgerSendStatus = "signed" | "confirmed" | "reverted";

export interface LedgerSendsTable {
  outbox_key: string;
  contract: string;
  method: string;
  account: string;
  nonce: BigintColumn;
  tx_hash: string;
  raw_tx: string;
  status: LedgerSendStatus;
  block_number: BigintColumn | null;
  block_time: Date | null;
  gas_used: BigintColumn | null;
  error: string | null;
  created_at: Date;
  confirmed_at: Date | null;
}

export interface LedgerEventsTable {
  block_number: BigintColumn;
  log_index: number;
  tx_hash: string;
  contract: string;
  event: string;
  subject: string;
  args: ColumnType<Record<string, unknown>, string, never>;
  block_time: Date;
}

export interface LedgerIndexStateTable {
  name: string;
  last_block: BigintColumn;
  updated_at: Date;
}

export interface LedgerDriftTable {
  id: Generated<string>;
  kind: string;
  subject: string;
  detail: string;
  found_at: Date;
  resolved_at: Date | null;
}

export interface AnchorQueueTable {
  sha256: string;
  source: string;
  queued_at: Date;
  batch_id: string | null;
}

export interface AnchorBatchesTable {
  id: Generated<string>;
  root: string;
  document_count: number;
  outbox_key: string;
  created_at: Date;
}

export interface AnchorProofsTable {
  sha256: string;
  batch_id: string;
  proof: ColumnType<string[], string, never>;
}

export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type OrganisationUpdate = Updateable<OrganisationsTable>;
export type Person = Selectable<PeopleTable>;
export type Membership = Selectable<MembershipsTable>;
export type Invitation = Selectable<InvitationsTable>;
export type AuditRow = Selectable<AuditLogTable>;

/** Tendering (db/migrations/0005_tendering.ts). Fen columns are bigint: convert with `toBigInt`. */
type FenColumn = ColumnType<string, string | bigint, string | bigint>;

export interface RuleSetsTable {
  id: Generated<string>;
  procurement_type: "engineering" | "government";
  version: number;
  /** A `RuleSet` (app/domain/tendering/rule-set.ts). */
  rules: ColumnType<unknown, string, never>;
  note: string;
  created_by: string | null;
  created_at: Date;
}

export interface CalendarYearsTable {
  year: number;
  source: string;
  loaded_by: string | null;
  loaded_at: Date;
}

export interface HolidaysTable {
  /** `date`: select it as `day::text` (pg would make a local-time Date of it). */
  day: ColumnType<string, string, string>;
  kind: "holiday" | "workday";
  name: string;
}

export interface ProjectsTable {
  id: Generated<string>;
  code: string;
  name: string;
  region_code: string;
  procurement_type: "engineering" | "government";
  mandatory_tendering: boolean;
  description: string;
  tenderer_organisation_id: string;
  agency_organisation_id: string | null;
  created_by: string;
  created_at: Date;
}

export interface SectionsTable {
  id: Generated<string>;
  project_id: string;
  sequence: number;
  code: string;
  name: string;
  estimate_fen: FenColumn;
  deadline_at: Date;
  sign_in_lead_minutes: number;
  decryption_window_minutes: number;
  confirmation_period_minutes: number;
  minimum_bids: number;
  bid_validity_days: number;
  bid_security_fen: FenColumn;
  security_forms: string[];
  remedy_allowed: boolean;
  evaluation_method: string;
  opening_form: ColumnType<unknown, string, string>;
  sale_from: Date;
  sale_until: Date;
  published_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  failed_at: Date | null;
  failed_reason: string | null;
  suspended_at: Date | null;
  created_at: Date;
}

export interface AnnouncementsTable {
  id: Generated<string>;
  project_id: string;
  version: number;
  title: string;
  body: string;
  published_at: Date;
  published_by: string;
}

export interface TenderDocumentsTable {
  id: Generated<string>;
  project_id: string;
  version: number;
  title: string;
  filename: string;
  storage_key: string;
  sha256: string;
  size: ColumnType<string, string | bigint | number, never>;
  uploaded_by: string;
  uploaded_at: Date;
  /** Set when the documents are issued (at publication, or with a clarification). */
  issued_at: Date | null;
}

export interface ClarificationsTable {
  id: Generated<string>;
  project_id: string;
  section_id: string;
  sequence: number;
  title: string;
  body: string;
  affects_preparation: boolean;
  document_id: string | null;
  old_deadline_at: Date;
  new_deadline_at: Date | null;
  issued_by: string;
  issued_at: Date;
}

export interface RegistrationsTable {
  id: Generated<string>;
  section_id: string;
  organisation_id: string;
  registered_by: string;
  registered_at: Date;
  credit_grade: string | null;
}

export interface DocumentDownloadsTable {
  id: Generated<ColumnType<string, never, never>>;
  document_id: string;
  organisation_id: string;
  person_id: string;
  ip: string;
  downloaded_at: Date;
}

export interface CreditImportsTable {
  id: Generated<string>;
  filename: string;
  sha256: string;
  rows: number;
  imported_by: string | null;
  imported_at: Date;
}

export interface CreditRecordsTable {
  id: Generated<string>;
  uscc: string;
  grade: "red" | "orange" | "blue" | "black";
  effective_from: Date;
  effective_to: Date | null;
  source: string;
  reason: string;
  import_id: string;
  line: number;
}

export interface CreditBansTable {
  id: Generated<string>;
  uscc: string;
  scope: "engineering" | "government" | "both";
  basis: string;
  source: string;
  from_at: Date;
  until_at: Date;
  import_id: string;
  line: number;
}

/** API tokens for the offline tool (db/migrations/0006_api_tokens.ts). */
export interface ApiTokensTable {
  id: Generated<string>;
  organisation_id: string;
  person_id: string;
  name: string;
  scope: "submit:bid";
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** Bids, their versions and withdrawals (db/migrations/0007_bids.ts). Ciphertext only. */
export interface BidsTable {
  id: Generated<string>;
  section_id: string;
  organisation_id: string;
  created_at: Date;
}

export interface BidVersionsTable {
  id: Generated<string>;
  bid_id: string;
  version: number;
  storage_key: string;
  envelope_sha256: string;
  package_digest: string;
  size: ColumnType<string, string | bigint | number, never>;
  recipient_serials: string[];
  submitted_by: string;
  upload_ip: string;
  upload_user_agent: string;
  received_at: Date;
  receipt_no: string;
  receipt_jws: string;
  /** Declared at submission (decision 16); bid.json inside the envelope is binding. */
  security_kind: "guarantee" | "credit-commitment" | null;
  security_reference: string | null;
}

export interface BidWithdrawalsTable {
  id: Generated<string>;
  bid_id: string;
  after_version: number;
  withdrawn_by: string;
  withdrawn_at: Date;
}

/** Live events (db/migrations/0009_live_events.ts), written only by `publishLiveEvent`. */
export interface LiveEventsTable {
  id: Generated<string>;
  /** e.g. `opening:<uuid>` (app/server/events/publish.server.ts). */
  stream: string;
  type: string;
  payload: ColumnType<unknown, string, never>;
  created_at: Date;
}

/** The online opening (db/migrations/0010_openings.ts): facts only, the phase is derived. */
export interface OpeningsTable {
  id: Generated<string>;
  section_id: string;
  created_at: Date;
  valid_bids_at_deadline: number | null;
  bidder_list_published_at: Date | null;
  window_opened_at: Date | null;
  window_closed_early_at: Date | null;
  window_ended_at: Date | null;
  all_decided_at: Date | null;
  reading_out_published_at: Date | null;
  reading_out_record_key: string | null;
  reading_out_record_sha256: string | null;
  confirmation_ended_at: Date | null;
  opening_record_key: string | null;
  opening_record_sha256: string | null;
  closed_at: Date | null;
  failed_at: Date | null;
  fail_reason: ColumnType<unknown, string | null, string | null> | null;
}

export interface OpeningWindowPausesTable {
  id: Generated<string>;
  opening_id: string;
  paused_at: Date;
  reason: string;
  paused_by: string;
  resumed_at: Date | null;
  resume_reason: string | null;
  resumed_by: string | null;
}

export interface OpeningWindowExtensionsTable {
  id: Generated<string>;
  opening_id: string;
  minutes: number;
  reason: string;
  extended_at: Date;
  extended_by: string;
}

export interface OpeningSuspensionsTable {
  id: Generated<string>;
  opening_id: string;
  suspended_at: Date;
  reason: string;
  suspended_by: string;
  resumed_at: Date | null;
  resume_reason: string | null;
  resumed_by: string | null;
}

export interface OpeningSignInsTable {
  id: Generated<string>;
  opening_id: string;
  organisation_id: string;
  person_id: string;
  certificate_serial: string;
  signed_in_at: Date;
  ip: string;
  user_agent: string;
}

export type DecryptionResultColumn = "decrypted" | "deemedRevoked" | "deemedWithdrawn";

export interface OpeningBidsTable {
  id: Generated<string>;
  opening_id: string;
  bid_version_id: string;
  organisation_id: string;
  result: DecryptionResultColumn | null;
  rule: string | null;
  decided_at: Date | null;
  fields: ColumnType<unknown, string | null, string | null> | null;
  security: ColumnType<unknown, string | null, string | null> | null;
  manifest: ColumnType<unknown, string | null, string | null> | null;
  decrypted_by: string | null;
  decryption_ip: string | null;
  /** Defects found after decryption (db/migrations/0016): a JSON array of `SecurityDefect`, `[]` when none. */
  defects: ColumnType<unknown, string | undefined, string>;
}

export interface DecryptionAttemptsTable {
  id: Generated<string>;
  opening_bid_id: string;
  person_id: string;
  kind: "key" | "remedy";
  failure: string | null;
  detail: string | null;
  attempted_at: Date;
  ip: string;
}

export interface DecryptionReclassificationsTable {
  id: Generated<string>;
  opening_bid_id: string;
  from_result: string;
  to_result: string;
  reason: string;
  reclassified_by: string;
  reclassified_at: Date;
}

export interface PlatformIncidentsTable {
  id: Generated<string>;
  started_at: Date;
  ended_at: Date;
  description: string;
  recorded_by: string;
  recorded_at: Date;
}

export interface OpeningObjectionsTable {
  id: Generated<string>;
  opening_id: string;
  organisation_id: string;
  person_id: string;
  text: string;
  raised_at: Date;
  answer: string | null;
  answered_by: string | null;
  answered_at: Date | null;
}

export interface OpeningMessagesTable {
  id: Generated<string>;
  opening_id: string;
  organisation_id: string;
  person_id: string;
  text: string;
  sent_at: Date;
  hidden_at: Date | null;
  hidden_reason: string | null;
  hidden_by: string | null;
}

export interface OpeningConfirmationsTable {
  id: Generated<string>;
  opening_id: string;
  organisation_id: string;
  person_id: string;
  decision: "confirm" | "object";
  record_sha256: string;
  confirmation_jws: string;
  signed_at: Date;
}
