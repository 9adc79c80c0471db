import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coversPeriod } from "#app/domain/calendar/periods.ts";
import { listAnnouncements } from "#app/services/tendering/list-announcements.server.ts";
import { calendarWarning, readCalendar } from "#app/services/tendering/manage-calendar.server.ts";
import { readProject } from "#app/services/tendering/read-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { seedDemo } from "#db/seed/index.ts";
import { DEMO_PROJECT_NAME } from "#db/seed/tendering.ts";
import { actorOf } from "#test/factories/tendering.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

/**
 * The demo seed uses "now": started after New Year 2027, before the State Council's 2027
 * arrangement is loaded, it still loads, its periods are counted on the provisional 2027 and
 * marked so, and the tour works (a bidder registers for the section closing in ten minutes).
 */
describe("the demo seed in January 2027", () => {
  let app: TestApp;
  const person = async (email: string) =>
    actorOf(app.db, (await app.db.selectFrom("people").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id);

  beforeAll(async () => {
    app = await createTestApp({ clock: "fixed:2027-01-25T09:00:00+08:00" });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("loads, with the periods that reach 2027 marked provisional and covered by the demo's own dates", async () => {
    expect(await seedDemo(app)).not.toBeNull();
    const { items } = await listAnnouncements(app, {});
    const demo = items.find((i) => i.name === DEMO_PROJECT_NAME)!;
    const view = await readProject(app, null, demo.id);
    expect(view.sections).toHaveLength(4);
    // Published 35 days before start-up (2026-12-21): the sale's five days end in the official
    // 2026, the 20 days to the deadline in 2027, on the provisional calendar.
    for (const s of view.sections) {
      const [sale, toDeadline] = s.periods;
      expect(sale).toMatchObject({ rule: "documentsOnSale", provisional: false });
      expect(sale!.lastDay < "2027-01-01").toBe(true);
      expect(toDeadline).toMatchObject({ rule: "documentsToDeadline", provisional: true });
      expect(toDeadline!.lastDay >= "2027-01-01").toBe(true);
      expect(coversPeriod(toDeadline!, new Date(s.deadlineAt))).toBe(true);
    }
  });

  it("lets a tour bidder register for the section closing next week, and warns the operator that 2027 is provisional", async () => {
    const { items } = await listAnnouncements(app, {});
    const demo = items.find((i) => i.name === DEMO_PROJECT_NAME)!;
    const bidder3 = await person("bidder3@demo.bidhall.cn");
    await registerForSection(app, { actor: bidder3, sectionId: demo.sections[1]!.id, meta: TEST_META });
    expect((await readProject(app, bidder3, demo.id)).sections[1]!.registered).toBe(true);

    const operator = await person("operator@demo.bidhall.cn");
    expect(await calendarWarning(app)).toEqual({ lastYear: 2026, daysLeft: -25, provisional: true });
    expect(await readCalendar(app, operator)).toMatchObject({ year: 2026, provisionalYear: 2027, provisional: false });
  });
});
