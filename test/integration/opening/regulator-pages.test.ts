import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "#app/server/context.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { listOpeningsForRegulator, suspendOpeningOfSection } from "#app/services/opening/list-openings-for-regulator.server.ts";
import { listPlatformIncidents } from "#app/services/opening/list-platform-incidents.server.ts";
import { recordPlatformIncident } from "#app/services/opening/record-platform-incident.server.ts";
import { recordOpeningTimedFacts } from "#app/services/opening/record-timed-facts.server.ts";
import { resumeOpening } from "#app/services/opening/resume-opening.server.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";
import { memberOf, organisationWithMember, publishedSection, type Member } from "../bidding/helpers/bids.ts";
import { advanceTo, expectCode, minutes } from "./helpers.ts";

/**
 * The regulator's openings desk and the operator's incident record (issue 7) on real PostgreSQL
 * under a fixed clock (2026-11-23 09:00 Beijing). Three sections of Fuzhou (350100) projects:
 * `near` closes 25 days out, `far` and `looked` 30 days out, and `looked` has its opening row
 * because someone opened its hall. Twelve days later `near` lies inside the ±14-day window.
 */
describe("the regulator's openings and the operator's incidents", () => {
  let app: TestApp;
  let agency: Member, regulator: Member, viewer: Member, xiamen: Member, operator: Member;
  let near: string, far: string, looked: string;

  const openingRows = async (ctx: AppContext = app) =>
    Number(
      (
        await ctx.db
          .selectFrom("openings")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const codes = async (m: Member) => (await listOpeningsForRegulator(app, m.actor)).openings.map((o) => o.sectionId);
  const rowOf = async (sectionId: string) =>
    (await listOpeningsForRegulator(app, regulator.actor)).openings.find((o) => o.sectionId === sectionId);

  beforeAll(async () => {
    app = await createTestApp();
    agency = await organisationWithMember(app, { name: "福州建工招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    const tenderer = await organisationWithMember(app, { name: "福州城投集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
    regulator = await organisationWithMember(app, { name: "福州市住建局", kinds: ["regulator"], roles: ["operate"], regionCode: "350100" });
    viewer = await memberOf(app, regulator.organisationId, { name: "只读科员", roles: ["view"] });
    xiamen = await organisationWithMember(app, { name: "厦门市住建局", kinds: ["regulator"], roles: ["operate"], regionCode: "350200" });
    operator = await organisationWithMember(app, {
      name: "交易中心",
      kinds: ["operator"],
      roles: ["admin", "operate"],
      regionCode: "350000",
    });
    const section = async (code: string, deadlineDays: number) =>
      (await publishedSection(app, { agency: agency.actor, tendererOrganisationId: tenderer.organisationId, code, deadlineDays }))
        .sectionId;
    near = await section("E3501002026000801", 25);
    far = await section("E3501002026000802", 30);
    looked = await section("E3501002026000803", 30);
    await findOpeningOfSection(app, looked);
    await app.clock.advance(12 * 86_400);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it("lists the sections within 14 days and those with an opening row, creating nothing on read", async () => {
    const before = await openingRows();
    const view = await listOpeningsForRegulator(app, regulator.actor);
    expect(view.openings.map((o) => o.sectionId)).toEqual([near, looked]);
    expect(await openingRows()).toBe(before);
    const n = view.openings[0]!;
    expect(n).toMatchObject({
      sectionCode: "E3501002026000801001",
      projectName: "闽江大道道路改造工程",
      openingId: null,
      phase: "scheduled",
      validBids: null,
      suspension: null,
      maySuspend: true,
      mayResume: false,
    });
    expect(view.canSuspend).toBe(true);
  });

  it("shows a regulator of another region nothing, and lets it suspend nothing", async () => {
    expect(await codes(xiamen)).toEqual([]);
    const before = await openingRows();
    await expectCode(suspendOpeningOfSection(app, { actor: xiamen.actor, sectionId: near, reason: "越权", meta: TEST_META }), "FORBIDDEN");
    expect(await openingRows()).toBe(before);
  });

  it("lets a view-only member of the regulator read the list but not suspend", async () => {
    const view = await listOpeningsForRegulator(app, viewer.actor);
    expect(view.canSuspend).toBe(false);
    expect(view.openings.map((o) => [o.sectionId, o.maySuspend])).toEqual([
      [near, false],
      [looked, false],
    ]);
    await expectCode(suspendOpeningOfSection(app, { actor: viewer.actor, sectionId: near, reason: "调查", meta: TEST_META }), "FORBIDDEN");
  });

  it("refuses a suspension without a reason and leaves no opening row behind", async () => {
    const before = await openingRows();
    await expectCode(
      suspendOpeningOfSection(app, { actor: regulator.actor, sectionId: near, reason: "   ", meta: TEST_META }),
      "OPENING_REASON_REQUIRED",
    );
    expect(await openingRows()).toBe(before);
  });

  it("suspends a section's opening (making its row), shows it suspended with the reason, and resumes to the phase underneath", async () => {
    const before = await openingRows();
    const { openingId } = await suspendOpeningOfSection(app, {
      actor: regulator.actor,
      sectionId: near,
      reason: "收到投诉，调查招标文件",
      meta: TEST_META,
    });
    expect(await openingRows()).toBe(before + 1);
    expect(await rowOf(near)).toMatchObject({
      openingId,
      phase: "suspended",
      phaseUnderSuspension: "scheduled",
      suspension: { reason: "收到投诉，调查招标文件", suspendedAt: app.clock.now() },
      maySuspend: false,
      mayResume: true,
    });
    await expectCode(
      suspendOpeningOfSection(app, { actor: regulator.actor, sectionId: near, reason: "再次", meta: TEST_META }),
      "OPENING_UNEXPECTED_PHASE",
    );
    // The section itself stands still: no bid can be submitted, replaced or withdrawn meanwhile.
    const sectionSuspended = () => app.db.selectFrom("sections").select("suspended_at").where("id", "=", near).executeTakeFirstOrThrow();
    expect((await sectionSuspended()).suspended_at).toEqual(app.clock.now());

    await app.clock.advance(600);
    await expectCode(resumeOpening(app, { actor: regulator.actor, openingId, reason: "", meta: TEST_META }), "OPENING_REASON_REQUIRED");
    await expectCode(resumeOpening(app, { actor: xiamen.actor, openingId, reason: "越权", meta: TEST_META }), "FORBIDDEN");
    // Suspended and resumed well before the deadline: the deadline stays (decision 38).
    expect(await resumeOpening(app, { actor: regulator.actor, openingId, reason: "调查结束", meta: TEST_META })).toEqual({
      phase: "scheduled",
      deadlineMoved: null,
    });
    expect(await rowOf(near)).toMatchObject({ openingId, phase: "scheduled", suspension: null, maySuspend: true, mayResume: false });
    expect((await sectionSuspended()).suspended_at).toBeNull();
    const audit = await app.db
      .selectFrom("audit_log")
      .select("type")
      .where("type", "in", ["opening.suspended", "opening.resumed"])
      .execute();
    expect(audit.map((a) => a.type).sort()).toEqual(["opening.resumed", "opening.suspended"]);
  });

  it("after the deadline shows the bids counted (none here: 流标) and offers no suspension; the window moves with the clock", async () => {
    const deadline = (await rowOf(near))!.deadlineAt;
    await advanceTo(app, minutes(deadline, 1));
    await recordOpeningTimedFacts(app, app.clock.now());
    expect(await rowOf(near)).toMatchObject({ phase: "failed", validBids: 0, minimumBids: 3, maySuspend: false, mayResume: false });
    // `far` closes five days from now: inside the window at last.
    expect(await codes(regulator)).toEqual([near, far, looked]);
  });

  it("lists the operator's incidents with who recorded them, newest first, and only to the operator", async () => {
    const now = app.clock.now();
    await recordPlatformIncident(app, {
      actor: operator.actor,
      startedAt: minutes(now, -180),
      endedAt: minutes(now, -150),
      description: "存储集群故障",
      meta: TEST_META,
    });
    await recordPlatformIncident(app, {
      actor: operator.actor,
      startedAt: minutes(now, -60),
      endedAt: minutes(now, -30),
      description: "  网络中断  ",
      meta: TEST_META,
    });
    const incidents = await listPlatformIncidents(app, operator.actor);
    expect(incidents.map((i) => [i.description, i.recordedByName, i.startedAt, i.endedAt, i.recordedAt])).toEqual([
      ["网络中断", "交易中心经办人", minutes(now, -60), minutes(now, -30), now],
      ["存储集群故障", "交易中心经办人", minutes(now, -180), minutes(now, -150), now],
    ]);
    await expectCode(listPlatformIncidents(app, regulator.actor), "FORBIDDEN");
  });
});
