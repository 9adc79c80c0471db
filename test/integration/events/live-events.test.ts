import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { Logger } from "#app/server/context.server.ts";
import { createDb, type DbHandle } from "#app/server/db.server.ts";
import { createLiveEventHub, createLiveEventHubFor, type LiveEventHub } from "#app/server/events/hub.server.ts";
import { LISTENER_APPLICATION_NAME, type NotificationListener } from "#app/server/events/listener.server.ts";
import {
  latestLiveEventId,
  notificationPayload,
  openingStream,
  publishLiveEvent,
  type LiveEvent,
} from "#app/server/events/publish.server.ts";
import { sseResponse } from "#app/server/events/sse.server.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import { readEventStream } from "./event-stream.ts";

/**
 * Live events on PostgreSQL (docs/decisions/0018-live-events.md). Each hub here stands for a
 * server instance: its own pool and its own listener connection. Heartbeats are an hour apart,
 * so an event that arrives was carried by a notification (or by an explicit `beat()`), never by
 * the periodic re-read.
 */
const HOUR = 3_600_000;
const AT = new Date("2026-12-04T09:30:00+08:00");

function recordingLog() {
  const warnings: string[] = [];
  const waiters: { match: string; resolve(): void }[] = [];
  const log: Logger = {
    info() {},
    warn(msg) {
      warnings.push(msg);
      for (const w of [...waiters])
        if (msg.includes(w.match)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
    },
    error(msg) {
      warnings.push(`ERROR ${msg}`);
    },
  };
  const waitFor = (match: string) =>
    warnings.some((w) => w.includes(match)) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ match, resolve }));
  return { log, warnings, waitFor };
}

