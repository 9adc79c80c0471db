import { Readable } from "node:stream";
import { liveEventFor, type LiveEventViewer } from "#app/domain/opening/live-events.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { eventPositionsOf } from "#app/server/events/positions.server.ts";
import { latestVisibleLiveEventId, openingStream, type LiveEvent } from "#app/server/events/publish.server.ts";
import { sseResponse, type SseDelivery } from "#app/server/events/sse.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { loadOpening } from "./opening-context.server.ts";
import { findOpeningOfSection } from "./find-opening-of-section.server.ts";
import { readOpening, type OpeningView } from "./read-opening.server.ts";

/**
 * The opening hall page (`/sections/:id/opening`): what this viewer may see, and the live-event
 * position it was rendered at, so the page's EventSource continues from exactly there. The
 * position is that of the newest event this viewer is sent, written opaquely (decision 23): a
 * sign-in the viewer may not know of moves neither.
 */
export async function readOpeningHall(
  app: AppContext,
  actor: Actor | null,
  sectionId: string,
): Promise<{ view: OpeningView; lastEventId: string }> {
  const { openingId } = await findOpeningOfSection(app, sectionId);
  const view = await readOpening(app, actor, openingId);
  const viewer = liveEventViewerOf(view, actor);
  const last = await latestVisibleLiveEventId(app.db, openingStream(openingId), (event) => liveEventFor(viewer, event) !== null);
  return { view, lastEventId: eventPositionsOf(app).encode(last) };
}

/**
 * The hall's Server-Sent Events (decision 18). Events are signals: the page re-reads its view,
 * filtered for its viewer, on each one. Each viewer is sent only the events it may know of
 * (`liveEventFor`, decision 23): the host and the regulator every event with its data, a bidder
 * the public facts and its own, the public bare signals of what its page shows — never a sign-in.
 */
export async function openOpeningHallStream(app: AppContext, actor: Actor | null, sectionId: string, request: Request): Promise<Response> {
  if (!(request.headers.get("accept") ?? "").includes("text/event-stream")) throw new AppError("EVENT_STREAM_ONLY");
  const { openingId } = await findOpeningOfSection(app, sectionId);
  const view = await readOpening(app, actor, openingId);
  if (!app.liveEvents) throw new Error("live events are not running in this process");
  const viewer = liveEventViewerOf(view, actor);
  const deadline = new Date(view.deadlineAt);
  const judgedBeforeDeadline = new Date(view.now) < deadline;
  return sseResponse(request, app.liveEvents, openingStream(openingId), {
    lastEventId: new URL(request.url).searchParams.get("after"),
    positions: eventPositionsOf(app),
    select: (event: LiveEvent): SseDelivery | null | "end" => {
      // Who is a bidder here is settled at the deadline (a registered organisation without a bid
      // becomes the public): a bidder's connection made before it ends at its first event after
      // it, and the browser's reconnection is judged again.
      if (viewer.role === "bidder" && judgedBeforeDeadline && app.clock.now() >= deadline) return "end";
      return liveEventFor(viewer, event);
    },
  });
}

function liveEventViewerOf(view: OpeningView, actor: Actor | null): LiveEventViewer {
  // The tenderer reads what the host reads (issue 13), live events included.
  return { role: view.viewer === "tenderer" ? "host" : view.viewer, organisationId: actor?.membership.organisationId ?? null };
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
