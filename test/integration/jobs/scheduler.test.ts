import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScheduler, type TimedTask } from "#app/jobs/scheduler.ts";
import { crlRefresh } from "#app/jobs/timed-tasks.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

describe("the scheduler", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("runs its tasks at once when the platform clock moves, and keeps going when one fails", async () => {
    const seen: string[] = [];
    const recorder: TimedTask = { name: "recorder", run: async (_a, now) => (seen.push(now.toISOString()), 1) };
    const broken: TimedTask = { name: "broken", run: async () => Promise.reject(new Error("storage is down")) };
    const scheduler = createScheduler({ ...app, log: { info() {}, warn() {}, error() {} } }, [broken, recorder]);
    scheduler.start(3_600_000);
    await app.clock.advance(60);
    await scheduler.stop();
    expect(seen).toContain(app.clock.now().toISOString());
    expect(await createScheduler({ ...app, log: { info() {}, warn() {}, error() {} } }, [broken, recorder]).tick()).toMatchObject({
      recorder: 1,
      broken: expect.any(Error),
    });
  });

  it("publishes a fresh CRL once the current one is a day old, and only then", async () => {
    expect(await crlRefresh.run(app, app.clock.now())).toBe(0); // no PKI yet: nothing to do
    await ensurePlatformPki(app);
    await crlRefresh.run(app, app.clock.now());
    expect(await crlRefresh.run(app, app.clock.now())).toBe(0);
    await app.clock.advance(23 * 3600);
    expect(await crlRefresh.run(app, app.clock.now())).toBe(0);
    await app.clock.advance(3600);
    expect(await crlRefresh.run(app, app.clock.now())).toBe(1);
    const crls = await app.db.selectFrom("pki_crls").select("crl_number").execute();
    expect(crls.length).toBeGreaterThanOrEqual(2);
  });
});
