import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { sql } from "kysely";
import { appendAudit, SYSTEM_ACTOR } from "#app/server/audit.server.ts";
import type { TimedTask } from "./scheduler.ts";
import { uploadsDirectory } from "#app/server/storage.server.ts";

/**
 * Abandoned bid uploads (ARCHITECTURE.md §4 step 5; decision 15). tus keeps an unfinished upload
 * as two files in `$BIDHALL_DATA_DIR/uploads`: `<id>` (the bytes so far) and `<id>.json` (its
 * length and the metadata the server wrote: section, organisation, person). This task removes
 * - every unfinished upload of a section whose deadline has passed — NOTE 办法 27: an upload not
 *   finished at the deadline counts as withdrawn, and the last complete version (a bid version
 *   exists only with its receipt) stands untouched;
 * - every upload untouched for `STALE_AFTER_HOURS`, whatever its section, so nothing lingers;
 * and writes one `bid.upload_discarded` audit row per upload (办法 49).
 *
 * A complete upload (every byte received) is left to the stale rule only: its last PATCH is
 * turning it into a bid right now (submitBid took `now` before the deadline), and
 * onUploadFinish deletes its files either way; only a crash leaves one behind.
 *
 * Time. The rule runs on the platform clock. File mtimes are on the system clock, which is not
 * the platform clock under BIDHALL_CLOCK (fixed or offset), so no mtime is ever compared with
 * `now`: size and mtime only form a *signature* of activity, and the sweep keeps, per upload, the
 * platform time at which it first saw the current signature (`.sweep-state`, a JSON file beside
 * the uploads, so a restart forgets nothing; tus never reads it: it has no `.json` twin).
 * "Untouched for 24 h" thus means: the same signature at every sweep for 24 h of platform time.
 * Activity is noticed at the next sweep (at most one scheduler interval late), and an upload the
 * sweep has not seen before (after an outage) starts its 24 h when first seen: errors go towards
 * keeping an upload longer, never towards discarding it early. Moving a test clock forward ages
 * uploads exactly as it ages deadlines.
 *
 * Several schedulers may sweep at once: a transaction-scoped advisory lock lets one sweep at a
 * time (the others skip the tick), the audit row is written once per upload id (looked up before
 * writing), and the files are deleted only after that row is committed, so a crash in between
 * leaves files that the next sweep deletes without a second row. The sweep must see the same
 * directory as the web process that receives the uploads (in production the worker runs the
 * scheduler: share `uploads/` between them, as tus resumption across instances requires anyway).
 */
export const STALE_AFTER_HOURS = 24;
const STALE_AFTER_MS = STALE_AFTER_HOURS * 3_600_000;
/** Any constant works; it only has to be the same for every sweeper. */
const SWEEP_LOCK_KEY = 0x7570_6c64; // "upld"
const STATE_FILE = ".sweep-state";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The directory app/web/uploads.server.ts gives its tus FileStore. */
export { uploadsDirectory };

export type DiscardReason = "deadline" | "stale";

/** Since when (platform time, ISO-8601) an upload has shown its current signature. */
export interface Sighting {
  signature: string;
  since: string;
}

/** Pure: what the sweep does at `now` with one upload. */
export function judgeUpload(
  upload: { signature: string; unfinished: boolean; deadlineAt: Date | undefined },
  previous: Sighting | undefined,
  now: Date,
): { sighting: Sighting; discard: DiscardReason | undefined } {
  const sighting = previous?.signature === upload.signature ? previous : { signature: upload.signature, since: now.toISOString() };
  if (upload.unfinished && upload.deadlineAt && now >= upload.deadlineAt) return { sighting, discard: "deadline" }; // 办法 27
  if (now.getTime() - Date.parse(sighting.since) >= STALE_AFTER_MS) return { sighting, discard: "stale" };
  return { sighting, discard: undefined };
}

interface UploadOnDisk {
  id: string;
  /** Bytes received so far; undefined when the data file is missing. */
  bytes: number | undefined;
  /** Declared Upload-Length; undefined while deferred or when `<id>.json` is missing or unreadable. */
  length: number | undefined;
  hasConfig: boolean;
  metadata: Record<string, unknown>;
  signature: string;
}

