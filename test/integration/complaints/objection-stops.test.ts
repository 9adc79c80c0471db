import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "#app/domain/shared/app-error.ts";
import type { Actor } from "#app/server/session.server.ts";
import { answerObjection } from "#app/services/complaints/answer-objection.server.ts";
import { fileObjection } from "#app/services/complaints/file-objection.server.ts";
import { decideAward } from "#app/services/evaluation/decide-award.server.ts";
import { loadEvaluation } from "#app/services/evaluation/evaluation-context.server.ts";
import { recordEvaluationResult } from "#app/services/evaluation/record-evaluation-result.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { openDecryptionWindow } from "#app/services/opening/open-decryption-window.server.ts";
import { publishBidderList } from "#app/services/opening/publish-bidder-list.server.ts";
import { readOpening } from "#app/services/opening/read-opening.server.ts";
import { seedDemo } from "#db/seed/index.ts";
import { actorOf } from "#test/factories/tendering.ts";
import { TEST_META as meta } from "../helpers/test-app.ts";
import { advanceTo } from "../opening/helpers.ts";
import { appOn } from "../signing/helpers.ts";

const REPORT = new TextEncoder().encode("%PDF-1.7\n% evaluation report\n%%EOF\n");

/**
 * The stops of 条例 22 and 54 (decisions 61, 74) on the demo world, on PostgreSQL (engineering)
 * and PGlite (the same project as government procurement): an unanswered objection (GP: challenge)
 * to the documents holds the opening, the hall says why, the answer releases it; an objection to
 * the evaluation result has its window from the recorded result (the publicity) and holds the award
 * until it is answered.
 */
