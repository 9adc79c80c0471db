import { Readable } from "node:stream";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { latestLiveEventId, openingStream } from "#app/server/events/publish.server.ts";
import { sseResponse } from "#app/server/events/sse.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { loadOpening } from "./opening-context.server.ts";
import { findOpeningOfSection } from "./find-opening-of-section.server.ts";
import { readOpening, type OpeningView } from "./read-opening.server.ts";

/**
 * The opening hall page (`/sections/:id/opening`): what this viewer may see, and the live-event
 * position it was rendered at, so the page's EventSource continues from exactly there.
 */
export async function readOpeningHall(
  app: AppContext,
  actor: Actor | null,
  sectionId: string,
): Promise<{ view: OpeningView; lastEventId: string }> {
  const { openingId } = await findOpeningOfSection(app, sectionId);
  const [view, lastEventId] = await Promise.all([readOpening(app, actor, openingId), latestLiveEventId(app.db, openingStream(openingId))]);
  return { view, lastEventId: String(lastEventId) };
}

/**
 * The hall's Server-Sent Events (decision 18). Events are signals: the page re-reads its view,
 * filtered for its viewer, on each one. Participants (host, regulator, bidders) receive the event
 * data (chat text, who signed in); the public receives only that something happened.
 */
export async function openOpeningHallStream(app: AppContext, actor: Actor | null, sectionId: string, request: Request): Promise<Response> {
  if (!(request.headers.get("accept") ?? "").includes("text/event-stream")) throw new AppError("EVENT_STREAM_ONLY");
  const { openingId } = await findOpeningOfSection(app, sectionId);
  const { viewer } = await readOpening(app, actor, openingId);
  if (!app.liveEvents) throw new Error("live events are not running in this process");
  return sseResponse(request, app.liveEvents, openingStream(openingId), {
    lastEventId: new URL(request.url).searchParams.get("after"),
    redact: viewer === "public",
  });
}

/**
 * A signed record as a download, once it exists: the reading-out record from its publication, the
 * opening record after the confirmation period. Both are public documents from then on (办法 Art 30).
 */
export async function readOpeningRecordFile(
  app: AppContext,
  _actor: Actor | null,
  sectionId: string,
  kind: "reading-out" | "opening",
): Promise<{ body: ReadableStream<Uint8Array>; filename: string }> {
  const { openingId } = await findOpeningOfSection(app, sectionId);
  const loaded = await loadOpening(app.db, openingId);
  const now = app.clock.now();
  const key = kind === "opening" ? loaded.opening.opening_record_key : loaded.opening.reading_out_record_key;
  const at = kind === "opening" ? loaded.opening.confirmation_ended_at : loaded.opening.reading_out_published_at;
  if (!key || !at || at > now) throw new AppError("NOT_FOUND", { what: kind === "opening" ? "opening record" : "reading-out record" });
  const stream = await storageFor(app).get(key);
  const name = kind === "opening" ? "开标记录表" : "唱标记录";
  return { body: Readable.toWeb(stream) as ReadableStream<Uint8Array>, filename: `${name}-${loaded.section.code}.pdf` };
}
