import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideAward } from "#app/services/evaluation/decide-award.server.ts";
import { evaluationTodo } from "#app/services/evaluation/evaluation-todo.server.ts";
import { listEvaluations } from "#app/services/evaluation/list-evaluations.server.ts";
import { readAwardNotice } from "#app/services/evaluation/read-award-notice.server.ts";
import { readEvaluation } from "#app/services/evaluation/read-evaluation.server.ts";
import { readPublicEvaluation } from "#app/services/evaluation/read-public-evaluation.server.ts";
import { recordEvaluationResult } from "#app/services/evaluation/record-evaluation-result.server.ts";
import { seedDemo } from "#db/seed/index.ts";
import { actorOf } from "#test/factories/tendering.ts";
import { TEST_META } from "../helpers/test-app.ts";
import { advanceTo, expectCode } from "../opening/helpers.ts";
import { appOn } from "../signing/helpers.ts";
import type { Actor } from "#app/server/session.server.ts";

const REPORT = new TextEncoder().encode("%PDF-1.7\n% evaluation report\n%%EOF\n");

/**
 * What the evaluation and award pages read (decision 76), on PostgreSQL and PGlite: only the
 * project's parties see the evaluation, the committee's names stay with the agency until the
 * award is announced, the public sees the candidates and the window, a notice is the recipient's
 * only once issued, and the dashboard lists each party's next step.
 */
describe.each(["pg", "pglite"] as const)("the evaluation and award pages' reads on %s", (driver) => {
  let app: Awaited<ReturnType<typeof appOn>>;
  let sectionId: string;
  let projectId: string;
  let agency: Actor, tenderer: Actor, bidder2: Actor;
  const person = async (email: string) =>
    actorOf(app.db, (await app.db.selectFrom("people").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id);

  beforeAll(async () => {
    app = await appOn(driver, "fixed:2026-11-23T09:00:00+08:00");
    expect(await seedDemo(app)).not.toBeNull();
    const closed = await app.db
      .selectFrom("openings as o")
      .innerJoin("sections as s", "s.id", "o.section_id")
      .select(["o.section_id", "s.project_id"])
      .where("o.closed_at", "is not", null)
      .executeTakeFirstOrThrow();
    sectionId = closed.section_id;
    projectId = closed.project_id;
    agency = await person("agency@demo.bidhall.cn");
    tenderer = await person("tenderer@demo.bidhall.cn");
    bidder2 = await person("bidder2@demo.bidhall.cn");
  }, 300_000);
  afterAll(async () => {
    await app?.close();
  });

  it("shows the machine's scores to the project's parties only, and lists the agency's result to record", async () => {
    await expectCode(readEvaluation(app, bidder2, sectionId), "FORBIDDEN");
    const v = await readEvaluation(app, agency, sectionId);
    expect(v.phase).toBe("awaitingResult");
    expect(v.viewer).toMatchObject({ manager: true, mayRecord: true, mayDecide: false });
    expect(v.scoring!.rows).toHaveLength(3);
    expect(v.scoring!.rows.every((r) => /^\d+\.\d{2}$/.test(r.points!))).toBe(true);
    expect((await readEvaluation(app, tenderer, sectionId)).viewer).toMatchObject({ manager: false, mayRecord: false, mayDecide: true });
    expect((await listEvaluations(app, agency)).map((s) => [s.sectionId, s.phase])).toEqual([[sectionId, "awaitingResult"]]);
    expect((await evaluationTodo(app, agency)).map((i) => i.kind)).toEqual(["evaluation.record"]);
    expect(await evaluationTodo(app, bidder2)).toEqual([]);
    const pub = (await readPublicEvaluation(app, projectId, [sectionId]))[sectionId]!;
    expect(pub.terms.zh).toContain("评标基准价");
    expect(pub.publicity).toBeNull();
  });

  it("keeps the committee's names from the tenderer and the public until the award is announced", async () => {
    const v = await readEvaluation(app, agency, sectionId);
    const order = [...v.scoring!.rows].sort((a, b) => a.rank - b.rank).map((r) => r.organisationId);
    await recordEvaluationResult(app, {
      actor: agency,
      sectionId,
      report: REPORT,
      committee: ["甲", "乙", "丙"],
      bids: order.map((organisationId) => ({
        organisationId,
        valid: true,
        rejectionReason: null,
        technicalHundredths: 2500,
        commercialHundredths: 800,
      })),
      candidates: order,
      meta: TEST_META,
    });
    expect((await readEvaluation(app, agency, sectionId)).evaluation!.committee).toEqual(["甲", "乙", "丙"]);
    const t = await readEvaluation(app, tenderer, sectionId);
    expect(t.evaluation!.committee).toBeNull();
    expect(t.phase).toBe("publicity");
    expect(t.awardBlock!.zh).toContain("公示期满前不得定标");
    const pub = (await readPublicEvaluation(app, projectId, [sectionId]))[sectionId]!;
    expect(pub.publicity).toMatchObject({ open: true });
    expect(pub.publicity!.candidates.map((c) => c.rank)).toEqual([1, 2, 3]);
    expect(JSON.stringify(pub)).not.toContain("甲");
    expect(pub.award).toBeNull();
  });

  it("after the award: notices to sign on the dashboard; a notice is the recipient's only once issued", async () => {
    const v = await readEvaluation(app, tenderer, sectionId);
    await advanceTo(app, new Date(v.evaluation!.publicityEndsAt));
    expect((await evaluationTodo(app, tenderer)).map((i) => i.kind)).toEqual(["award.decide"]);
    const winner = v.evaluation!.bids.find((b) => b.rank === 1)!.organisationId;
    await decideAward(app, { actor: tenderer, sectionId, winnerOrganisationId: winner, reason: null, meta: TEST_META });
    expect((await evaluationTodo(app, tenderer)).map((i) => i.kind)).toEqual(["notice.sign"]);
    // The agency signs second: nothing waits for it yet.
    expect(await evaluationTodo(app, agency)).toEqual([]);
    const after = await readEvaluation(app, tenderer, sectionId);
    expect(after.notices).toHaveLength(3);
    expect(after.notices.every((n) => n.nextStep === "tenderer" && n.mySignature)).toBe(true);
    const loserNotice = after.notices.find((n) => n.kind === "result" && n.organisationName === "闽江路桥集团有限公司")!;
    await expectCode(readAwardNotice(app, bidder2, loserNotice.id), "NOT_FOUND");
    expect((await readAwardNotice(app, agency, loserNotice.id)).recipient).toBe(false);
  });
});