/** Collects a subscription's events; `until(n)` resolves when n have arrived. */
function collect(hub: LiveEventHub, stream: string, after = 0n) {
  const events: LiveEvent[] = [];
  const waiters: { n: number; resolve(): void }[] = [];
  let closedByHub = false;
  const subscription = hub.subscribe(stream, {
    after,
    onEvent(e) {
      events.push(e);
      for (const w of [...waiters])
        if (events.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
    },
    onClose() {
      closedByHub = true;
    },
  });
  return {
    events,
    subscription,
    get closedByHub() {
      return closedByHub;
    },
    ids: () => events.map((e) => e.id),
    /** Resolves once the subscription has reached `id` (whether or not it skipped any on the way). */
    reached: async (id: bigint) => {
      while (subscription.position < id) await new Promise((r) => setTimeout(r, 5));
    },
    until: (n: number) =>
      events.length >= n
        ? Promise.resolve(events)
        : new Promise<LiveEvent[]>((resolve) => waiters.push({ n, resolve: () => resolve(events) })),
  };
}

describe("live events on PostgreSQL", () => {
  let app: TestApp;
  let second: DbHandle; // the second instance's own pool
  const hubs: LiveEventHub[] = [];
  const { log, warnings, waitFor } = recordingLog();

  const hubOn = (handle: DbHandle, options: { initialDelayMs?: number } = {}) => {
    const hub = createLiveEventHubFor(handle, log, {
      heartbeatMs: HOUR,
      reconnect: { initialDelayMs: options.initialDelayMs ?? 20, maxDelayMs: 200 },
    });
    hubs.push(hub);
    return hub;
  };
  const publish = (stream: string, type: string, data: unknown) =>
    app.db.transaction().execute((trx) => publishLiveEvent(trx, { stream, type, data, at: AT }));
  const listenerBackends = async () =>
    (
      await sql<{ pid: number }>`select pid from pg_stat_activity
        where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME} order by pid`.execute(app.db)
    ).rows.map((r) => r.pid);

  beforeAll(async () => {
    app = await createTestApp();
    second = await createDb({ databaseUrl: app.databaseUrl, dataDir: app.config.dataDir, poolSize: 5 });
  });
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.stop()));
    expect(warnings.splice(0).filter((w) => !w.includes("listener connection was lost"))).toEqual([]);
  });
  afterAll(async () => {
    await second?.close();
    await app?.close();
  });

  it("delivers an event published in a transaction to both instances, only once it commits", async () => {
    const stream = openingStream(randomUUID());
    const a = hubOn(app.dbHandle);
    const b = hubOn(second);
    const onA = collect(a, stream);
    const onB = collect(b, stream);
    await Promise.all([a.start(), b.start()]);
    expect(await listenerBackends()).toHaveLength(2); // one dedicated connection per instance

    const { id } = await app.db.transaction().execute(async (trx) => {
      const published = await publishLiveEvent(trx, {
        stream,
        type: "opening.window_opened",
        data: { windowEndsAt: "2026-12-04T10:30:00.000Z", price: "123456789" },
        at: AT,
      });
      await Promise.all([a.beat(), b.beat()]); // both read the table now: the row is not committed
      expect(onA.events).toEqual([]);
      expect(onB.events).toEqual([]);
      return published;
    });

    const expected: LiveEvent = {
      id,
      stream,
      type: "opening.window_opened",
      data: { windowEndsAt: "2026-12-04T10:30:00.000Z", price: "123456789" },
      at: AT,
    };
    expect(await onA.until(1)).toEqual([expected]);
    expect(await onB.until(1)).toEqual([expected]);
  });

  it("never delivers a publish that was rolled back", async () => {
    const stream = openingStream(randomUUID());
    const hub = hubOn(app.dbHandle);
    const sub = collect(hub, stream);
    await hub.start();

    await expect(
      app.db.transaction().execute(async (trx) => {
        await publishLiveEvent(trx, { stream, type: "chat.message", data: { text: "rolled back" }, at: AT });
        throw new Error("the service failed after publishing");
      }),
    ).rejects.toThrow("the service failed");
    const kept = await publish(stream, "chat.message", { text: "kept" });

    // Notifications arrive in commit order; the rolled-back one would have come first.
    await sub.until(1);
    await hub.beat();
    expect(sub.events.map((e) => e.data)).toEqual([{ text: "kept" }]);
    expect(sub.ids()).toEqual([kept.id]);
    const rows = await app.db.selectFrom("live_events").select("payload").where("stream", "=", stream).execute();
    expect(rows).toEqual([{ payload: { text: "kept" } }]);
  });

  it("gives a subscriber only its own stream's events", async () => {
    const mine = openingStream(randomUUID());
    const other = openingStream(randomUUID());
    const hub = hubOn(app.dbHandle);
    const sub = collect(hub, mine);
    await hub.start();
    await publish(other, "chat.message", { text: "elsewhere" });
    const { id } = await publish(mine, "chat.message", { text: "here" });
    await sub.until(1);
    await hub.beat();
    expect(sub.ids()).toEqual([id]);
  });

  it("replays exactly the events after Last-Event-ID, in order, then live ones", async () => {
    const stream = openingStream(randomUUID());
    const hub = hubOn(app.dbHandle);
    const connect = (lastEventId?: bigint) => {
      const abort = new AbortController();
      const headers = lastEventId === undefined ? undefined : { "Last-Event-ID": String(lastEventId) };
      const response = sseResponse(new Request("http://bidhall.test/openings/x/events", { headers, signal: abort.signal }), hub, stream);
      return { abort, sse: readEventStream(response) };
    };

    const first = connect();
    const e1 = await publish(stream, "bidder.signed_in", { n: 1 });
    const e2 = await publish(stream, "bidder.signed_in", { n: 2 });
    await first.sse.until(2);
    first.abort.abort(); // the connection drops
    await first.sse.done;
    expect(hub.subscriberCount).toBe(0);

    const missed = [];
    for (let n = 3; n <= 5; n++) missed.push(await publish(stream, "bidder.signed_in", { n }));
    await publish(openingStream(randomUUID()), "bidder.signed_in", { n: 99 }); // another opening's

    // EventSource sends the last id it received as Last-Event-ID.
    const lastSeen = first.sse.parser.events.at(-1)!.lastEventId;
    expect(lastSeen).toBe(String(e2.id));
    const again = connect(BigInt(lastSeen));
    await again.sse.until(3);
    const live = await publish(stream, "bidder.signed_in", { n: 6 });
    const events = await again.sse.until(4);
    await hub.beat();
    again.abort.abort();
    await again.sse.done;

    expect(first.sse.parser.events.map((e) => e.lastEventId)).toEqual([String(e1.id), String(e2.id)]);
    expect(events.map((e) => [e.lastEventId, JSON.parse(e.data)])).toEqual([
      [String(missed[0]!.id), { n: 3 }],
      [String(missed[1]!.id), { n: 4 }],
      [String(missed[2]!.id), { n: 5 }],
      [String(live.id), { n: 6 }],
    ]);
  });

  it("hands every subscriber each event after its position exactly once, in order, while publishers race the replay", async () => {
    const stream = openingStream(randomUUID());
    const hub = hubOn(app.dbHandle);
    const b = hubOn(second);
    await Promise.all([hub.start(), b.start()]);
    for (let n = 0; n < 20; n++) await publish(stream, "reading_out.row", { n });
    const history = await app.db.selectFrom("live_events").select("id").where("stream", "=", stream).orderBy("id").execute();

    // Subscribers join at every point of the history while 40 more events commit concurrently
    // from both pools (the stream lock orders them), so replay and live delivery overlap.
    const racing = Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        (n % 2 ? second.db : app.db)
          .transaction()
          .execute((trx) => publishLiveEvent(trx, { stream, type: "reading_out.row", data: { n: 20 + n }, at: AT })),
      ),
    );
    const subs = history.map((row, i) => collect(i % 2 ? b : hub, stream, BigInt(row.id)));
    subs.push(collect(hub, stream, 0n), collect(b, stream, 0n));
    await racing;

    const all = (await app.db.selectFrom("live_events").select("id").where("stream", "=", stream).orderBy("id").execute()).map((r) =>
      BigInt(r.id),
    );
    expect(all).toHaveLength(60);
    const from = (i: number) => (i < history.length ? BigInt(history[i]!.id) : 0n);
    await Promise.all(subs.map((s) => s.reached(all.at(-1)!)));
    await Promise.all([hub.beat(), b.beat()]); // a duplicate would show up now
    subs.forEach((s, i) => expect(s.ids()).toEqual(all.filter((id) => id > from(i))));
  });

  it("keeps its ids in commit order within a stream, so a position has no holes behind it", async () => {
    const stream = openingStream(randomUUID());
    // The first transaction takes its id, then waits; the second must wait for its commit.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstId: bigint | undefined;
    const first = app.db.transaction().execute(async (trx) => {
      firstId = (await publishLiveEvent(trx, { stream, type: "t.first", data: {}, at: AT })).id;
      await held;
    });
    while (firstId === undefined) await new Promise((r) => setTimeout(r, 5));
    let secondId: bigint | undefined;
    const secondTx = second.db
      .transaction()
      .execute(async (trx) => (secondId = (await publishLiveEvent(trx, { stream, type: "t.second", data: {}, at: AT })).id));
    // The second is blocked on the stream lock: it has no id while the first is open.
    const waitingOnLocks = async () =>
      (
        await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory'`.execute(app.db)
      ).rows[0]!.n;
    for (let i = 0; i < 500 && (await waitingOnLocks()) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await waitingOnLocks()).toBe(1);
    expect(secondId).toBeUndefined();
    release();
    await Promise.all([first, secondTx]);
    expect(secondId! > firstId!).toBe(true);
  });

  it("reconnects its listener when the connection is cut, and hears notifications again", async () => {
    const stream = openingStream(randomUUID());
    const hub = hubOn(app.dbHandle);
    const sub = collect(hub, stream);
    await hub.start();
    const [before] = await listenerBackends();
    await sql`select pg_terminate_backend(${before!})`.execute(app.db);
    await waitFor("listener connection was lost");
    // Bounded wait for the replacement connection (back-off 10–200 ms).
    let now: number[] = [];
    for (let i = 0; i < 500; i++) {
      now = await listenerBackends();
      if (now.length === 1 && now[0] !== before) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(before);
    // Heartbeats are an hour away: the new connection's notification (or the re-read that its
    // readiness triggers) delivers this; the hub's own catch-up is pinned down below.
    const { id } = await publish(stream, "chat.message", { text: "after the cut" });
    expect((await sub.until(1)).map((e) => e.id)).toEqual([id]);
  });

  it("stops cleanly: ends its subscriptions and SSE responses and closes its listener", async () => {
    const stream = openingStream(randomUUID());
    const hub = hubOn(app.dbHandle);
    const sub = collect(hub, stream);
    const sse = readEventStream(sseResponse(new Request("http://bidhall.test/e"), hub, stream));
    await hub.start();
    expect(hub.subscriberCount).toBe(2);
    expect(await listenerBackends()).toHaveLength(1);
    await hub.stop();
    await sse.done;
    expect(sub.closedByHub).toBe(true);
    expect(hub.subscriberCount).toBe(0);
    for (let i = 0; i < 500 && (await listenerBackends()).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await listenerBackends()).toEqual([]);
    expect(() => hub.subscribe(stream, { after: 0n, onEvent() {} })).toThrow("stopped");
  });
});

