import { CLAIM_GROUNDS } from "#app/domain/guarantee/claims.ts";
import { verificationText, type SecurityVerification } from "#app/domain/guarantee/verify-guarantee.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";

/**
 * The tenderer's and the agency's view of a section's bid guarantees after the opening (decision
 * 0070): the guarantees bound to a bid at decryption, each with its verification, its state on the
 * ledger and its claims; the contract signing date that releases them. Before the deadline (or a
 * termination) the list does not exist: who bid, and how many, is sealed (法 22, decision 23).
 */

const DAY = 86_400_000;

/** The sections of the actor's projects (as tenderer or agency) whose bids are no longer sealed. */
export async function listGuaranteeSections(app: AppContext, actor: Actor) {
  if (!actor.permissions.has("create:project:own")) throw new AppError("FORBIDDEN", { permission: "create:project:own" });
  const own = actor.membership.organisationId;
  const now = app.clock.now();
  const rows = await app.db
    .selectFrom("sections as s")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .select((eb) => [
      "s.id",
      "s.code",
      "s.name",
      "s.deadline_at",
      "s.contract_signed_at",
      "p.name as project_name",
      "p.tenderer_organisation_id",
      eb
        .selectFrom("guarantees as g")
        .select((e) => e.fn.countAll<string | number>().as("n"))
        .whereRef("g.section_id", "=", "s.id")
        .where("g.bound_bid_version_id", "is not", null)
        .as("bound"),
      eb
        .selectFrom("guarantee_claims as c")
        .innerJoin("guarantees as g2", "g2.id", "c.guarantee_id")
        .select((e) => e.fn.countAll<string | number>().as("n"))
        .whereRef("g2.section_id", "=", "s.id")
        .where("c.status", "in", ["lodging", "pending"])
        .as("open_claims"),
    ])
    .where((eb) => eb.or([eb("p.tenderer_organisation_id", "=", own), eb("p.agency_organisation_id", "=", own)]))
    .where((eb) => eb.or([eb("s.deadline_at", "<=", now), eb("s.cancelled_at", "<=", now)]))
    .orderBy("s.deadline_at", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    section: `${r.code} ${r.name}`,
    projectName: r.project_name,
    deadlineAt: r.deadline_at.toISOString(),
    contractSignedAt: r.contract_signed_at?.toISOString() ?? null,
    bound: Number(r.bound ?? 0),
    openClaims: Number(r.open_claims ?? 0),
    tenderer: r.tenderer_organisation_id === own,
  }));
}

export async function readSectionGuarantees(app: AppContext, actor: Actor, sectionId: string) {
  const own = actor.membership.organisationId;
  const now = app.clock.now();
  const section = await app.db
    .selectFrom("sections as s")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .select([
      "s.id",
      "s.code",
      "s.name",
      "s.deadline_at",
      "s.cancelled_at",
      "s.failed_at",
      "s.contract_signed_at",
      "s.bid_security_fen",
      "p.name as project_name",
      "p.tenderer_organisation_id",
      "p.agency_organisation_id",
    ])
    .where("s.id", "=", sectionId)
    .executeTakeFirst();
  if (!section || ![section.tenderer_organisation_id, section.agency_organisation_id].includes(own))
    throw new AppError("NOT_FOUND", { what: "section" });
  if (!actor.permissions.has("create:project:own")) throw new AppError("FORBIDDEN", { permission: "create:project:own" });
  const unsealed = section.deadline_at <= now || (section.cancelled_at !== null && section.cancelled_at <= now);
  const guarantees = unsealed
    ? await app.db
        .selectFrom("guarantees as g")
        .innerJoin("organisations as ap", "ap.id", "g.applicant_organisation_id")
        .innerJoin("organisations as gu", "gu.id", "g.guarantor_organisation_id")
        .leftJoin("opening_bids as ob", "ob.bid_version_id", "g.bound_bid_version_id")
        .select([
          "g.id",
          "g.ledger_id",
          "g.status",
          "g.amount_fen",
          "g.valid_until",
          "g.claim_period_days",
          "g.bound_at",
          "g.released_at",
          "g.beneficiary_organisation_id",
          "ap.name as applicant_name",
          "gu.name as guarantor_name",
          "ob.security_verification",
          "ob.result as decryption",
        ])
        .where("g.section_id", "=", section.id)
        .where("g.bound_bid_version_id", "is not", null)
        .orderBy("ap.name")
        .execute()
    : [];
  const claims =
    guarantees.length > 0
      ? await app.db
          .selectFrom("guarantee_claims")
          .select(["id", "guarantee_id", "ground", "amount_fen", "status", "error", "lodged_at", "settled_at", "decline_reason"])
          .where(
            "guarantee_id",
            "in",
            guarantees.map((g) => g.id),
          )
          .orderBy("lodged_at")
          .execute()
      : [];
  const isTenderer = section.tenderer_organisation_id === own;
  return {
    section: {
      id: section.id,
      code: section.code,
      name: section.name,
      projectName: section.project_name,
      deadlineAt: section.deadline_at.toISOString(),
      contractSignedAt: section.contract_signed_at?.toISOString() ?? null,
      endedWithoutAward: !!section.failed_at || !!section.cancelled_at,
      requiredFen: String(section.bid_security_fen),
    },
    sealed: !unsealed,
    guarantees: guarantees.map((g) => {
      const v = g.security_verification as SecurityVerification | null;
      return {
        id: g.id,
        ledgerId: g.ledger_id,
        status: g.status,
        amountFen: String(g.amount_fen),
        validUntil: g.valid_until.toISOString(),
        claimDeadline: new Date(g.valid_until.getTime() + g.claim_period_days * DAY).toISOString(),
        boundAt: g.bound_at?.toISOString() ?? null,
        releasedAt: g.released_at?.toISOString() ?? null,
        applicantName: g.applicant_name,
        guarantorName: g.guarantor_name,
        decryption: g.decryption,
        verification: v ? { outcome: v.outcome, text: verificationText(v) } : null,
        claims: claims
          .filter((c) => c.guarantee_id === g.id)
          .map((c) => ({
            id: c.id,
            ground: { zh: CLAIM_GROUNDS[c.ground].zh, en: CLAIM_GROUNDS[c.ground].en },
            amountFen: String(c.amount_fen),
            status: c.status,
            error: c.error,
            lodgedAt: c.lodged_at.toISOString(),
            declineReason: c.decline_reason,
          })),
      };
    }),
    can: {
      /** The tenderer's `record:result:own` member records the signing date and lodges claims (the agency reads). */
      act: isTenderer && actor.permissions.has("record:result:own"),
    },
  };
}