async function statOrUndefined(file: string) {
  try {
    return await fs.stat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** Every upload in the directory, from `<id>` and `<id>.json` (either may be missing after a crash). */
async function scan(dir: string, names: string[]): Promise<UploadOnDisk[]> {
  const ids = new Set<string>();
  for (const name of names) {
    if (name.startsWith(".")) continue; // our state file and its temporary copies
    if (name.endsWith(".json")) ids.add(name.slice(0, -".json".length));
    else if (!name.includes(".")) ids.add(name);
  }
  const uploads: UploadOnDisk[] = [];
  for (const id of ids) {
    const [data, config] = await Promise.all([statOrUndefined(path.join(dir, id)), statOrUndefined(path.join(dir, `${id}.json`))]);
    if (!data && !config) continue; // removed since readdir (a finished upload)
    let length: number | undefined;
    let metadata: Record<string, unknown> = {};
    if (config) {
      try {
        const json = JSON.parse(await fs.readFile(path.join(dir, `${id}.json`), "utf8")) as { size?: unknown; metadata?: unknown };
        if (typeof json.size === "number") length = json.size;
        if (json.metadata && typeof json.metadata === "object") metadata = json.metadata as Record<string, unknown>;
      } catch {
        // removed since stat, or unreadable: judged by the stale rule alone
      }
    }
    const activity = data ?? config!;
    uploads.push({
      id,
      bytes: data?.size,
      length,
      hasConfig: config !== undefined,
      metadata,
      signature: `${data ? "d" : "c"}:${activity.size}:${activity.mtimeMs}`,
    });
  }
  return uploads;
}

async function readState(file: string): Promise<Record<string, Sighting>> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as Record<string, Sighting>;
  } catch {
    return {}; // none yet (or torn by a crash): every upload is seen afresh, which only keeps them longer
  }
}

async function writeState(file: string, state: Record<string, Sighting>): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString("hex")}`;
  await fs.writeFile(tmp, JSON.stringify(state));
  await fs.rename(tmp, file);
}

const uuidOrNull = (v: unknown) => (typeof v === "string" && UUID.test(v) ? v : null);

export const uploadCleanup: TimedTask = {
  name: "bidding.upload-cleanup",
  async run(app, now) {
    const dir = uploadsDirectory(app);
    if (!(await statOrUndefined(dir))) return 0; // no upload has ever arrived in this process's directory
    const statePath = path.join(dir, STATE_FILE);

    const { discarded, recorded } = await app.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${SWEEP_LOCK_KEY}) as locked`.execute(trx);
      if (!rows[0]?.locked) return { discarded: [] as UploadOnDisk[], recorded: 0 }; // another instance is sweeping
      const names = await fs.readdir(dir);
      // A sweeper that died between writing and renaming its state left a copy: only the lock holder writes them.
      for (const name of names) if (name.startsWith(`${STATE_FILE}.`)) await fs.rm(path.join(dir, name), { force: true });
      const uploads = await scan(dir, names);
      const sectionIds = [...new Set(uploads.map((u) => uuidOrNull(u.metadata.sectionId)).filter((id) => id !== null))];
      const deadlines = new Map(
        sectionIds.length === 0
          ? []
          : (await trx.selectFrom("sections").select(["id", "deadline_at"]).where("id", "in", sectionIds).execute()).map((s) => [
              s.id,
              s.deadline_at,
            ]),
      );
      const previous = await readState(statePath);
      const next: Record<string, Sighting> = {};
      const discarded: UploadOnDisk[] = [];
      let recorded = 0;
      for (const upload of uploads) {
        const sectionId = uuidOrNull(upload.metadata.sectionId);
        const unfinished = upload.hasConfig && upload.bytes !== undefined && (upload.length === undefined || upload.bytes < upload.length);
        const { sighting, discard } = judgeUpload(
          { signature: upload.signature, unfinished, deadlineAt: sectionId ? deadlines.get(sectionId) : undefined },
          previous[upload.id],
          now,
        );
        if (!discard) {
          next[upload.id] = sighting;
          continue;
        }
        discarded.push(upload);
        // Half an upload (a crash between tus's two writes, or after onUploadFinish's first delete)
        // is housekeeping, not a bidder's upload: it is removed without an audit row.
        if (!upload.hasConfig || upload.bytes === undefined) continue;
        const already = await trx
          .selectFrom("audit_log")
          .select("seq")
          .where("type", "=", "bid.upload_discarded")
          .where(sql<string>`data->>'uploadId'`, "=", upload.id)
          .executeTakeFirst();
        if (already) continue; // recorded by an earlier sweep that died before deleting the files
        await appendAudit(trx, {
          event: {
            type: "bid.upload_discarded",
            data: {
              uploadId: upload.id,
              sectionId,
              organisationId: uuidOrNull(upload.metadata.organisationId),
              personId: uuidOrNull(upload.metadata.personId),
              bytesReceived: upload.bytes,
              uploadLength: upload.length ?? null,
              reason: discard,
            },
          },
          actor: SYSTEM_ACTOR,
          at: now,
        });
        recorded++;
      }
      await writeState(statePath, next);
      return { discarded, recorded };
    });

    // After the commit: `<id>.json` first, so the upload can no longer be resumed, then its bytes.
    for (const upload of discarded) {
      await fs.rm(path.join(dir, `${upload.id}.json`), { force: true });
      await fs.rm(path.join(dir, upload.id), { force: true });
    }
    if (discarded.length > 0) app.log.info("discarded abandoned uploads", { uploads: discarded.length, audited: recorded });
    return recorded;
  },
};
