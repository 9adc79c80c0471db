import { createHash } from "node:crypto";
import type { Transaction } from "kysely";
import type { SecurityOffer } from "#app/domain/credit/bid-security.ts";
import { verifySecurity, type GuaranteeVerificationFacts, type SecurityVerification } from "#app/domain/guarantee/verify-guarantee.ts";
import { appendAudit, SYSTEM_ACTOR } from "#app/server/audit.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { toBigInt } from "#app/server/db.server.ts";
import { beneficiaryHolder, bindingRef, enqueueGuaranteeBind, readGuaranteeOnChain } from "#app/server/ledger/guarantees.server.ts";
import { organisationHolder } from "#app/server/ledger/keys.server.ts";
import { verifyPdf } from "#app/server/pdf/verify.server.ts";
import { loadPlatformTrust } from "#app/server/pki/platform-pki.server.ts";
import type { LoadedOpening, LoadedOpeningBid } from "#app/server/repo/openings.server.ts";
import { creditStanding } from "#app/server/repo/tendering.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import type { Database } from "#db/schema.ts";

/**
 * Verification of a decrypted bid's security (核验, issue 14, decision 0060). `gatherSecurityFacts`
 * reads everything the rule needs — the guarantee row, the ledger, the signed PDF, the credit data
 * — before the decryption's transaction (the chain and the PDF check are slow and must not hold
 * the opening's lock); `recordSecurityVerification` decides with the pure rule inside it, stores
 * the result with the bid and queues the binding on the ledger, so the guarantee cannot secure a
 * second bid. A ledger that cannot be read leaves the verification failed with that reason; it
 * never blocks the decryption.
 */
export async function gatherSecurityFacts(
  app: AppContext,
  loaded: LoadedOpening,
  bid: LoadedOpeningBid,
  inBid: SecurityOffer,
): Promise<GuaranteeVerificationFacts> {
  const { section, project } = loaded;
  const [{ records }, version] = await Promise.all([
    creditStanding(app.db, bid.uscc),
    // The platform guarantee declared beside the envelope (decision 0072).
    app.db.selectFrom("bid_versions").select("security_guarantee_id").where("id", "=", bid.bidVersionId).executeTakeFirst(),
  ]);
  const base: GuaranteeVerificationFacts = {
    declared: bid.declaredSecurity,
    declaredGuaranteeId: version?.security_guarantee_id ?? null,
    inBid,
    bidderOrganisationId: bid.organisationId,
    sectionId: section.id,
    bidVersionId: bid.bidVersionId,
    tendererOrganisationId: project.tenderer_organisation_id,
    requiredFen: toBigInt(section.bid_security_fen),
    deadline: section.deadline_at,
    bidValidityDays: section.bid_validity_days,
    acceptedForms: section.security_forms,
    creditRecords: records,
    guarantee: null,
    onChain: null,
    accounts: null,
    bindingRef: null,
    document: null,
  };
  if (inBid.kind !== "guarantee") return base;
  const reference = inBid.reference.trim();
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(reference);
  const isLedgerId = /^0x[0-9a-f]{64}$/i.test(reference);
  if (!isUuid && !isLedgerId) return base;
  const row = await app.db
    .selectFrom("guarantees as g")
    .innerJoin("organisations as o", "o.id", "g.guarantor_organisation_id")
    .select([
      "g.id",
      "g.ledger_id",
      "g.salt",
      "g.guarantor_organisation_id",
      "g.document_key",
      "g.applicant_organisation_id",
      "g.section_id",
      "g.bound_bid_version_id",
      "o.kinds",
      "o.status",
      "o.uscc",
    ])
    .where(isUuid ? "g.id" : "g.ledger_id", "=", isUuid ? reference.toLowerCase() : reference.toLowerCase())
    .where("g.status", "not in", ["issuing", "issue_failed"])
    .executeTakeFirst();
  if (!row) return base;
  const facts: GuaranteeVerificationFacts = {
    ...base,
    guarantee: {
      id: row.id,
      ledgerId: row.ledger_id,
      salt: row.salt,
      guarantorOrganisationId: row.guarantor_organisation_id,
      guarantorIsGuarantor: row.status === "approved" && row.kinds.includes("guarantor"),
      applicantOrganisationId: row.applicant_organisation_id,
      sectionId: row.section_id,
      boundBidVersionId: row.bound_bid_version_id,
    },
    bindingRef: bindingRef(row.salt, bid.bidVersionId),
    document: await checkDocument(app, row.document_key, row.uscc),
  };
  const ledger = app.ledger;
  if (!ledger) return { ...facts, ledgerUnreadable: true };
  try {
    const [onChain, guarantor, beneficiary] = await Promise.all([
      readGuaranteeOnChain(ledger, row.ledger_id),
      ledger.deps.accounts.addressOf(organisationHolder(row.guarantor_organisation_id)),
      ledger.deps.accounts.addressOf(beneficiaryHolder(row.id)),
    ]);
    return { ...facts, onChain, accounts: { guarantor, beneficiary } };
  } catch (e) {
    app.log.warn("guarantee verification: the ledger could not be read", { error: e instanceof Error ? e.message : String(e) });
    return { ...facts, ledgerUnreadable: true };
  }
}

/** The stored letter: its SHA-256 and whether its signatures hold with a signer of the guarantor (by USCC). */
async function checkDocument(app: AppContext, key: string | null, guarantorUscc: string): Promise<GuaranteeVerificationFacts["document"]> {
  if (!key) return null;
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of await storageFor(app).get(key)) chunks.push(chunk as Buffer);
  } catch {
    return null;
  }
  const bytes = Buffer.concat(chunks);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const trust = await loadPlatformTrust(app.db);
  const report = await verifyPdf(bytes, {
    trustedRoots: [trust.rootPem],
    validationTime: app.clock.now(),
    platformCertificates: trust.platformCertificates,
  });
  const signedByGuarantor =
    report.signatures.length > 0 && report.signatures.some((s) => s.signer?.organizationIdentifier === guarantorUscc);
  return { sha256, signatureValid: report.valid, signedByGuarantor, problem: report.problems[0] ?? null };
}

/**
 * Decides, stores the verification with the opening bid, queues the binding and audits — in the
 * decryption's transaction. Returns what was stored.
 */
export async function recordSecurityVerification(
  trx: Transaction<Database>,
  input: {
    openingId: string;
    openingBidId: string;
    organisationId: string;
    bidVersionId: string;
    facts: GuaranteeVerificationFacts;
    now: Date;
  },
): Promise<SecurityVerification> {
  const v = verifySecurity(input.facts);
  await trx
    .updateTable("opening_bids")
    .set({ security_verification: JSON.stringify(v) })
    .where("id", "=", input.openingBidId)
    .execute();
  const g = input.facts.guarantee;
  if (v.bind && g) {
    await enqueueGuaranteeBind(trx, { id: g.id, ledger_id: g.ledgerId, salt: g.salt }, input.bidVersionId, input.now);
    await trx.updateTable("guarantees").set({ bound_bid_version_id: input.bidVersionId }).where("id", "=", g.id).execute();
  }
  await appendAudit(trx, {
    event: {
      type: "opening.security_verified",
      data: {
        openingId: input.openingId,
        organisationId: input.organisationId,
        outcome: v.outcome,
        codes: v.failures.map((f) => f.code),
        guaranteeId: g?.id ?? null,
      },
    },
    actor: SYSTEM_ACTOR,
    at: input.now,
  });
  return v;
}
