import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { readApplicationHistory } from "./application-history.server.ts";

/**
 * What the guarantor's portal reads (decision 0070): its applications queue, one application with
 * its history, fee and guarantee, its issued guarantees and the claims lodged on them. Every query
 * is filtered by the guarantor's own organisation: an application of another guarantor does not
 * exist for it. Before the deadline an application tells who means to bid on a section, which
 * only the applicant and its guarantor may know (decision 0057): nothing here goes to anyone else.
 */

const DAY = 86_400_000;

function requireGuarantor(actor: Actor): string {
  if (!actor.membership.kinds.includes("guarantor")) throw new AppError("FORBIDDEN", { permission: "view:guarantee:own" });
  return actor.membership.organisationId;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function listGuarantorApplications(app: AppContext, actor: Actor) {
  const own = requireGuarantor(actor);
  const rows = await app.db
    .selectFrom("guarantee_applications as a")
    .innerJoin("sections as s", "s.id", "a.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .innerJoin("organisations as ap", "ap.id", "a.applicant_organisation_id")
    .innerJoin("guarantee_products as gp", "gp.id", "a.product_id")
    .select([
      "a.id",
      "a.status",
      "a.amount_fen",
      "a.fee_fen",
      "a.valid_from",
      "a.valid_until",
      "a.submitted_at",
      "a.updated_at",
      "ap.name as applicant_name",
      "s.code as section_code",
      "s.name as section_name",
      "s.deadline_at",
      "p.name as project_name",
      "gp.name as product_name",
    ])
    .where("a.guarantor_organisation_id", "=", own)
    .orderBy("a.updated_at", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    amountFen: String(r.amount_fen),
    feeFen: String(r.fee_fen),
    validFrom: r.valid_from.toISOString(),
    validUntil: r.valid_until.toISOString(),
    submittedAt: r.submitted_at.toISOString(),
    applicantName: r.applicant_name,
    section: `${r.section_code} ${r.section_name}`,
    projectName: r.project_name,
    deadlineAt: r.deadline_at.toISOString(),
    productName: r.product_name,
  }));
}