describe("the hub's catch-up after a lost notification", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  /** A listener the test drives: notifications reach the hub only when the test says so. */
  function fakeListener() {
    let handlers: { onNotify(payload: string): void; onReady(): void } | undefined;
    const listener: NotificationListener = {
      async start(h) {
        handlers = h;
        h.onReady();
      },
      async check() {},
      async stop() {},
    };
    return { listener, notify: (p: string) => handlers!.onNotify(p), reconnected: () => handlers!.onReady() };
  }

  it("delivers an event whose notification was lost once the listener is back", async () => {
    const { log } = recordingLog();
    const fake = fakeListener();
    const hub = createLiveEventHub({ db: app.db, listener: fake.listener, log, heartbeatMs: HOUR });
    const stream = openingStream(randomUUID());
    const sub = collect(hub, stream);
    await hub.start();
    const lost = await app.db.transaction().execute((trx) => publishLiveEvent(trx, { stream, type: "x.lost", data: {}, at: AT }));
    const heard = await app.db.transaction().execute((trx) => publishLiveEvent(trx, { stream, type: "x.heard", data: {}, at: AT }));
    // Only the second notification arrives: the hub reads the stream, not just that id.
    fake.notify(notificationPayload(stream, heard.id));
    expect((await sub.until(2)).map((e) => e.id)).toEqual([lost.id, heard.id]);
    const late = await app.db.transaction().execute((trx) => publishLiveEvent(trx, { stream, type: "x.late", data: {}, at: AT }));
    fake.reconnected(); // no notification at all for this one: the reconnection reads every stream
    expect((await sub.until(3)).map((e) => e.id)).toEqual([lost.id, heard.id, late.id]);
    await hub.stop();
  });

  it("answers the latest id of a stream for loaders, 0 when it has none", async () => {
    const stream = openingStream(randomUUID());
    expect(await latestLiveEventId(app.db, stream)).toBe(0n);
    const { id } = await app.db.transaction().execute((trx) => publishLiveEvent(trx, { stream, type: "x.one", data: {}, at: AT }));
    expect(await latestLiveEventId(app.db, stream)).toBe(id);
  });
});

