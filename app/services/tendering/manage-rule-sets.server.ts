import { z } from "zod";
import { AppError } from "#app/domain/shared/app-error.ts";
import { PROCUREMENT_TYPES, ruleSetBreaches, type ProcurementType, type RuleSet } from "#app/domain/tendering/rule-set.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { currentRuleSet } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import { breachError } from "./tendering-rules.server.ts";

const days = z.number().int().min(0).max(365);
/** What the operator may set: every number of DOMAIN.md §4, within sane bounds. */
export const RuleSetChange = z.object({
  documentsToDeadlineDays: days,
  documentsOnSaleCount: z.number().int().min(1).max(60),
  documentsOnSaleUnit: z.enum(["calendarDays", "workingDays"]),
  clarificationLeadDays: days,
  documentObjectionLeadDays: days,
  bidSecurityMaxBasisPoints: z.number().int().min(0).max(10_000),
  performanceSecurityMaxBasisPoints: z.number().int().min(0).max(10_000),
  minimumBids: z.number().int().min(1).max(50),
});
export type RuleSetChange = z.infer<typeof RuleSetChange>;

/** Every rule set version by type, newest first, with who made it. */
export async function listRuleSets(app: AppContext, actor: Actor) {
  requirePermission(actor, "manage:ruleset:any");
  const rows = await app.db
    .selectFrom("rule_sets as r")
    .leftJoin("people as p", "p.id", "r.created_by")
    .select(["r.procurement_type", "r.version", "r.rules", "r.note", "r.created_at", "p.name as createdBy"])
    .orderBy("r.procurement_type")
    .orderBy("r.version", "desc")
    .execute();
  return PROCUREMENT_TYPES.map((type) => {
    const versions = rows.filter((r) => r.procurement_type === type).map((r) => ({ ...r, rules: r.rules as RuleSet }));
    return { type, current: versions[0]!, history: versions };
  });
}

/**
 * A new version of a procurement type's rule set; earlier versions stay as history. Sections already
 * published keep their dates. Each number may be stricter than the law, never looser (decision 33):
 * a refused change names the rule, its statutory bound and source, and leaves the version in force.
 */
export async function updateRuleSet(
  app: AppContext,
  opts: { actor: Actor; procurementType: ProcurementType; change: RuleSetChange; note: string; meta: RequestMeta },
) {
  requirePermission(opts.actor, "manage:ruleset:any");
  const change = RuleSetChange.safeParse(opts.change);
  // A note with NUL or other control characters cannot be stored (PostgreSQL text): bad input, not a 500.
  const badNote = !opts.note.trim() || opts.note.length > 500 || /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(opts.note);
  if (!change.success || badNote) throw new AppError("VALIDATION_FAILED", { field: change.success ? "note" : "rules" });
  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    await trx.selectFrom("rule_sets").select("id").where("procurement_type", "=", opts.procurementType).forUpdate().execute();
    const { version, rules: previous } = await currentRuleSet(trx, opts.procurementType);
    const c = change.data;
    const rules: RuleSet = {
      ...previous,
      documentsToDeadlineDays: c.documentsToDeadlineDays,
      documentsOnSale: { count: c.documentsOnSaleCount, unit: c.documentsOnSaleUnit },
      clarificationLeadDays: c.clarificationLeadDays,
      documentObjectionLeadDays: c.documentObjectionLeadDays,
      bidSecurityMaxBasisPoints: c.bidSecurityMaxBasisPoints,
      performanceSecurityMaxBasisPoints: c.performanceSecurityMaxBasisPoints,
      minimumBids: c.minimumBids,
    };
    // Decision 33: stricter than the law, never looser; the refusal names the first number beyond it and its source.
    const [breach] = ruleSetBreaches(rules);
    if (breach) throw breachError(breach, opts.procurementType);
    await trx
      .insertInto("rule_sets")
      .values({
        procurement_type: opts.procurementType,
        version: version + 1,
        rules: JSON.stringify(rules),
        note: opts.note.trim(),
        created_by: opts.actor.personId,
        created_at: now,
      })
      .execute();
    await appendAudit(trx, {
      event: {
        type: "rule_set.changed",
        data: { procurementType: opts.procurementType, version: version + 1, note: opts.note.trim(), rules: { ...rules } },
      },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    return { version: version + 1 };
  });
}