/** One application of the guarantor: the section's terms it was prefilled from, its history, the fee and the guarantee. */
export async function readGuarantorApplication(app: AppContext, actor: Actor, applicationId: string) {
  const own = requireGuarantor(actor);
  const a = await app.db
    .selectFrom("guarantee_applications as a")
    .innerJoin("sections as s", "s.id", "a.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .innerJoin("organisations as ap", "ap.id", "a.applicant_organisation_id")
    .innerJoin("organisations as be", "be.id", "a.beneficiary_organisation_id")
    .innerJoin("guarantee_products as gp", "gp.id", "a.product_id")
    .select([
      "a.id",
      "a.status",
      "a.amount_fen",
      "a.fee_fen",
      "a.valid_from",
      "a.valid_until",
      "a.note",
      "a.decline_reason",
      "a.documents_requested",
      "a.issue_error",
      "a.submitted_at",
      "a.guarantor_organisation_id",
      "ap.name as applicant_name",
      "ap.uscc as applicant_uscc",
      "be.name as beneficiary_name",
      "s.code as section_code",
      "s.name as section_name",
      "s.deadline_at",
      "s.bid_security_fen",
      "s.bid_validity_days",
      "p.name as project_name",
      "p.code as project_code",
      "gp.name as product_name",
      "gp.fee_rate_bp",
    ])
    .where("a.id", "=", applicationId)
    .executeTakeFirst();
  if (!a || a.guarantor_organisation_id !== own) throw new AppError("NOT_FOUND", { what: "guarantee application" });
  const [history, guarantee] = await Promise.all([
    readApplicationHistory(app.db, a.id),
    app.db
      .selectFrom("guarantees")
      .select(["id", "ledger_id", "status", "issue_error", "document_sha256", "issued_at", "claim_period_days"])
      .where("application_id", "=", a.id)
      .executeTakeFirst(),
  ]);
  const deadline = a.deadline_at;
  return {
    id: a.id,
    status: a.status,
    amountFen: String(a.amount_fen),
    feeFen: String(a.fee_fen),
    feeRateBp: a.fee_rate_bp,
    validFrom: a.valid_from.toISOString(),
    validUntil: a.valid_until.toISOString(),
    note: a.note,
    declineReason: a.decline_reason,
    documentsRequested: a.documents_requested,
    issueError: a.issue_error,
    submittedAt: a.submitted_at.toISOString(),
    applicantName: a.applicant_name,
    applicantUscc: a.applicant_uscc,
    beneficiaryName: a.beneficiary_name,
    productName: a.product_name,
    section: {
      code: a.section_code,
      name: a.section_name,
      projectName: a.project_name,
      projectCode: a.project_code,
      deadlineAt: deadline.toISOString(),
      requiredFen: String(a.bid_security_fen),
      bidValidityDays: a.bid_validity_days,
      validityUntil: new Date(deadline.getTime() + a.bid_validity_days * DAY).toISOString(),
    },
    events: history.events.map((e) => ({ ...e, at: e.at.toISOString() })),
    payment: history.payment ? { ...history.payment, paidAt: history.payment.paidAt.toISOString() } : null,
    guarantee: guarantee
      ? {
          id: guarantee.id,
          ledgerId: guarantee.ledger_id,
          status: guarantee.status,
          issueError: guarantee.issue_error,
          documentSha256: guarantee.document_sha256,
          issuedAt: iso(guarantee.issued_at),
          /** Waiting for the `sign` member's signature in the browser. */
          awaitingSignature: guarantee.status === "issuing" && !guarantee.document_sha256,
        }
      : null,
    can: {
      underwrite: actor.permissions.has("issue:guarantee:own"),
      sign: actor.permissions.has("sign:guarantee:own"),
    },
  };
}

/** The guarantor's guarantees: status on the ledger, bound, released, claimed. */
export async function listGuarantorGuarantees(app: AppContext, actor: Actor) {
  const own = requireGuarantor(actor);
  const rows = await app.db
    .selectFrom("guarantees as g")
    .innerJoin("sections as s", "s.id", "g.section_id")
    .innerJoin("organisations as ap", "ap.id", "g.applicant_organisation_id")
    .innerJoin("organisations as be", "be.id", "g.beneficiary_organisation_id")
    .select([
      "g.id",
      "g.application_id",
      "g.ledger_id",
      "g.status",
      "g.amount_fen",
      "g.valid_until",
      "g.claim_period_days",
      "g.issued_at",
      "g.bound_at",
      "g.released_at",
      "ap.name as applicant_name",
      "be.name as beneficiary_name",
      "s.code as section_code",
      "s.name as section_name",
    ])
    .where("g.guarantor_organisation_id", "=", own)
    .orderBy("g.created_at", "desc")
    .execute();
  return rows.map((g) => ({
    id: g.id,
    applicationId: g.application_id,
    ledgerId: g.ledger_id,
    status: g.status,
    amountFen: String(g.amount_fen),
    validUntil: g.valid_until.toISOString(),
    claimDeadline: new Date(g.valid_until.getTime() + g.claim_period_days * DAY).toISOString(),
    issuedAt: iso(g.issued_at),
    boundAt: iso(g.bound_at),
    releasedAt: iso(g.released_at),
    applicantName: g.applicant_name,
    beneficiaryName: g.beneficiary_name,
    section: `${g.section_code} ${g.section_name}`,
  }));
}

/** Claims lodged on the guarantor's guarantees, those awaiting an answer first. */
export async function listGuarantorClaims(app: AppContext, actor: Actor) {
  const own = requireGuarantor(actor);
  const rows = await app.db
    .selectFrom("guarantee_claims as c")
    .innerJoin("guarantees as g", "g.id", "c.guarantee_id")
    .innerJoin("sections as s", "s.id", "g.section_id")
    .innerJoin("organisations as ap", "ap.id", "g.applicant_organisation_id")
    .innerJoin("organisations as be", "be.id", "g.beneficiary_organisation_id")
    .select([
      "c.id",
      "c.ground",
      "c.amount_fen",
      "c.statement",
      "c.status",
      "c.error",
      "c.lodged_at",
      "c.settled_at",
      "c.decline_reason",
      "g.ledger_id",
      "g.valid_until",
      "g.claim_period_days",
      "ap.name as applicant_name",
      "be.name as beneficiary_name",
      "s.code as section_code",
      "s.name as section_name",
    ])
    .where("g.guarantor_organisation_id", "=", own)
    .orderBy("c.lodged_at", "desc")
    .execute();
  const awaiting = (c: (typeof rows)[number]) => c.status === "pending" && !c.settled_at;
  return rows
    .map((c) => ({
      id: c.id,
      ground: c.ground,
      amountFen: String(c.amount_fen),
      statement: c.statement,
      status: c.status,
      error: c.error,
      lodgedAt: c.lodged_at.toISOString(),
      settledAt: iso(c.settled_at),
      declineReason: c.decline_reason,
      ledgerId: c.ledger_id,
      claimDeadline: new Date(c.valid_until.getTime() + c.claim_period_days * DAY).toISOString(),
      applicantName: c.applicant_name,
      beneficiaryName: c.beneficiary_name,
      section: `${c.section_code} ${c.section_name}`,
      /** On chain and not yet answered: the guarantor pays or declines. */
      awaitingAnswer: awaiting(c),
      /** Answered here; the ledger's confirmation is on its way. */
      settling: c.status === "pending" && !!c.settled_at,
    }))
    .sort((a, b) => Number(b.awaitingAnswer) - Number(a.awaitingAnswer));
}

/** The guarantor's to-do counts (dashboard): applications to underwrite or issue, claims to answer. */
export async function guarantorWork(app: AppContext, actor: Actor) {
  const own = actor.membership.organisationId;
  const [applications, toIssue, claims] = await Promise.all([
    app.db
      .selectFrom("guarantee_applications")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("guarantor_organisation_id", "=", own)
      .where("status", "=", "submitted")
      .executeTakeFirstOrThrow(),
    app.db
      .selectFrom("guarantee_applications")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("guarantor_organisation_id", "=", own)
      .where("status", "in", ["fee_paid", "issuing", "issue_failed"])
      .executeTakeFirstOrThrow(),
    app.db
      .selectFrom("guarantee_claims as c")
      .innerJoin("guarantees as g", "g.id", "c.guarantee_id")
      .select(["c.id", "c.lodged_at"])
      .where("g.guarantor_organisation_id", "=", own)
      .where("c.status", "=", "pending")
      .where("c.settled_at", "is", null)
      .orderBy("c.lodged_at")
      .execute(),
  ]);
  return { toUnderwrite: Number(applications.n), toIssue: Number(toIssue.n), claims: claims.length };
}
