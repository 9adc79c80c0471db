import { randomUUID } from "node:crypto";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { findProject, sectionsOf, factsOf } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { sectionPhase } from "#app/domain/tendering/section-phase.ts";
import { requireProjectManager } from "./tendering-rules.server.ts";

export interface UploadTenderDocumentOptions {
  actor: Actor;
  projectId: string;
  title: string;
  filename: string;
  bytes: Uint8Array;
  meta: RequestMeta;
}

export const MAX_DOCUMENT_BYTES = 100 * 1024 * 1024;

/**
 * The agency (or self-tendering tenderer) uploads a version of the tender documents (PDF). It is
 * issued with the publication, or later with a clarification; until then only the parties see it.
 * The file is stored first and its row written after, so a failed upload leaves no row.
 */
export async function uploadTenderDocument(app: AppContext, opts: UploadTenderDocumentOptions) {
  const project = await findProject(app.db, opts.projectId);
  if (!project) throw new AppError("NOT_FOUND", { what: "project" });
  requireProjectManager(opts.actor, project);
  const now = app.clock.now();
  const open = (await sectionsOf(app.db, project.id)).some((s) => ["draft", "published"].includes(sectionPhase(factsOf(s), now)));
  if (!open)
    throw new AppError("SECTION_UNEXPECTED_PHASE", {
      current: "opening",
      expected: "draft / published",
      currentZh: "开标",
      expectedZh: "草稿、公告中",
    });
  if (
    opts.bytes.byteLength === 0 ||
    opts.bytes.byteLength > MAX_DOCUMENT_BYTES ||
    Buffer.from(opts.bytes.subarray(0, 5)).toString("latin1") !== "%PDF-"
  )
    throw new AppError("NOT_A_PDF", { filename: opts.filename });

  const stored = await storageFor(app).put(`tender-documents/${project.id}/${randomUUID()}.pdf`, opts.bytes);
  return app.db.transaction().execute(async (trx) => {
    await trx.selectFrom("projects").select("id").where("id", "=", project.id).forUpdate().executeTakeFirstOrThrow();
    const last = await trx
      .selectFrom("tender_documents")
      .select((eb) => eb.fn.max("version").as("v"))
      .where("project_id", "=", project.id)
      .executeTakeFirst();
    const version = Number(last?.v ?? 0) + 1;
    const { id } = await trx
      .insertInto("tender_documents")
      .values({
        project_id: project.id,
        version,
        title: opts.title,
        filename: opts.filename,
        storage_key: stored.key,
        sha256: stored.sha256,
        size: stored.size,
        uploaded_by: opts.actor.personId,
        uploaded_at: now,
        issued_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      event: {
        type: "tender_document.uploaded",
        data: { projectId: project.id, documentId: id, version, sha256: stored.sha256, size: stored.size },
      },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    return { documentId: id, version, sha256: stored.sha256 };
  });
}
