import { z } from "zod";
import { applicationRefusal, guaranteeFee, productServes, requiredValidity } from "#app/domain/guarantee/application.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatYuan, yuanSchema } from "#app/domain/shared/money.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { factsOf, findProject, findSection } from "#app/server/repo/tendering.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";
import { guardPhase } from "#app/services/tendering/tendering-rules.server.ts";
import { findApplication, recordStep } from "./application-steps.server.ts";

/**
 * A bidder applies for a bid guarantee (decision 0057). It chooses among every active product
 * serving the section's procurement type and region (the tenderer may not designate one); the
 * amount, validity and beneficiary are the section's, prefilled, and the application is refused
 * when the section is not open, the organisation is not registered for it, the amount is below
 * the section's bid security or the validity does not cover the bid validity period. A refusal
 * saves nothing.
 */

async function loadOpenSection(app: AppContext, actor: Actor, sectionId: string, now: Date) {
  requirePermission(actor, "apply:guarantee:own");
  const section = await findSection(app.db, sectionId);
  if (!section) throw new AppError("NOT_FOUND", { what: "section" });
  guardPhase(factsOf(section), ["published"], now);
  const registered = await app.db
    .selectFrom("registrations")
    .select("id")
    .where("section_id", "=", section.id)
    .where("organisation_id", "=", actor.membership.organisationId)
    .executeTakeFirst();
  if (!registered) throw new AppError("BID_NOT_REGISTERED", { section: section.code });
  const project = (await findProject(app.db, section.project_id))!;
  return { section, project };
}

/** What the bidder's apply form shows: the section's requirement and every guarantor product serving it. */
export async function guaranteeOptionsFor(app: AppContext, actor: Actor, sectionId: string) {
  const now = app.clock.now();
  const { section, project } = await loadOpenSection(app, actor, sectionId, now);
  const products = await app.db
    .selectFrom("guarantee_products as g")
    .innerJoin("organisations as o", "o.id", "g.guarantor_organisation_id")
    .select([
      "g.id",
      "g.name",
      "g.kind",
      "g.fee_rate_bp",
      "g.minimum_fee_fen",
      "g.procurement_types",
      "g.region_codes",
      "g.active",
      "o.name as guarantor_name",
    ])
    .where("g.active", "=", true)
    .where("o.status", "=", "approved")
    .orderBy("o.name")
    .orderBy("g.name")
    .execute();
  const need = requiredValidity({
    securityFen: BigInt(section.bid_security_fen),
    deadlineAt: section.deadline_at,
    bidValidityDays: section.bid_validity_days,
  });
  const amount = BigInt(section.bid_security_fen);
  const beneficiary = await app.db
    .selectFrom("organisations")
    .select(["name"])
    .where("id", "=", project.tenderer_organisation_id)
    .executeTakeFirstOrThrow();
  return {
    section: { id: section.id, code: section.code, name: section.name, projectName: project.name },
    amountFen: String(amount),
    validFrom: need.from,
    validUntil: need.until,
    beneficiaryName: beneficiary.name,
    products: products
      .filter((p) =>
        productServes(
          { kind: p.kind, active: p.active, procurementTypes: p.procurement_types, regionCodes: p.region_codes },
          { procurementType: project.procurement_type, regionCode: project.region_code },
        ),
      )
      .map((p) => ({
        id: p.id,
        name: p.name,
        guarantorName: p.guarantor_name,
        feeRateBp: p.fee_rate_bp,
        feeFen: String(guaranteeFee(amount, p.fee_rate_bp, BigInt(p.minimum_fee_fen))),
      })),
  };
}

export const ApplyInput = z.object({
  productId: z.string().uuid(),
  amountYuan: yuanSchema,
  validFrom: z.coerce.date(),
  validUntil: z.coerce.date(),
  note: z.string().trim().max(2000).default(""),
});
export type ApplyInput = z.infer<typeof ApplyInput>;

