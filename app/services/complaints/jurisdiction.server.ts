import { z } from "zod";
import { JURISDICTION_INDUSTRIES } from "#app/domain/complaint/jurisdiction.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { findRegion, regionWithin } from "#app/domain/shared/regions.ts";
import { PROCUREMENT_TYPES } from "#app/domain/tendering/rule-set.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";

export const JurisdictionEntry = z.object({
  regionCode: z.string().regex(/^\d{6}$/),
  procurementType: z.enum(PROCUREMENT_TYPES),
  industry: z.enum(JURISDICTION_INDUSTRIES),
});
export type JurisdictionEntry = z.infer<typeof JurisdictionEntry>;

/** The regulator's declared jurisdiction (decision 0062). */
export async function readJurisdiction(app: AppContext, actor: Actor) {
  requirePermission(actor, "handle:complaint:jurisdiction");
  const rows = await app.db
    .selectFrom("regulator_jurisdictions as j")
    .innerJoin("people as p", "p.id", "j.declared_by")
    .select(["j.region_code", "j.procurement_type", "j.industry", "j.declared_at", "p.name as declared_by"])
    .where("j.organisation_id", "=", actor.membership.organisationId)
    .orderBy("j.region_code")
    .orderBy("j.procurement_type")
    .orderBy("j.industry")
    .execute();
  return {
    entries: rows.map((r) => ({
      regionCode: r.region_code,
      procurementType: r.procurement_type,
      industry: r.industry,
      declaredAt: r.declared_at,
      declaredBy: r.declared_by,
    })),
    organisationRegion: actor.membership.regionCode,
  };
}

/**
 * Replaces the regulator's declared jurisdiction with `entries`: every region must be a known
 * one inside the regulator's own region (a city's bureau cannot claim the province). Complaints
 * already routed keep their regulators; new ones follow the new declaration.
 */
export async function declareJurisdiction(app: AppContext, opts: { actor: Actor; entries: JurisdictionEntry[]; meta: RequestMeta }) {
  const { actor } = opts;
  requirePermission(actor, "handle:complaint:jurisdiction");
  const now = app.clock.now();
  const own = actor.membership.regionCode;
  const entries = [...new Map(opts.entries.map((e) => [`${e.regionCode}|${e.procurementType}|${e.industry}`, e])).values()];
  if (entries.length > 200) throw new AppError("VALIDATION_FAILED", { issues: ["entries"] });
  for (const e of entries)
    if (!findRegion(e.regionCode) || !regionWithin(e.regionCode, own))
      throw new AppError("VALIDATION_FAILED", { issues: [`regionCode:${e.regionCode}`] });
  const organisationId = actor.membership.organisationId;
  await app.db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom("regulator_jurisdictions").where("organisation_id", "=", organisationId).executeTakeFirst();
    if (entries.length)
      await trx
        .insertInto("regulator_jurisdictions")
        .values(
          entries.map((e) => ({
            organisation_id: organisationId,
            region_code: e.regionCode,
            procurement_type: e.procurementType,
            industry: e.industry,
            declared_by: actor.personId,
            declared_at: now,
          })),
        )
        .execute();
    await appendAudit(trx, {
      event: { type: "jurisdiction.declared", data: { organisationId, added: entries, removed: Number(removed.numDeletedRows) } },
      actor: auditActorOf(actor, opts.meta),
      at: now,
    });
  });
}
