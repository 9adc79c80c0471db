import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "#app/server/context.server.ts";
import type { DbHandle } from "#app/server/db.server.ts";
import { createLiveEventHubFor, type LiveEventHub } from "#app/server/events/hub.server.ts";
import { liveEventFor, type LiveEventViewer } from "#app/domain/opening/live-events.ts";
import { eventPositions } from "#app/server/events/positions.server.ts";
import { latestVisibleLiveEventId, openingStream, publishLiveEvent, type LiveEvent } from "#app/server/events/publish.server.ts";
import { sseResponse } from "#app/server/events/sse.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import type { Database } from "#db/schema.ts";
import { readEventStream } from "./event-stream.ts";

/**
 * Embedded mode: the same hub on PGlite, where notifications come from `pglite.listen()` on the
 * one in-process connection instead of a dedicated pg client, and int8 ids arrive as numbers.
 */
const AT = new Date("2026-12-04T09:30:00+08:00");

describe("live events on PGlite (embedded mode)", () => {
  let handle: DbHandle;
  let hub: LiveEventHub;
  const warnings: string[] = [];
  const log: Logger = { info() {}, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) };

  beforeAll(async () => {
    const pglite = new PGlite();
    await pglite.waitReady;
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    await migrateToLatest(db);
    handle = { db, driver: "pglite", pglite, close: () => db.destroy() };
    hub = createLiveEventHubFor(handle, log, { heartbeatMs: 3_600_000 });
  });
  afterAll(async () => {
    await hub?.stop();
    await handle?.close();
  });

  it("delivers committed events in order, never a rolled-back one, and resumes after Last-Event-ID", async () => {
    const stream = openingStream(randomUUID());
    const got: LiveEvent[] = [];
    let wake = () => {};
    hub.subscribe(stream, {
      after: 0n,
      onEvent: (e) => {
        got.push(e);
        wake();
      },
    });
    await hub.start();
    const until = (n: number) => new Promise<void>((resolve) => ((wake = () => got.length >= n && resolve()), wake()));
    const publish = (n: number) =>
      handle.db.transaction().execute((trx) => publishLiveEvent(trx, { stream, type: "x.n", data: { n }, at: AT }));

    const first = await publish(1);
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await publishLiveEvent(trx, { stream, type: "x.n", data: { n: "rolled back" }, at: AT });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    const second = await publish(2);
    await until(2);
    await hub.beat();
    expect(got).toEqual([
      { id: first.id, stream, type: "x.n", data: { n: 1 }, at: AT },
      { id: second.id, stream, type: "x.n", data: { n: 2 }, at: AT },
    ]);
    expect(typeof got[0]!.id).toBe("bigint");

    const third = await publish(3);
    const abort = new AbortController();
    const request = new Request("http://bidhall.test/e", { headers: { "Last-Event-ID": String(first.id) }, signal: abort.signal });
    const sse = readEventStream(sseResponse(request, hub, stream));
    const events = await sse.until(2);
    abort.abort();
    await sse.done;
    expect(events.map((e) => [e.lastEventId, JSON.parse(e.data)])).toEqual([
      [String(second.id), { n: 2 }],
      [String(third.id), { n: 3 }],
    ]);
    expect(warnings).toEqual([]);
  });

  it("sends each viewer only its events, with opaque ids, and resumes from an opaque Last-Event-ID (decision 23)", async () => {
    const stream = openingStream(randomUUID());
    const positions = eventPositions("a-session-secret-of-at-least-32-characters");
    const A = randomUUID();
    const B = randomUUID();
    const publish = (type: string, data: unknown) =>
      handle.db.transaction().execute((trx) => publishLiveEvent(trx, { stream, type, data, at: AT }));
    const watch = (viewer: LiveEventViewer, headers: Record<string, string> = {}, lastEventId?: string) => {
      const abort = new AbortController();
      const request = new Request("http://bidhall.test/e", { headers, signal: abort.signal });
      const sse = readEventStream(sseResponse(request, hub, stream, { positions, lastEventId, select: (e) => liveEventFor(viewer, e) }));
      return { sse, abort };
    };
    const visibleTo = (viewer: LiveEventViewer) => (e: LiveEvent) => liveEventFor(viewer, e) !== null;
    const publicViewer: LiveEventViewer = { role: "public", organisationId: null };
    const bidderB: LiveEventViewer = { role: "bidder", organisationId: B };

    const suspended = await publish("opening.suspended", { reason: "核查" });
    const renderedAt = positions.encode(await latestVisibleLiveEventId(handle.db, stream, visibleTo(publicViewer)));
    expect(positions.decode(renderedAt)).toBe(suspended.id);
    const asPublic = watch(publicViewer, {}, renderedAt);
    const asB = watch(bidderB);
    await publish("signin.recorded", { organisationId: A, organisationsSignedIn: 1, at: AT.toISOString() });
    await publish("signin.recorded", { organisationId: B, organisationsSignedIn: 2, at: AT.toISOString() });
    // A sign-in moves neither the public's position nor anything it receives.
    expect(await latestVisibleLiveEventId(handle.db, stream, visibleTo(publicViewer))).toBe(suspended.id);
    const resumed = await publish("opening.resumed", { reason: "完毕" });

    const publicEvents = await asPublic.sse.until(1);
    const bEvents = await asB.sse.until(3);
    asPublic.abort.abort();
    asB.abort.abort();
    await Promise.all([asPublic.sse.done, asB.sse.done]);
    expect(publicEvents.map((e) => [e.type, e.data, positions.decode(e.lastEventId)])).toEqual([["opening.resumed", "{}", resumed.id]]);
    expect(bEvents.map((e) => [e.type, JSON.parse(e.data) as unknown])).toEqual([
      ["opening.suspended", { reason: "核查" }],
      ["signin.recorded", { organisationId: B, at: AT.toISOString() }],
      ["opening.resumed", { reason: "完毕" }],
    ]);
    expect(bEvents.every((e) => /^[A-Za-z0-9_-]{22}$/.test(e.lastEventId))).toBe(true);

    // The browser resumes with the last token it received; a token this platform did not write is refused.
    const again = watch(bidderB, { "Last-Event-ID": bEvents[0]!.lastEventId });
    const resumedEvents = await again.sse.until(2);
    again.abort.abort();
    await again.sse.done;
    expect(resumedEvents.map((e) => e.type)).toEqual(["signin.recorded", "opening.resumed"]);
    expect(() => watch(bidderB, { "Last-Event-ID": String(suspended.id) })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(warnings).toEqual([]);
  });
});
