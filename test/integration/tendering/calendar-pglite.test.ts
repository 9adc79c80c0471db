import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statutoryHolidays } from "#app/domain/calendar/statutory-holidays.ts";
import { createClock } from "#app/server/clock.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { createDb } from "#app/server/db.server.ts";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { listAnnouncements } from "#app/services/tendering/list-announcements.server.ts";
import { loadCalendarYear } from "#app/services/tendering/manage-calendar.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { readProject } from "#app/services/tendering/read-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { seedDemo } from "#db/seed/index.ts";
import { DEMO_PROJECT_NAME } from "#db/seed/tendering.ts";
import { actorOf, sectionTerms, tinyPdf } from "#test/factories/tendering.ts";
import { silentLog, TEST_META } from "../helpers/test-app.ts";

/**
 * Embedded mode (PGlite, one connection): the calendar work must pass `trx` down everywhere — a
 * query on `app.db` inside a transaction would wait forever. The demo seed after New Year 2027,
 * a publication on the provisional 2027, a registration, and loading the official 2027 with its
 * recomputation, all on PGlite.
 */
describe("counting periods in embedded mode (PGlite)", () => {
  let app: AppContext;
  let dir: string;
  const person = async (email: string) =>
    actorOf(app.db, (await app.db.selectFrom("people").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-cal-"));
    const config = { ...loadConfig({ BIDHALL_MODE: "embedded", BIDHALL_DATA_DIR: dir }), clock: "fixed:2027-01-04T09:00:00+08:00" };
    const dbHandle = await createDb({ dataDir: dir });
    await migrateToLatest(dbHandle.db);
    app = { config, db: dbHandle.db, dbHandle, clock: createClock(config.clock), secrets: { session: "x".repeat(40) }, log: silentLog };
  }, 120_000);
  afterAll(async () => {
    await app?.dbHandle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("seeds, publishes on the provisional 2027, registers, and recomputes when the official 2027 loads", async () => {
    expect(await seedDemo(app)).not.toBeNull();
    const agency = await person("agency@demo.bidhall.cn");
    const operator = await person("operator@demo.bidhall.cn");
    const tenderer = await app.db
      .selectFrom("organisations")
      .select("id")
      .where("name", "=", "福州市城市建设投资集团有限公司")
      .executeTakeFirstOrThrow();

    // Government procurement from Monday 2027-01-04: 5 working days on the provisional calendar.
    const terms = { ...sectionTerms({ name: "一包", from: app.clock.now(), deadlineDays: 30, evaluationMethod: "lowestPrice" }) };
    const { projectId, sectionIds } = await createProject(app, {
      actor: agency,
      project: {
        code: "E35010020270001",
        name: "福州市办公设备采购",
        regionCode: "350100",
        procurementType: "government",
        mandatoryTendering: true,
        description: "",
        tendererOrganisationId: tenderer.id,
      },
      sections: [terms],
      meta: TEST_META,
    });
    await uploadTenderDocument(app, {
      actor: agency,
      projectId,
      title: "采购文件",
      filename: "a.pdf",
      bytes: tinyPdf("pglite"),
      meta: TEST_META,
    });
    await publishProject(app, { actor: agency, projectId, announcement: { title: "采购公告", body: "欢迎" }, meta: TEST_META });
    expect((await readProject(app, null, projectId)).sections[0]!.periods[0]).toMatchObject({ lastDay: "2027-01-11", provisional: true });

    await registerForSection(app, { actor: await person("bidder3@demo.bidhall.cn"), sectionId: sectionIds[0]!, meta: TEST_META });
    const { items } = await listAnnouncements(app, {});
    expect(items.map((i) => i.name)).toContain(DEMO_PROJECT_NAME);

    // An official 2027 with 01-05 off too (made up for the test): the 5th working day moves to 01-12,
    // after the announced end of the sale (01-11): flagged as no longer covered.
    const result = await loadCalendarYear(app, {
      actor: operator,
      year: 2027,
      holidays: [...statutoryHolidays(2027).map((h) => ({ day: h.day, name: h.name })), { day: "2027-01-05", name: "元旦" }],
      workdays: [],
      source: "测试",
      meta: TEST_META,
    });
    expect(result.changed).toBeGreaterThanOrEqual(1);
    const view = await readProject(app, agency, projectId);
    expect(view.sections[0]!.periods[0]).toMatchObject({ lastDay: "2027-01-12", provisional: false });
    expect(view.periodChanges).toEqual([expect.objectContaining({ oldLastDay: "2027-01-11", newLastDay: "2027-01-12", satisfied: false })]);
  });
});
