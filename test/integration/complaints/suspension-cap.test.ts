import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { complaintSuspensionCap } from "#app/jobs/timed-tasks.ts";
import { decideAdmission } from "#app/services/complaints/decide-admission.server.ts";
import { readRegulatorComplaint } from "#app/services/complaints/read-regulator-complaints.server.ts";
import { suspendForComplaint } from "#app/services/complaints/suspend-for-complaint.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { readOpening } from "#app/services/opening/read-opening.server.ts";
import { organisationWithMember, publishedSection, type Member } from "../bidding/helpers/bids.ts";
import { TEST_META as meta } from "../helpers/test-app.ts";
import { appOn } from "../signing/helpers.ts";
import { filedComplaint } from "./handling-helpers.ts";

/**
 * GP法 57 (decision 74): a government-procurement section suspended for a complaint resumes by law
 * once the suspension has lasted 30 days — the scheduler's task lifts it as the regulator's
 * resumption would (hall, section, ComplaintLedger.resumeSection from the lead, the parties told),
 * with the system as the actor. An engineering suspension has no cap. PostgreSQL and PGlite.
 */
describe.each(["pg", "pglite"] as const)("the 30-day cap on a GP suspension, on %s", (driver) => {
  let app: Awaited<ReturnType<typeof appOn>>;
  let regulator: Member, bidder: Member, agency: Member, tenderer: Member;
  const at = (iso: string) => new Date(iso);

  beforeAll(async () => {
    // Tuesday 1 September 2026: the 30th day after is 1 October, in the National Day holiday.
    app = await appOn(driver, "fixed:2026-09-01T10:00:00+08:00");
    agency = await organisationWithMember(app, { name: "福州政府采购代理", kinds: ["agency"], roles: ["admin", "operate"] });
    tenderer = await organisationWithMember(app, { name: "福州市第一医院", kinds: ["tenderer"], roles: ["admin", "operate"] });
    regulator = await organisationWithMember(app, { name: "福州市财政局", kinds: ["regulator"], roles: ["operate"], regionCode: "350100" });
    bidder = await organisationWithMember(app, { name: "海峡医疗设备", kinds: ["bidder"], roles: ["admin", "bid"] });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  async function suspendedComplaint(type: "engineering" | "government", code: string) {
    const { sectionId } = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code,
      procurementType: type,
    });
    const c = await filedComplaint(app, { sectionId, complainant: bidder, regulators: [regulator.organisationId] });
    await decideAdmission(app, { actor: regulator.actor, complaintId: c.id, admit: true, reason: "予以受理。", meta });
    await suspendForComplaint(app, { actor: regulator.actor, complaintId: c.id, meta });
    return { ...c, sectionId };
  }

  it("lifts a GP suspension when its 30th day after ends, not before; leaves an engineering one standing", async () => {
    const gp = await suspendedComplaint("government", `E35010020260${driver === "pg" ? "77701" : "77703"}`);
    const eng = await suspendedComplaint("engineering", `E35010020260${driver === "pg" ? "77702" : "77704"}`);
    const tick = () => complaintSuspensionCap.run(app, app.clock.now());

    await app.clock.advance((at("2026-10-01T23:59:59+08:00").getTime() - app.clock.now().getTime()) / 1000);
    expect(await tick()).toBe(0);
    expect((await readRegulatorComplaint(app, regulator.actor, gp.id)).state).toBe("suspended");

    await app.clock.advance(1);
    expect(app.clock.now().toISOString()).toBe(at("2026-10-02T00:00:00+08:00").toISOString());
    expect(await tick()).toBe(1);
    expect(await tick()).toBe(0); // idempotent

    const lifted = await readRegulatorComplaint(app, regulator.actor, gp.id);
    expect(lifted.state).toBe("accepted");
    const section = await app.db.selectFrom("sections").select("suspended_at").where("id", "=", gp.sectionId).executeTakeFirstOrThrow();
    expect(section.suspended_at).toBeNull();
    const hall = await readOpening(app, null, (await findOpeningOfSection(app, gp.sectionId)).openingId);
    expect(hall.suspension).toBeNull();
    const write = await app.db
      .selectFrom("outbox")
      .select("payload")
      .where("key", "like", `complaint:${gp.id}:resume:%`)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(write.payload)).toContain("resumeSection");
    const audit = await app.db.selectFrom("audit_log").select("actor_person_id").where("type", "=", "complaint.section_resumed").execute();
    expect(audit.map((a) => a.actor_person_id)).toEqual([null]);
    const notice = await app.db
      .selectFrom("notices")
      .select("title")
      .where("subject_id", "=", gp.id)
      .where("title", "like", "%暂停已满 30 日%")
      .execute();
    expect(notice.length).toBeGreaterThan(0);

    // Engineering (条例 62): no cap, still suspended long after.
    await app.clock.advance(40 * 86_400);
    expect(await tick()).toBe(0);
    expect((await readRegulatorComplaint(app, regulator.actor, eng.id)).state).toBe("suspended");
  }, 180_000);
});
