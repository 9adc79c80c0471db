import { AppError } from "#app/domain/shared/app-error.ts";
import type { LiveEventHub, LiveSubscription } from "./hub.server.ts";
import type { LiveEvent } from "./publish.server.ts";

/**
 * Server-Sent Events for a Remix resource route (WHATWG HTML §9.2 "Server-sent events"): each
 * live event is one frame, `id:` the row id, `event:` the type, `data:` the JSON. A browser's
 * EventSource reconnects by itself and sends the last id it saw as `Last-Event-ID`, which wins
 * over `options.lastEventId` (the position the page was rendered at); with neither, the whole
 * stream is sent. The response ends when the client goes (the request's signal aborts) or the
 * hub stops; a client too slow to take its events is cut off, and catches up on reconnect.
 */
export interface SseOptions {
  /** Where to start without a `Last-Event-ID` header, e.g. the id the loader rendered the page at. */
  lastEventId?: string | bigint | null;
  /** The reconnection delay the browser is told (`retry:`). */
  retryMs?: number;
  /** Bytes a client may fall behind by before it is cut off. */
  maxBufferedBytes?: number;
  /**
   * Send only each event's id and type, never its data: for viewers who may know that something
   * happened (and reload what they may see) but not what the participants wrote (the public view).
   */
  redact?: boolean;
}

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(": heartbeat\n\n");
/** Every subscriber of a stream receives the same event object: encode its frame once. */
const frames = new WeakMap<LiveEvent, Uint8Array>();

export function sseFrame(event: LiveEvent): Uint8Array {
  let frame = frames.get(event);
  if (!frame) {
    // JSON.stringify escapes CR and LF, the only line breaks of the format, so `data:` is one line.
    frame = encoder.encode(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    frames.set(event, frame);
  }
  return frame;
}

const redactedFrames = new WeakMap<LiveEvent, Uint8Array>();

/** The frame without the event's data (`data: {}`): the viewer re-reads what it may see. */
export function redactedSseFrame(event: LiveEvent): Uint8Array {
  let frame = redactedFrames.get(event);
  if (!frame) {
    frame = encoder.encode(`id: ${event.id}\nevent: ${event.type}\ndata: {}\n\n`);
    redactedFrames.set(event, frame);
  }
  return frame;
}

/** A position from a header or option: a non-negative integer, or undefined when absent. */
export function parseEventId(value: string | bigint | null | undefined, field: string): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "bigint") {
    if (value < 0n) throw new AppError("VALIDATION_FAILED", { field });
    return value;
  }
  const v = value.trim();
  if (v === "") return undefined;
  if (!/^\d{1,19}$/.test(v)) throw new AppError("VALIDATION_FAILED", { field });
  return BigInt(v);
}

export function sseResponse(request: Request, hub: LiveEventHub, stream: string, options: SseOptions = {}): Response {
  const after =
    parseEventId(request.headers.get("Last-Event-ID"), "Last-Event-ID") ?? parseEventId(options.lastEventId, "lastEventId") ?? 0n;
  const maxBuffered = options.maxBufferedBytes ?? 1 << 20;
  let subscription: LiveSubscription | undefined;
  let finish = () => {};

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let open = true;
        finish = () => {
          if (!open) return;
          open = false;
          request.signal.removeEventListener("abort", finish);
          subscription?.close();
          try {
            controller.close();
          } catch {
            // already closed or errored by the consumer
          }
        };
        if (request.signal.aborted) return finish();
        request.signal.addEventListener("abort", finish);
        const send = (bytes: Uint8Array) => {
          if (!open) return;
          controller.enqueue(bytes);
          if ((controller.desiredSize ?? 0) < -maxBuffered) finish();
        };
        send(encoder.encode(`retry: ${options.retryMs ?? 3000}\n\n`));
        try {
          subscription = hub.subscribe(stream, {
            after,
            onEvent: (event) => send(options.redact ? redactedSseFrame(event) : sseFrame(event)),
            onHeartbeat: () => send(HEARTBEAT),
            onClose: finish,
          });
        } catch {
          finish(); // the hub has stopped (shutdown): the browser reconnects, to another instance
        }
      },
      cancel() {
        finish();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
  );

  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform keeps compression middleware (server.ts) and proxies from buffering the stream.
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
}
