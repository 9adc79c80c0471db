import type { Readable } from "node:stream";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { toBigInt } from "#app/server/db.server.ts";
import { findProject } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { relationTo } from "./tendering-rules.server.ts";

export interface DownloadTenderDocumentOptions {
  actor: Actor;
  documentId: string;
  meta: RequestMeta;
}

/**
 * The file of a tender document, to registered bidders, the agency, the tenderer and the
 * regulator only (ARCHITECTURE.md §4; the public checks the SHA-256 instead). Every download is
 * recorded (who, when, from where); who downloaded is never shown to other bidders (办法 21).
 */
export async function downloadTenderDocument(
  app: AppContext,
  opts: DownloadTenderDocumentOptions,
): Promise<{ stream: Readable; filename: string; sha256: string; size: bigint }> {
  const { actor } = opts;
  const doc = await app.db.selectFrom("tender_documents").selectAll().where("id", "=", opts.documentId).executeTakeFirst();
  if (!doc) throw new AppError("NOT_FOUND", { what: "document" });
  const project = (await findProject(app.db, doc.project_id))!;
  const relation = relationTo(actor, project);
  // Not yet issued: only the parties (and the regulator) may see a draft version.
  if (!doc.issued_at && !relation) throw new AppError("NOT_FOUND", { what: "document" });
  if (!relation) {
    const registered = await app.db
      .selectFrom("registrations as r")
      .innerJoin("sections as s", "s.id", "r.section_id")
      .select("r.id")
      .where("s.project_id", "=", project.id)
      .where("r.organisation_id", "=", actor.membership.organisationId)
      .executeTakeFirst();
    if (!registered) throw new AppError("TENDER_DOCUMENT_RESTRICTED");
  }
  const stream = await storageFor(app).get(doc.storage_key);
  const now = app.clock.now();
  await app.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("document_downloads")
      .values({
        document_id: doc.id,
        organisation_id: actor.membership.organisationId,
        person_id: actor.personId,
        ip: opts.meta.ip,
        downloaded_at: now,
      })
      .execute();
    await appendAudit(trx, {
      event: { type: "tender_document.downloaded", data: { documentId: doc.id, organisationId: actor.membership.organisationId } },
      actor: auditActorOf(actor, opts.meta),
      at: now,
    });
  });
  return { stream, filename: doc.filename, sha256: doc.sha256, size: toBigInt(doc.size) };
}
