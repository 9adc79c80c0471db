import { z } from "zod";
import { AppError } from "#app/domain/shared/app-error.ts";
import { fenSchema } from "#app/domain/shared/money.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";

/**
 * A guarantor's products (decision 0057): what kind of guarantee, at what fee (a rate in basis
 * points of the amount, with a minimum), for which procurement types and regions. Only the
 * guarantor's `operate` members keep them; a bidder sees the active ones serving its section.
 */
export const ProductInput = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(["bid", "performance"]),
  feeRateBp: z.coerce.number().int().min(0).max(10_000),
  minimumFeeFen: fenSchema,
  procurementTypes: z.array(z.enum(["engineering", "government"])).min(1),
  regionCodes: z
    .array(z.string().regex(/^[0-9]{2,6}$/))
    .min(1)
    .max(50),
  active: z.boolean(),
});
export type ProductInput = z.infer<typeof ProductInput>;

function guard(actor: Actor) {
  requirePermission(actor, "manage:guarantee-product:own");
  if (actor.membership.organisationStatus !== "approved")
    throw new AppError("ORGANISATION_NOT_APPROVED", {
      name: actor.membership.organisationName,
      status: actor.membership.organisationStatus,
    });
}

export async function createGuaranteeProduct(app: AppContext, opts: { actor: Actor; input: ProductInput; meta: RequestMeta }) {
  const { actor, input } = opts;
  guard(actor);
  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("guarantee_products")
      .values({
        guarantor_organisation_id: actor.membership.organisationId,
        name: input.name,
        kind: input.kind,
        fee_rate_bp: input.feeRateBp,
        minimum_fee_fen: input.minimumFeeFen,
        procurement_types: input.procurementTypes,
        region_codes: input.regionCodes,
        active: input.active,
        created_by: actor.personId,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      event: {
        type: "guarantee_product.created",
        data: {
          productId: row.id,
          name: input.name,
          active: input.active,
          feeRateBp: input.feeRateBp,
          minimumFeeFen: String(input.minimumFeeFen),
        },
      },
      actor: auditActorOf(actor, opts.meta),
      at: now,
    });
    return { productId: row.id };
  });
}

export async function updateGuaranteeProduct(
  app: AppContext,
  opts: { actor: Actor; productId: string; input: ProductInput; meta: RequestMeta },
) {
  const { actor, input } = opts;
  guard(actor);
  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("guarantee_products")
      .set({
        name: input.name,
        kind: input.kind,
        fee_rate_bp: input.feeRateBp,
        minimum_fee_fen: input.minimumFeeFen,
        procurement_types: input.procurementTypes,
        region_codes: input.regionCodes,
        active: input.active,
        updated_at: now,
      })
      .where("id", "=", opts.productId)
      .where("guarantor_organisation_id", "=", actor.membership.organisationId)
      .returning("id")
      .executeTakeFirst();
    if (!updated) throw new AppError("NOT_FOUND", { what: "guarantee product" });
    await appendAudit(trx, {
      event: {
        type: "guarantee_product.updated",
        data: {
          productId: updated.id,
          name: input.name,
          active: input.active,
          feeRateBp: input.feeRateBp,
          minimumFeeFen: String(input.minimumFeeFen),
        },
      },
      actor: auditActorOf(actor, opts.meta),
      at: now,
    });
    return { productId: updated.id };
  });
}

/** The guarantor's own products (any member may read them). */
export async function listOwnGuaranteeProducts(app: AppContext, actor: Actor) {
  if (!actor.membership.kinds.includes("guarantor")) throw new AppError("FORBIDDEN");
  const rows = await app.db
    .selectFrom("guarantee_products")
    .selectAll()
    .where("guarantor_organisation_id", "=", actor.membership.organisationId)
    .orderBy("created_at")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    feeRateBp: r.fee_rate_bp,
    minimumFeeFen: String(r.minimum_fee_fen),
    procurementTypes: r.procurement_types,
    regionCodes: r.region_codes,
    active: r.active,
  }));
}
