import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "#app/server/context.server.ts";
import type { DbHandle } from "#app/server/db.server.ts";
import { createLiveEventHubFor, type LiveEventHub } from "#app/server/events/hub.server.ts";
import { openingStream, publishLiveEvent, type LiveEvent } from "#app/server/events/publish.server.ts";
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
});
