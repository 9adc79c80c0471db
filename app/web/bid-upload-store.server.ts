import fs from "node:fs/promises";
import path from "node:path";
import { FileStore } from "@tus/file-store";
import type { Upload } from "@tus/server";
import { sql } from "kysely";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatBytes } from "#app/domain/shared/bytes.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";

/**
 * One unfinished upload per organisation and section (decision 25). tus keeps an upload as two
 * files in the uploads directory, `<id>` (the bytes so far) and `<id>.json` (its length and the
 * metadata onUploadCreate wrote: section, organisation, person). Creating an upload while the
 * organisation has another unfinished one for the same section
 * - is refused (`BID_UPLOAD_IN_PROGRESS`) while that one is still receiving: it received a byte
 *   within the last {@link UPLOAD_IDLE_SECONDS} (or was just created) — two uploads at once would
 *   only race to become the next version;
 * - replaces it once it has gone idle for that long (a browser closed halfway, a re-sealed
 *   envelope, the offline tool started over): the idle one is discarded with a
 *   `bid.upload_discarded` audit row (reason `replaced`, the new uploader as actor), so a bidder is
 *   never locked out until the 24-hour clean-up (app/jobs/upload-cleanup.ts).
 * Idleness is real elapsed time (the data file's mtime against the system clock), not the platform
 * clock: it measures a network transfer, which a test's fixed platform clock does not stop.
 *
 * Several web instances share the directory (tus resumption needs that anyway): the check and the
 * creation run under a transaction-scoped advisory lock per organisation and section, and an
 * idle upload's files are deleted only after its audit row is committed, like the clean-up does.
 */
export const UPLOAD_IDLE_SECONDS = 120;
/** First key of the two-key advisory lock; the second is the hash of organisation and section. */
const LOCK_CLASS = 0x7570_6c63; // "uplc"

/** Who is creating an upload, handed from onUploadCreate (which has the request) to the store (which has not). */
export interface UploadCreation {
  actor: Actor;
  meta: RequestMeta;
}

interface UnfinishedUpload {
  id: string;
  personId: string | undefined;
  received: number;
  length: number | undefined;
  lastActivityMs: number;
}

async function unfinishedUploads(directory: string, organisationId: string, sectionId: string): Promise<UnfinishedUpload[]> {
  const found: UnfinishedUpload[] = [];
  let names: string[];
  try {
    names = await fs.readdir(directory);
  } catch {
    return found; // no upload yet
  }
  for (const name of names) {
    if (!name.endsWith(".json") || name.startsWith(".")) continue;
    const id = name.slice(0, -".json".length);
    try {
      const info = JSON.parse(await fs.readFile(path.join(directory, name), "utf8")) as {
        size?: unknown;
        metadata?: Record<string, unknown>;
      };
      if (info.metadata?.organisationId !== organisationId || info.metadata?.sectionId !== sectionId) continue;
      const data = await fs.stat(path.join(directory, id));
      const length = typeof info.size === "number" ? info.size : undefined;
      if (length !== undefined && data.size >= length) continue; // complete: becoming a bid right now
      const personId = typeof info.metadata.personId === "string" ? info.metadata.personId : undefined;
      found.push({ id, personId, received: data.size, length, lastActivityMs: data.mtimeMs });
    } catch {
      // removed meanwhile (finished or swept), or half written: not an upload in progress
    }
  }
  return found;
}

export class BidUploadStore extends FileStore {
  /** Filled by onUploadCreate for the upload it has just authorised. */
  readonly creations = new WeakMap<Upload, UploadCreation>();

  constructor(
    private readonly app: AppContext,
    readonly dir: string,
  ) {
    super({ directory: dir });
  }

  override async create(upload: Upload): Promise<Upload> {
    const creation = this.creations.get(upload);
    const organisationId = upload.metadata?.organisationId;
    const sectionId = upload.metadata?.sectionId;
    if (!creation || !organisationId || !sectionId) throw new Error("an upload reached the store without onUploadCreate");
    const now = this.app.clock.now();
    const { created, replaced } = await this.app.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${`${organisationId}:${sectionId}`}))`.execute(trx);
      const open = await unfinishedUploads(this.dir, organisationId, sectionId);
      const active = open.find((u) => Date.now() - u.lastActivityMs < UPLOAD_IDLE_SECONDS * 1000);
      if (active) {
        const person = active.personId
          ? await trx.selectFrom("people").select("name").where("id", "=", active.personId).executeTakeFirst()
          : undefined;
        throw new AppError("BID_UPLOAD_IN_PROGRESS", {
          startedBy: person?.name ?? "—",
          received: `${formatBytes(active.received)} / ${active.length === undefined ? "?" : formatBytes(active.length)}`,
          retryAfterSeconds: Math.max(1, Math.ceil(UPLOAD_IDLE_SECONDS - (Date.now() - active.lastActivityMs) / 1000)),
          idleSeconds: UPLOAD_IDLE_SECONDS,
        });
      }
      for (const idle of open)
        await appendAudit(trx, {
          event: {
            type: "bid.upload_discarded",
            data: {
              uploadId: idle.id,
              sectionId,
              organisationId,
              personId: idle.personId ?? null,
              bytesReceived: idle.received,
              uploadLength: idle.length ?? null,
              reason: "replaced",
            },
          },
          actor: auditActorOf(creation.actor, creation.meta),
          at: now,
        });
      return { created: await super.create(upload), replaced: open };
    });
    // After the commit, as the clean-up does: `<id>.json` first, so it can no longer be resumed, then its bytes.
    for (const idle of replaced) {
      await fs.rm(path.join(this.dir, `${idle.id}.json`), { force: true });
      await fs.rm(path.join(this.dir, idle.id), { force: true });
    }
    return created;
  }
}
