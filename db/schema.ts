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

export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type OrganisationUpdate = Updateable<OrganisationsTable>;
export type Person = Selectable<PeopleTable>;
export type Membership = Selectable<MembershipsTable>;
export type Invitation = Selectable<InvitationsTable>;
export type AuditRow = Selectable<AuditLogTable>;
