import { PROCUREMENT_TYPES, type RuleSet } from "#app/domain/tendering/rule-set.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { toCount } from "#app/server/db.server.ts";
import { currentRuleSet } from "#app/server/repo/tendering.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";

/**
 * What the new-project form needs: the approved tenderers an agency may work for, the rule sets
 * in force (to show the bid security cap as people type), and a suggested project code.
 */
export async function projectFormContext(app: AppContext, actor: Actor) {
  requirePermission(actor, "create:project:own");
  const m = actor.membership;
  const tenderers = m.kinds.includes("agency")
    ? await app.db
        .selectFrom("organisations")
        .select(["id", "name"])
        .where("status", "=", "approved")
        .where((eb) => eb(eb.val("tenderer"), "=", eb.fn.any("kinds")))
        .where("id", "!=", m.organisationId)
        .orderBy("name")
        .execute()
    : [];
  const rules = Object.fromEntries(
    await Promise.all(PROCUREMENT_TYPES.map(async (type) => [type, (await currentRuleSet(app.db, type)).rules] as const)),
  ) as Record<(typeof PROCUREMENT_TYPES)[number], RuleSet>;
  const now = app.clock.now();
  const year = now.getUTCFullYear();
  const count = toCount(
    (
      await app.db
        .selectFrom("projects")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("code", "like", `E${m.regionCode}${year}%`)
        .executeTakeFirstOrThrow()
    ).n,
  );
  return {
    tenderers,
    selfTendering: m.kinds.includes("tenderer"),
    regionCode: m.regionCode,
    rules,
    suggestedCode: `E${m.regionCode}${year}${String(count + 1).padStart(6, "0")}`,
    now,
  };
}
