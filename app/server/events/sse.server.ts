import { AppError } from "#app/domain/shared/app-error.ts";
import type { LiveEventHub, LiveSubscription } from "./hub.server.ts";
import type { EventPositions } from "./positions.server.ts";
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
   * What this viewer receives of each event: its data (narrowed or not), `null` for an event it
   * may not know of — nothing is written then, not even a comment, so silence is all it gets —,
   * or `"end"` to close the stream (the browser reconnects with the last id it received, and its
   * access is decided again). Without it every event is sent with its data.
   */
  select?: (event: LiveEvent) => SseDelivery | null | "end";
  /**
   * Writes `id:` lines and reads `Last-Event-ID` / `lastEventId` as opaque positions (decision 23),
   * so a viewer that is not sent every event cannot count the others from the gaps between ids.
   * Without it ids are the row ids in decimal.
   */
  positions?: EventPositions;
}

/** One viewer's shape of an event; the same `variant` of an event always carries the same data. */
export interface SseDelivery {
  variant: string;
  data: unknown;
}

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(": heartbeat\n\n");

/**
 * Every subscriber of a stream receives the same event object: encode each of its shapes once,
 * per way of writing ids.
 */
const DECIMAL = {};
const frames = new WeakMap<object, WeakMap<LiveEvent, Map<string, Uint8Array>>>();

function frameOf(event: LiveEvent, delivery: SseDelivery, positions: EventPositions | undefined): Uint8Array {
  const scheme = positions ?? DECIMAL;
  let byEvent = frames.get(scheme);
  if (!byEvent) frames.set(scheme, (byEvent = new WeakMap()));
  let shapes = byEvent.get(event);
  if (!shapes) byEvent.set(event, (shapes = new Map()));
  let frame = shapes.get(delivery.variant);
  if (!frame) {
    const id = positions ? positions.encode(event.id) : String(event.id);
    // JSON.stringify escapes CR and LF, the only line breaks of the format, so `data:` is one line.
    frame = encoder.encode(`id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(delivery.data)}\n\n`);
    shapes.set(delivery.variant, frame);
  }
  return frame;
}

export function sseFrame(event: LiveEvent): Uint8Array {
  return frameOf(event, { variant: "full", data: event.data }, undefined);
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

/** A position written with `positions`; a token this platform did not write is refused (400). */
export function parsePosition(value: string | null | undefined, positions: EventPositions, field: string): bigint | undefined {
  const v = (value ?? "").trim();
  if (v === "") return undefined;
  const id = positions.decode(v);
  if (id === undefined) throw new AppError("VALIDATION_FAILED", { field });
  return id;
}

export function sseResponse(request: Request, hub: LiveEventHub, stream: string, options: SseOptions = {}): Response {
  const { positions, select } = options;
  const read = (value: string | bigint | null | undefined, field: string) =>
    positions && typeof value !== "bigint" ? parsePosition(value, positions, field) : parseEventId(value, field);
  const after = read(request.headers.get("Last-Event-ID"), "Last-Event-ID") ?? read(options.lastEventId, "lastEventId") ?? 0n;
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
            onEvent: (event) => {
              const delivery = select ? select(event) : { variant: "full", data: event.data };
              if (delivery === "end") return finish();
              if (delivery) send(frameOf(event, delivery, positions));
            },
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
