import type { Kysely, Transaction } from "kysely";
import { bidState, type BidState } from "#app/domain/bidding/bid-state.ts";
import type { Database } from "#db/schema.ts";

type Executor = Kysely<Database> | Transaction<Database>;

/** Versions and withdrawals of one organisation's bid in one section (owner filter in the query). */
export async function bidFacts(db: Executor, sectionId: string, organisationId: string) {
  const [versions, withdrawals] = await Promise.all([
    db
      .selectFrom("bid_versions as v")
      .innerJoin("bids as b", "b.id", "v.bid_id")
      .innerJoin("people as p", "p.id", "v.submitted_by")
      .select([
        "v.version",
        "v.receipt_no",
        "v.received_at",
        "v.size",
        "v.envelope_sha256",
        "v.package_digest",
        "v.security_kind",
        "v.security_reference",
        "p.name as submitted_by",
      ])
      .where("b.section_id", "=", sectionId)
      .where("b.organisation_id", "=", organisationId)
      .orderBy("v.version", "desc")
      .execute(),
    db
      .selectFrom("bid_withdrawals as w")
      .innerJoin("bids as b", "b.id", "w.bid_id")
      .innerJoin("people as p", "p.id", "w.withdrawn_by")
      .select(["w.after_version", "w.withdrawn_at", "p.name as withdrawn_by"])
      .where("b.section_id", "=", sectionId)
      .where("b.organisation_id", "=", organisationId)
      .orderBy("w.withdrawn_at", "desc")
      .execute(),
  ]);
  return { versions, withdrawals };
}

/** The bid's state from its facts (app/domain/bidding/bid-state.ts). */
export function stateOf(facts: Awaited<ReturnType<typeof bidFacts>>): BidState {
  return bidState(
    facts.versions.map((v) => ({ version: v.version, receivedAt: v.received_at })),
    facts.withdrawals.map((w) => ({ afterVersion: w.after_version, withdrawnAt: w.withdrawn_at })),
  );
}
