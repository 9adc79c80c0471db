import type { BidState } from "#app/domain/bidding/bid-state.ts";
import { byNearestDeadline } from "#app/domain/bidding/worklist-order.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { sectionPhase, type SectionPhase } from "#app/domain/tendering/section-phase.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { loadPlatformTrust } from "#app/server/pki/platform-pki.server.ts";
import { verifySignedJsonDocument } from "#app/server/pki/verify-signed-json.server.ts";
import { bidFacts, stateOf } from "#app/server/repo/bids.server.ts";
import { factsOf, findProject, findSection } from "#app/server/repo/tendering.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";

export interface OwnBidVersion {
  version: number;
  receiptNo: string;
  receivedAt: Date;
  size: string;
  envelopeSha256: string;
  packageDigest: string;
  submittedBy: string;
  security: { kind: string; reference: string } | null;
}

export interface OwnBid {
  section: { id: string; code: string; name: string; deadlineAt: Date; phase: SectionPhase; remedyAllowed: boolean };
  project: { id: string; code: string; name: string };
  registered: boolean;
  state: BidState;
  /** Newest first. Every version is kept for the audit trail; only the standing one is opened. */
  versions: OwnBidVersion[];
  withdrawals: { afterVersion: number; withdrawnAt: Date; withdrawnBy: string }[];
}

/**
 * The caller's own bid in a section: what it submitted, when, and what stands now. Before the
 * deadline nobody else learns that it has bid (ARCHITECTURE.md §4 "who sees what"), so this reads
 * only the caller's organisation.
 */
export async function readOwnBid(app: AppContext, actor: Actor, sectionId: string): Promise<OwnBid> {
  requirePermission(actor, "submit:bid:own");
  const section = await findSection(app.db, sectionId);
  if (!section) throw new AppError("NOT_FOUND", { what: "section" });
  const project = (await findProject(app.db, section.project_id))!;
  const now = app.clock.now();
  const phase = sectionPhase(factsOf(section), now);
  if (phase === "draft") throw new AppError("NOT_FOUND", { what: "section" });
  const organisationId = actor.membership.organisationId;
  const registered = await app.db
    .selectFrom("registrations")
    .select("id")
    .where("section_id", "=", section.id)
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
  const facts = await bidFacts(app.db, section.id, organisationId);
  return {
    section: {
      id: section.id,
      code: section.code,
      name: section.name,
      deadlineAt: section.deadline_at,
      phase,
      remedyAllowed: section.remedy_allowed,
    },
    project: { id: project.id, code: project.code, name: project.name },
    registered: registered !== undefined,
    state: stateOf(facts),
    versions: facts.versions.map((v) => ({
      version: v.version,
      receiptNo: v.receipt_no,
      receivedAt: v.received_at,
      size: String(v.size),
      envelopeSha256: v.envelope_sha256,
      packageDigest: v.package_digest,
      submittedBy: v.submitted_by,
      security: v.security_kind && v.security_reference ? { kind: v.security_kind, reference: v.security_reference } : null,
    })),
    withdrawals: facts.withdrawals.map((w) => ({
      afterVersion: w.after_version,
      withdrawnAt: w.withdrawn_at,
      withdrawnBy: w.withdrawn_by,
    })),
  };
}

/** One receipt of the caller's organisation, as the platform signed it (a page and a `.jws` download). */
export async function readOwnReceipt(app: AppContext, actor: Actor, receiptNo: string) {
  requirePermission(actor, "submit:bid:own");
  const row = await app.db
    .selectFrom("bid_versions as v")
    .innerJoin("bids as b", "b.id", "v.bid_id")
    .innerJoin("sections as s", "s.id", "b.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .innerJoin("people as who", "who.id", "v.submitted_by")
    .select([
      "v.receipt_no",
      "v.receipt_jws",
      "v.version",
      "v.received_at",
      "v.size",
      "v.envelope_sha256",
      "v.package_digest",
      "v.security_kind",
      "v.security_reference",
      "who.name as submitted_by",
      "s.id as section_id",
      "s.code as section_code",
      "s.name as section_name",
      "s.deadline_at",
      "p.id as project_id",
      "p.name as project_name",
    ])
    .where("v.receipt_no", "=", receiptNo)
    .where("b.organisation_id", "=", actor.membership.organisationId) // owner filter: another's receipt is "not found"
    .executeTakeFirst();
  if (!row) throw new AppError("NOT_FOUND", { what: "receipt" });
  // Shown as checked, not merely stored: the signature and the platform certificate that made it
  // (pinned: decision 27), named by its subject.
  const trust = await loadPlatformTrust(app.db);
  const verified = await verifySignedJsonDocument(row.receipt_jws, {
    rootPem: trust.rootPem,
    intermediatesPem: [trust.issuingPem],
    platformCertificates: trust.platformCertificates,
    now: app.clock.now(),
  });
  return { ...row, signer: verified.signer.description, signatureProblems: verified.problems };
}

/**
 * The sections the caller's organisation registered for, each with its bid state: the bidder's
 * worklist, the nearest deadline first (open sections, then the most recently closed; decision 45).
 */
export async function listOwnBids(app: AppContext, actor: Actor) {
  requirePermission(actor, "submit:bid:own");
  const now = app.clock.now();
  const organisationId = actor.membership.organisationId;
  const rows = await app.db
    .selectFrom("registrations as r")
    .innerJoin("sections as s", "s.id", "r.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .selectAll("s")
    .select(["p.name as project_name", "p.code as project_code", "r.registered_at"])
    .where("r.organisation_id", "=", organisationId)
    .execute();
  const ordered = byNearestDeadline(
    rows.map((s) => ({ ...s, deadlineAt: s.deadline_at, tieBreak: s.code })),
    now,
  );
  return Promise.all(
    ordered.map(async (s) => {
      const facts = await bidFacts(app.db, s.id, organisationId);
      return {
        sectionId: s.id,
        sectionCode: s.code,
        sectionName: s.name,
        projectId: s.project_id,
        projectName: s.project_name,
        deadlineAt: s.deadline_at,
        phase: sectionPhase(factsOf(s), now),
        state: stateOf(facts),
        lastReceiptNo: facts.versions[0]?.receipt_no ?? null,
      };
    }),
  );
}