describe.each([
  ["pg", "engineering"],
  ["pglite", "government"],
] as const)("objections that stop the tender, on %s, %s", (driver, type) => {
  let app: Awaited<ReturnType<typeof appOn>>;
  let agency: Actor, tenderer: Actor;
  let readyToOpen: string, finished: string;
  const word = type === "engineering" ? "异议" : "质疑";
  const person = async (email: string) =>
    actorOf(app.db, (await app.db.selectFrom("people").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id);
  const message = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    if (!isAppError(e)) throw e ?? new Error("expected a refusal");
    return { code: e.code, zh: e.messageIn("zh-CN"), en: e.messageIn("en") };
  };

  beforeAll(async () => {
    app = await appOn(driver, "fixed:2026-11-23T09:00:00+08:00");
    expect(await seedDemo(app)).not.toBeNull();
    if (type === "government") await app.db.updateTable("projects").set({ procurement_type: "government" }).execute();
    const closed = await app.db.selectFrom("openings").select("section_id").where("closed_at", "is not", null).executeTakeFirstOrThrow();
    finished = closed.section_id;
    const code = (await app.db.selectFrom("sections").select("code").where("id", "=", finished).executeTakeFirstOrThrow()).code;
    // The demo's section whose deadline passed just before start-up, its opening not begun.
    const sections = await app.db
      .selectFrom("sections")
      .select(["id", "deadline_at"])
      .where("id", "!=", finished)
      .where("deadline_at", "<", app.clock.now())
      .execute();
    expect(sections, code).toHaveLength(1);
    readyToOpen = sections[0]!.id;
    agency = await person("agency@demo.bidhall.cn");
    tenderer = await person("tenderer@demo.bidhall.cn");
  }, 300_000);
  afterAll(async () => {
    await app?.close();
  });

  it("an unanswered objection to the documents holds the opening, the hall says why, and the answer releases it", async () => {
    const bidder = await person("bidder2@demo.bidhall.cn");
    const { openingId } = await findOpeningOfSection(app, readyToOpen);
    // Raised in time (10 days before the deadline) and left unanswered past its due date: written as it stood.
    const raisedAt = new Date(app.clock.now().getTime() - 12 * 86_400_000);
    const objection = await app.db
      .insertInto("objections")
      .values({
        section_id: readyToOpen,
        subject: "documents",
        raised_by_organisation_id: bidder.membership.organisationId,
        raised_by_person_id: bidder.personId,
        content: "资格条件排斥潜在投标人",
        raised_at: raisedAt,
        answer_due_at: new Date(raisedAt.getTime() + 3 * 86_400_000),
      })
      .returning("id")
      .executeTakeFirstOrThrow();

    const refused = await message(publishBidderList(app, { actor: agency, openingId, meta }));
    expect(refused.code).toBe("OPENING_STOPPED_BY_OBJECTION");
    expect(refused.zh).toContain(`对招标（采购）文件的${word}尚有 1 项未答复`);
    expect(refused.zh).toContain("招标投标法实施条例第二十二条");
    expect(refused.en).toContain("still unanswered");
    const held = await readOpening(app, agency, openingId);
    expect(held.objectionStop).toMatchObject({ count: 1, word: { zh: word } });
    expect((await readOpening(app, null, openingId)).objectionStop?.count).toBe(1);
    const opening = await app.db.selectFrom("openings").selectAll().where("id", "=", openingId).executeTakeFirstOrThrow();
    expect(opening.bidder_list_published_at).toBeNull();

    await answerObjection(app, { actor: agency, objectionId: objection.id, answer: "资格条件符合法律规定，不予修改。", meta });
    expect((await readOpening(app, agency, openingId)).objectionStop).toBeNull();
    await publishBidderList(app, { actor: agency, openingId, meta });
    await openDecryptionWindow(app, { actor: agency, openingId, meta });
  });

  it("an objection to the evaluation result waits for the result, runs with the publicity, and holds the award until answered", async () => {
    const loaded = await loadEvaluation(app.db, finished, app.clock.now());
    const bids = loaded.opening.bids.map((b) => ({ organisationId: b.organisationId, priceFen: BigInt(b.fields!.price as string) }));
    const objector = await person("bidder3@demo.bidhall.cn");
    const content = "评标委员会对技术分的评审不符合招标文件规定。";
    const early = await message(fileObjection(app, { actor: objector, sectionId: finished, subject: "result", content, meta }));
    expect(early.code).toBe("OBJECTION_NOT_YET");

    // Lowest price first, every bid valid: the committee's order under either method.
    const order = [...bids].sort((a, b) => Number(a.priceFen - b.priceFen)).map((b) => b.organisationId);
    const technical = order.map((_, i) => 2600 - 100 * i);
    await recordEvaluationResult(app, {
      actor: agency,
      sectionId: finished,
      report: REPORT,
      committee: ["甲", "乙", "丙"],
      bids: order.map((organisationId, i) => ({
        organisationId,
        valid: true,
        rejectionReason: null,
        technicalHundredths: technical[i]!,
        commercialHundredths: 800,
      })),
      candidates: order,
      meta,
    }).catch(async (e: unknown) => {
      // The committee's order under a scoring method: take the order the machine insists on.
      if (!isAppError(e) || e.code !== "EVALUATION_RESULT_INVALID") throw e;
      throw new Error(`recording the result: ${e.messageIn("en")}`);
    });
    const { objectionId, answerDueAt } = await fileObjection(app, {
      actor: objector,
      sectionId: finished,
      subject: "result",
      content,
      meta,
    });
    expect(answerDueAt > app.clock.now()).toBe(true);

    const ev = await loadEvaluation(app.db, finished, app.clock.now());
    await advanceTo(app, ev.evaluation!.publicity_ends_at);
    const winner = ev.evaluationBids.find((b) => b.candidate_rank === 1)!.organisation_id;
    const blocked = await message(
      decideAward(app, { actor: tenderer, sectionId: finished, winnerOrganisationId: winner, reason: null, meta }),
    );
    expect(blocked.code).toBe("AWARD_BLOCKED");
    expect(await app.db.selectFrom("awards").select("id").execute()).toEqual([]);

    await answerObjection(app, { actor: agency, objectionId, answer: "经复核，评审符合招标文件规定。", meta });
    await decideAward(app, { actor: tenderer, sectionId: finished, winnerOrganisationId: winner, reason: null, meta });
    expect(await app.db.selectFrom("awards").select("winner_organisation_id").execute()).toEqual([{ winner_organisation_id: winner }]);

    if (type === "engineering") {
      // The window was the publicity (条例 54): past its end, a new objection is refused with the date.
      const late = await person("bidder4@demo.bidhall.cn");
      const closed = await message(fileObjection(app, { actor: late, sectionId: finished, subject: "result", content, meta }));
      expect(closed.code).toBe("OBJECTION_WINDOW_CLOSED");
      expect(closed.zh).toContain("招标投标法实施条例第五十四条");
    }
  });
});
