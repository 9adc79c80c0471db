import { createHash } from "node:crypto";
import { parseCreditFile } from "#app/domain/credit/credit-file.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit, SYSTEM_ACTOR } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";

export interface ImportCreditOptions {
  /** The operator on the web; null for the CLI (`bidhall credit import`), which acts as the system. */
  actor: Actor | null;
  filename: string;
  content: string;
  meta?: RequestMeta;
}

const MAX_ERRORS_SHOWN = 20;

/**
 * Imports credit grades and bans (DOMAIN.md §6) from a CSV or JSON file, all or nothing: any bad
 * line refuses the whole file, naming every bad line. Records are appended (history is kept); the
 * grade in force is always derived from them with `gradeAt`.
 */
export async function importCredit(app: AppContext, opts: ImportCreditOptions) {
  if (opts.actor) requirePermission(opts.actor, "manage:credit:any");
  const { lines, problems } = parseCreditFile(opts.content, opts.filename);
  if (problems.length) {
    const shown = problems.slice(0, MAX_ERRORS_SHOWN);
    const more = problems.length - shown.length;
    throw new AppError("CREDIT_IMPORT_INVALID", {
      errorsZh: shown.map((p) => `第 ${p.line} 行：${p.zh}`).join("；") + (more ? `；另有 ${more} 处错误` : ""),
      errorsEn: shown.map((p) => `line ${p.line}: ${p.en}`).join("; ") + (more ? `; and ${more} more` : ""),
      lines: [...new Set(problems.map((p) => p.line))],
    });
  }
  const now = app.clock.now();
  const sha256 = createHash("sha256").update(opts.content, "utf8").digest("hex");
  const actor = opts.actor
    ? auditActorOf(opts.actor, opts.meta ?? { ip: "unknown", userAgent: "" })
    : { ...SYSTEM_ACTOR, userAgent: "bidhall-cli" };
  return app.db.transaction().execute(async (trx) => {
    const { id: importId } = await trx
      .insertInto("credit_imports")
      .values({ filename: opts.filename, sha256, rows: lines.length, imported_by: opts.actor?.personId ?? null, imported_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    const records = lines.filter((l) => l.grade !== null);
    const bans = lines.filter((l) => l.ban !== null);
    if (records.length)
      await trx
        .insertInto("credit_records")
        .values(
          records.map((l) => ({
            uscc: l.uscc,
            grade: l.grade!,
            effective_from: l.effectiveFrom,
            effective_to: l.effectiveTo,
            source: l.source,
            reason: l.reason,
            import_id: importId,
            line: l.line,
          })),
        )
        .execute();
    if (bans.length)
      await trx
        .insertInto("credit_bans")
        .values(
          bans.map((l) => ({
            uscc: l.uscc,
            scope: l.ban!.scope,
            basis: l.reason,
            source: l.source,
            from_at: l.effectiveFrom,
            until_at: l.ban!.until,
            import_id: importId,
            line: l.line,
          })),
        )
        .execute();
    await appendAudit(trx, {
      event: { type: "credit.imported", data: { importId, filename: opts.filename, sha256, records: records.length, bans: bans.length } },
      actor,
      at: now,
    });
    return { importId, records: records.length, bans: bans.length };
  });
}
