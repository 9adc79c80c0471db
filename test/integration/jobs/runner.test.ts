import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createJobRunner, type JobHandler } from "#app/jobs/runner.ts";
import { sendMail } from "#app/jobs/mail.ts";
import { enqueue } from "#app/server/outbox.server.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

describe("the outbox and its job runner", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    await sql`create table effects (key text primary key, runs integer not null)`.execute(app.db);
  });
  beforeEach(async () => {
    await sql`truncate effects, outbox_attempts, outbox, mailbox`.execute(app.db);
  });
  afterAll(() => app.close());

  const put = (key: string, kind = "test.effect", maxAttempts?: number) =>
    app.db.transaction().execute((trx) => enqueue(trx, { kind, key, payload: { key }, maxAttempts }, app.clock.now()));

  /** An effect that is idempotent by the job key, as handlers must be. */
  const effect: JobHandler = async (_payload, { app: a, job }) => {
    await sql`insert into effects (key, runs) values (${job.key}, 1) on conflict (key) do update set runs = effects.runs + 1`.execute(a.db);
  };

  it("retries a job that fails twice, with back-off, and runs its effect exactly once", async () => {
    let calls = 0;
    const flaky: JobHandler = async (payload, ctx) => {
      calls++;
      if (calls <= 2) throw new Error(`transient failure ${calls}`);
      await effect(payload, ctx);
    };
    const runner = createJobRunner(app, { handlers: { "test.flaky": flaky } });
    await put("flaky-1", "test.flaky");

    expect(await runner.runOnce()).toBe(true); // fails
    expect(await runner.runOnce()).toBe(false); // not due: backing off 5 s
    await app.clock.advance(5);
    expect(await runner.runOnce()).toBe(true); // fails again, now 10 s
    await app.clock.advance(9);
    expect(await runner.runOnce()).toBe(false);
    await app.clock.advance(1);
    expect(await runner.runOnce()).toBe(true); // succeeds
    await app.clock.advance(3600);
    expect(await runner.drain()).toBe(0);

    const job = await app.db.selectFrom("outbox").selectAll().where("key", "=", "flaky-1").executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: "done", attempts: 3, last_error: null });
    const attempts = await app.db
      .selectFrom("outbox_attempts")
      .select(["attempt", "succeeded", "error"])
      .where("outbox_id", "=", job.id)
      .orderBy("attempt")
      .execute();
    expect(attempts).toEqual([
      { attempt: 1, succeeded: false, error: "transient failure 1" },
      { attempt: 2, succeeded: false, error: "transient failure 2" },
      { attempt: 3, succeeded: true, error: null },
    ]);
    expect((await sql<{ runs: number }>`select runs from effects where key = 'flaky-1'`.execute(app.db)).rows).toEqual([{ runs: 1 }]);
  });

  it("keeps the first of two messages with the same key", async () => {
    expect(await put("dup")).toEqual({ enqueued: true });
    expect(await put("dup")).toEqual({ enqueued: false });
    expect(await app.db.selectFrom("outbox").select("id").where("key", "=", "dup").execute()).toHaveLength(1);
  });

  it("gives up after max_attempts and says why", async () => {
    const runner = createJobRunner(app, {
      handlers: { "test.broken": async () => Promise.reject(new Error("the node is down")) },
      backoff: () => 1,
    });
    await put("broken-1", "test.broken", 3);
    for (let i = 0; i < 3; i++) {
      await runner.runOnce();
      await app.clock.advance(1);
    }
    expect(
      await app.db
        .selectFrom("outbox")
        .select(["status", "attempts", "last_error"])
        .where("key", "=", "broken-1")
        .executeTakeFirstOrThrow(),
    ).toEqual({
      status: "failed",
      attempts: 3,
      last_error: "the node is down",
    });
  });

  it("shares the work between concurrent workers without running a job twice", async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `shared-${i}`);
    for (const k of keys) await put(k);
    const workers = Array.from({ length: 4 }, (_, i) => createJobRunner(app, { handlers: { "test.effect": effect }, workerId: `w${i}` }));
    const done = await Promise.all(workers.map((w) => w.drain()));
    expect(done.reduce((a, b) => a + b, 0)).toBe(40);
    const runs = (await sql<{ runs: number }>`select runs from effects where key like 'shared-%'`.execute(app.db)).rows;
    expect(runs).toHaveLength(40);
    expect(runs.every((r) => r.runs === 1)).toBe(true);
  });

  it("takes over a job whose worker died after its lease expired", async () => {
    const runner = createJobRunner(app, { handlers: { "test.effect": effect }, workerId: "survivor", leaseSeconds: 60 });
    await put("orphan");
    await app.db
      .updateTable("outbox")
      .set({ status: "running", attempts: 1, locked_by: "dead", locked_until: new Date(app.clock.now().getTime() + 60_000) })
      .where("key", "=", "orphan")
      .execute();
    expect(await runner.runOnce()).toBe(false);
    await app.clock.advance(61);
    expect(await runner.runOnce()).toBe(true);
    expect(await app.db.selectFrom("outbox").select(["status", "attempts"]).where("key", "=", "orphan").executeTakeFirstOrThrow()).toEqual({
      status: "done",
      attempts: 2,
    });
  });

  it("keeps the lease of a job that runs longer than it, so nobody else takes it over (decision 69)", async () => {
    let release!: () => void;
    let began!: () => void;
    const started = new Promise<void>((r) => (began = r));
    const slow: JobHandler = async (payload, ctx) => {
      began();
      await new Promise<void>((r) => (release = r));
      await effect(payload, ctx);
    };
    const first = createJobRunner(app, { handlers: { "test.slow": slow }, workerId: "busy", leaseSeconds: 1 });
    const second = createJobRunner(app, { handlers: { "test.slow": slow }, workerId: "eager", leaseSeconds: 1 });
    await put("slow-1", "test.slow");
    const running = first.runOnce();
    await started;
    await app.clock.advance(2); // past the first lease…
    await new Promise((r) => setTimeout(r, 800)); // …which the running job renews (every third of a second)
    expect(await second.runOnce()).toBe(false);
    release();
    await running;
    expect((await sql<{ runs: number }>`select runs from effects where key = 'slow-1'`.execute(app.db)).rows).toEqual([{ runs: 1 }]);
  });

  it("delivers mail into the development mailbox once", async () => {
    const runner = createJobRunner(app, { handlers: { "mail.send": sendMail } });
    await app.db
      .transaction()
      .execute((trx) =>
        enqueue(
          trx,
          { kind: "mail.send", key: "mail-1", payload: { to: "a@example.cn", subject: "证书已签发", body: "您的证书已签发。" } },
          app.clock.now(),
        ),
      );
    await runner.drain();
    await sendMail(
      { to: "a@example.cn", subject: "证书已签发", body: "again" },
      { app, job: { id: "0", kind: "mail.send", key: "mail-1", attempt: 2 } },
    );
    expect(await app.db.selectFrom("mailbox").select(["to_address", "subject", "body"]).execute()).toEqual([
      { to_address: "a@example.cn", subject: "证书已签发", body: "您的证书已签发。" },
    ]);
  });
});