describe("sseResponse", () => {
  let app: TestApp;
  let hub: LiveEventHub;
  beforeAll(async () => {
    app = await createTestApp();
    hub = createLiveEventHubFor(app.dbHandle, recordingLog().log, { heartbeatMs: HOUR });
  });
  afterAll(async () => {
    await hub.stop();
    await app.close();
  });

  it("writes text/event-stream a browser parses: retry, id, event type, JSON data and heartbeat comments", async () => {
    const stream = openingStream(randomUUID());
    const text = '唱标：第 1 标段\n报价 ¥1,234,567.89 "含税"';
    const e1 = await app.db
      .transaction()
      .execute((trx) => publishLiveEvent(trx, { stream, type: "reading_out.published", data: { text, price: "123456789" }, at: AT }));
    const abort = new AbortController();
    const response = sseResponse(new Request("http://bidhall.test/e", { signal: abort.signal }), hub, stream, { retryMs: 2500 });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toContain("no-transform");
    const sse = readEventStream(response);
    await sse.until(1);
    await hub.beat();
    const e2 = await app.db
      .transaction()
      .execute((trx) => publishLiveEvent(trx, { stream, type: "chat.message", data: [1, null], at: AT }));
    await sse.until(2);
    abort.abort();
    await sse.done;

    expect(sse.parser.retry).toBe(2500);
    expect(sse.parser.comments).toEqual(["heartbeat"]);
    expect(sse.parser.events).toEqual([
      { type: "reading_out.published", lastEventId: String(e1.id), data: JSON.stringify({ text, price: "123456789" }) },
      { type: "chat.message", lastEventId: String(e2.id), data: "[1,null]" },
    ]);
    expect(JSON.parse(sse.parser.events[0]!.data)).toEqual({ text, price: "123456789" });
    expect(hub.subscriberCount).toBe(0);
  });

  it("starts after the page's position when the browser sends no Last-Event-ID, and the header wins when it does", async () => {
    const stream = openingStream(randomUUID());
    const ids: bigint[] = [];
    for (let n = 0; n < 3; n++)
      ids.push((await app.db.transaction().execute((trx) => publishLiveEvent(trx, { stream, type: "x.n", data: { n }, at: AT }))).id);
    const read = async (expected: number, options: { header?: bigint; lastEventId?: bigint }) => {
      const abort = new AbortController();
      const headers = options.header === undefined ? undefined : { "Last-Event-ID": String(options.header) };
      const request = new Request("http://bidhall.test/e", { headers, signal: abort.signal });
      const sse = readEventStream(sseResponse(request, hub, stream, { lastEventId: options.lastEventId }));
      await sse.until(expected);
      await hub.beat(); // anything more would arrive now
      abort.abort();
      await sse.done;
      return sse.parser.events.map((e) => e.lastEventId);
    };
    expect(await read(3, {})).toEqual(ids.map(String));
    expect(await read(2, { lastEventId: ids[0] })).toEqual([ids[1], ids[2]].map(String));
    expect(await read(1, { header: ids[1], lastEventId: ids[0] })).toEqual([String(ids[2])]);
  });

  it("refuses a Last-Event-ID that is not an event id", () => {
    const request = new Request("http://bidhall.test/e", { headers: { "Last-Event-ID": "12; drop table" } });
    expect(() => sseResponse(request, hub, openingStream(randomUUID()))).toThrow(AppError);
  });

  it("ends at once for a request that is already gone", async () => {
    const abort = new AbortController();
    abort.abort();
    const sse = readEventStream(
      sseResponse(new Request("http://bidhall.test/e", { signal: abort.signal }), hub, openingStream(randomUUID())),
    );
    await sse.done;
    expect(sse.parser.events).toEqual([]);
    expect(hub.subscriberCount).toBe(0);
  });
});