export async function applyForGuarantee(app: AppContext, opts: { actor: Actor; sectionId: string; input: ApplyInput; meta: RequestMeta }) {
  const { actor, input } = opts;
  const now = app.clock.now();
  if (actor.membership.organisationStatus !== "approved")
    throw new AppError("ORGANISATION_NOT_APPROVED", {
      name: actor.membership.organisationName,
      status: actor.membership.organisationStatus,
    });
  const { section, project } = await loadOpenSection(app, actor, opts.sectionId, now);
  const product = await app.db
    .selectFrom("guarantee_products as g")
    .innerJoin("organisations as o", "o.id", "g.guarantor_organisation_id")
    .selectAll("g")
    .select("o.status as guarantor_status")
    .where("g.id", "=", input.productId)
    .executeTakeFirst();
  if (!product) throw new AppError("NOT_FOUND", { what: "guarantee product" });
  const serves =
    product.guarantor_status === "approved" &&
    product.guarantor_organisation_id !== actor.membership.organisationId &&
    productServes(
      { kind: product.kind, active: product.active, procurementTypes: product.procurement_types, regionCodes: product.region_codes },
      { procurementType: project.procurement_type, regionCode: project.region_code },
    );
  if (!serves) throw new AppError("GUARANTEE_PRODUCT_NOT_SERVING", { section: section.code });
  const refusal = applicationRefusal(
    { amountFen: input.amountYuan, validFrom: input.validFrom, validUntil: input.validUntil },
    { securityFen: BigInt(section.bid_security_fen), deadlineAt: section.deadline_at, bidValidityDays: section.bid_validity_days },
  );
  if (refusal?.code === "GUARANTEE_AMOUNT_TOO_LOW")
    throw new AppError(refusal.code, {
      amountYuan: formatYuan(BigInt(refusal.params.amount)),
      requiredYuan: formatYuan(BigInt(refusal.params.required)),
    });
  if (refusal?.code === "GUARANTEE_VALIDITY_TOO_SHORT")
    throw new AppError(refusal.code, {
      from: formatShanghai(new Date(refusal.params.from)),
      until: formatShanghai(new Date(refusal.params.until)),
      requiredFrom: formatShanghai(new Date(refusal.params.requiredFrom)),
      requiredUntil: formatShanghai(new Date(refusal.params.requiredUntil)),
    });

  const fee = guaranteeFee(input.amountYuan, product.fee_rate_bp, BigInt(product.minimum_fee_fen));
  return app.db.transaction().execute(async (trx) => {
    // One live application per organisation and section: lock the section's row for the check.
    await trx.selectFrom("sections").select("id").where("id", "=", section.id).forUpdate().execute();
    const live = await trx
      .selectFrom("guarantee_applications")
      .select("id")
      .where("section_id", "=", section.id)
      .where("applicant_organisation_id", "=", actor.membership.organisationId)
      .where("status", "not in", ["declined"])
      .executeTakeFirst();
    if (live) throw new AppError("GUARANTEE_APPLICATION_EXISTS", { section: section.code });
    const row = await trx
      .insertInto("guarantee_applications")
      .values({
        product_id: product.id,
        guarantor_organisation_id: product.guarantor_organisation_id,
        section_id: section.id,
        applicant_organisation_id: actor.membership.organisationId,
        applicant_person_id: actor.personId,
        beneficiary_organisation_id: project.tenderer_organisation_id,
        amount_fen: input.amountYuan,
        valid_from: input.validFrom,
        valid_until: input.validUntil,
        fee_fen: fee,
        note: input.note,
        status: "submitted",
        submitted_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const application = (await findApplication(trx, row.id))!;
    await recordStep(
      app,
      trx,
      actor,
      opts.meta,
      { application, step: "submitted", audit: "guarantee_application.submitted", text: input.note || null },
      now,
    );
    return { applicationId: row.id, feeFen: String(fee) };
  });
}
