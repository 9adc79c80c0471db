import { gradeAt } from "#app/domain/credit/credit.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";

/**
 * The operator's credit desk: the imports (newest first) and, for every USCC with data, the
 * grade in force and active bans, with each organisation's name where it has joined.
 */
export async function readCreditOverview(app: AppContext, actor: Actor) {
  requirePermission(actor, "manage:credit:any");
  const now = app.clock.now();
  const [imports, records, bans, organisations] = await Promise.all([
    app.db.selectFrom("credit_imports").selectAll().orderBy("imported_at", "desc").limit(20).execute(),
    app.db.selectFrom("credit_records").selectAll().orderBy("effective_from").execute(),
    app.db.selectFrom("credit_bans").selectAll().orderBy("from_at").execute(),
    app.db.selectFrom("organisations").select(["uscc", "name"]).execute(),
  ]);
  const usccs = [...new Set([...records.map((r) => r.uscc), ...bans.map((b) => b.uscc)])].sort();
  const standings = usccs.map((uscc) => {
    const mine = records
      .filter((r) => r.uscc === uscc)
      .map((r) => ({ grade: r.grade, effectiveFrom: r.effective_from, effectiveTo: r.effective_to, source: r.source, reason: r.reason }));
    const current = gradeAt(mine, now);
    const active = bans
      .filter((b) => b.uscc === uscc && b.from_at <= now && now < b.until_at)
      .map((b) => ({ scope: b.scope, basis: b.basis, from: b.from_at, until: b.until_at }));
    return { uscc, organisation: organisations.find((o) => o.uscc === uscc)?.name ?? null, current, history: mine.length, bans: active };
  });
  return { imports, standings };
}
