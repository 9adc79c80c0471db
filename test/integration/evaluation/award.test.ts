import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACKNOWLEDGEMENT_TYPE, signJson } from "#app/crypto/jws/signed-json.ts";
import { returnEvent } from "#app/domain/guarantee/security-return.ts";
import { listBidSecurities } from "#app/services/guarantee/bid-securities.server.ts";
import { toBytes } from "#app/server/db.server.ts";
import { verifyPdf } from "#app/server/pdf/index.server.ts";
import { loadPlatformTrust } from "#app/server/pki/platform-pki.server.ts";
import { revokeCertificate } from "#app/services/certificates/revoke-certificate.server.ts";
import { acknowledgeNotice } from "#app/services/evaluation/acknowledge-notice.server.ts";
import { AWARD_NOTICE_KIND } from "#app/services/evaluation/award-notice-signing.server.ts";
import { decideAward } from "#app/services/evaluation/decide-award.server.ts";
import { loadEvaluation, machineScoring } from "#app/services/evaluation/evaluation-context.server.ts";
import { issueAwardNotices } from "#app/services/evaluation/issue-award-notices.server.ts";
import { recordEvaluationResult } from "#app/services/evaluation/record-evaluation-result.server.ts";
import { completeSigning } from "#app/services/signing/complete-signing.server.ts";
import { prepareSigning } from "#app/services/signing/prepare-signing.server.ts";
import { seedDemo } from "#db/seed/index.ts";
import { actorOf } from "#test/factories/tendering.ts";
import { enrol, type Enrolment } from "../bidding/helpers/bids.ts";
import { TEST_META } from "../helpers/test-app.ts";
import { advanceTo, expectCode } from "../opening/helpers.ts";
import { appOn, signAttributes } from "../signing/helpers.ts";
import type { Actor } from "#app/server/session.server.ts";

const REPORT = new TextEncoder().encode("%PDF-1.7\n% evaluation report\n%%EOF\n");

/**
 * Issue 16 end to end on the services, on PostgreSQL and PGlite: from the demo's closed opening to
 * the committee's result, the publicity, the award, both signatures, the issue and the winner's
 * acknowledgement — and each refusal the issue names, with nothing half-saved.
 */
describe.each(["pg", "pglite"] as const)("evaluation and award on %s", (driver) => {
  let app: Awaited<ReturnType<typeof appOn>>;
  let sectionId: string;
  const person = async (email: string) =>
    actorOf(app.db, (await app.db.selectFrom("people").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id);
  let agency: Actor, tenderer: Actor, bidder1: Actor;
  let bids: { organisationId: string; name: string; priceFen: bigint }[];

  beforeAll(async () => {
    app = await appOn(driver, "fixed:2026-11-23T09:00:00+08:00");
    expect(await seedDemo(app)).not.toBeNull();
    const closed = await app.db.selectFrom("openings").select("section_id").where("closed_at", "is not", null).executeTakeFirstOrThrow();
    sectionId = closed.section_id;
    agency = await person("agency@demo.bidhall.cn");
    tenderer = await person("tenderer@demo.bidhall.cn");
    bidder1 = await person("bidder1@demo.bidhall.cn");
    const loaded = await loadEvaluation(app.db, sectionId, app.clock.now());
    bids = loaded.opening.bids.map((b) => ({
      organisationId: b.organisationId,
      name: b.organisationName,
      priceFen: BigInt(b.fields!.price as string),
    }));
  }, 300_000);
  afterAll(async () => {
    await app?.close();
  });

  const committeeBids = (technical: number[]) =>
    bids.map((b, i) => ({
      organisationId: b.organisationId,
      valid: true,
      rejectionReason: null,
      technicalHundredths: technical[i]!,
      commercialHundredths: 800,
    }));

  it("scores the prices by the machine with the published formula", async () => {
    const loaded = await loadEvaluation(app.db, sectionId, app.clock.now());
    const scoring = machineScoring(loaded)!;
    expect(scoring.rows).toHaveLength(3);
    expect(scoring.working.zh).toContain("评标基准价");
    expect(scoring.rows.every((r) => r.scoreHundredths !== null && r.scoreHundredths <= 6000n)).toBe(true);
  });

  it("refuses scores out of range, more than 3 candidates, a bidder or a stranger recording, and saves nothing", async () => {
    const ids = bids.map((b) => b.organisationId);
    await expectCode(
      recordEvaluationResult(app, {
        actor: agency,
        sectionId,
        report: REPORT,
        committee: ["甲"],
        bids: committeeBids([2500, 3100, 2000]),
        candidates: ids,
        meta: TEST_META,
      }),
      "EVALUATION_RESULT_INVALID",
    );
    await expectCode(
      recordEvaluationResult(app, {
        actor: agency,
        sectionId,
        report: REPORT,
        committee: ["甲"],
        bids: committeeBids([2500, 2600, 2000]),
        candidates: [...ids, ids[0]!],
        meta: TEST_META,
      }),
      "EVALUATION_RESULT_INVALID",
    );
    await expectCode(
      recordEvaluationResult(app, {
        actor: agency,
        sectionId,
        report: new TextEncoder().encode("not a pdf"),
        committee: ["甲"],
        bids: committeeBids([2500, 2600, 2000]),
        candidates: [ids[0]!],
        meta: TEST_META,
      }),
      "EVALUATION_REPORT_INVALID",
    );
    await expectCode(
      recordEvaluationResult(app, {
        actor: bidder1,
        sectionId,
        report: REPORT,
        committee: ["甲"],
        bids: committeeBids([2500, 2600, 2000]),
        candidates: [ids[0]!],
        meta: TEST_META,
      }),
      "FORBIDDEN",
    );
    expect(await app.db.selectFrom("evaluations").select("id").execute()).toEqual([]);
  });

  it("records the committee's result in the order of the points, and starts the publicity", async () => {
    const loaded = await loadEvaluation(app.db, sectionId, app.clock.now());
    const scoring = machineScoring(loaded)!;
    const technical = [2500, 2600, 2000];
    const total = (i: number) => scoring.rows.find((r) => r.id === bids[i]!.organisationId)!.scoreHundredths! + BigInt(technical[i]! + 800);
    const order = [0, 1, 2].sort((a, b) => Number(total(b) - total(a))).map((i) => bids[i]!.organisationId);
    // Reversed order is refused, the right one recorded.
    await expectCode(
      recordEvaluationResult(app, {
        actor: agency,
        sectionId,
        report: REPORT,
        committee: ["甲", "乙", "丙"],
        bids: committeeBids(technical),
        candidates: [...order].reverse(),
        meta: TEST_META,
      }),
      "EVALUATION_RESULT_INVALID",
    );
    await recordEvaluationResult(app, {
      actor: agency,
      sectionId,
      report: REPORT,
      committee: ["甲", "乙", "丙"],
      bids: committeeBids(technical),
      candidates: order,
      meta: TEST_META,
    });
    const again = await loadEvaluation(app.db, sectionId, app.clock.now());
    expect(again.evaluationBids.find((b) => b.candidate_rank === 1)!.organisation_id).toBe(order[0]);
    expect(again.evaluation!.publicity_ends_at > app.clock.now()).toBe(true);
    expect(await app.db.selectFrom("anchor_queue").select("sha256").where("source", "=", "evaluation-report").execute()).toHaveLength(1);
  });

  let enrolled: { tenderer: Enrolment; agency: Enrolment; winner: Enrolment };
  let winnerId: string;

  it("refuses the award during the publicity, while suspended, and another candidate without a reason", async () => {
    const ev = await loadEvaluation(app.db, sectionId, app.clock.now());
    winnerId = ev.evaluationBids.find((b) => b.candidate_rank === 1)!.organisation_id;
    const second = ev.evaluationBids.find((b) => b.candidate_rank === 2)!.organisation_id;
    await expectCode(
      decideAward(app, { actor: tenderer, sectionId, winnerOrganisationId: winnerId, reason: null, meta: TEST_META }),
      "AWARD_BLOCKED",
    );
    await advanceTo(app, ev.evaluation!.publicity_ends_at);
    await app.db.updateTable("sections").set({ suspended_at: app.clock.now() }).where("id", "=", sectionId).execute();
    await expectCode(
      decideAward(app, { actor: tenderer, sectionId, winnerOrganisationId: winnerId, reason: null, meta: TEST_META }),
      "AWARD_BLOCKED",
    );
    await app.db.updateTable("sections").set({ suspended_at: null }).where("id", "=", sectionId).execute();
    // An unanswered objection to the result stops the award (条例 54).
    const objection = await app.db
      .insertInto("objections")
      .values({
        section_id: sectionId,
        subject: "result",
        raised_by_organisation_id: bids[2]!.organisationId,
        raised_by_person_id: tenderer.personId,
        content: "对评标结果有异议",
        raised_at: app.clock.now(),
        answer_due_at: app.clock.now(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await expectCode(
      decideAward(app, { actor: tenderer, sectionId, winnerOrganisationId: winnerId, reason: null, meta: TEST_META }),
      "AWARD_BLOCKED",
    );
    await app.db.deleteFrom("objections").where("id", "=", objection.id).execute();
    await expectCode(
      decideAward(app, { actor: tenderer, sectionId, winnerOrganisationId: second, reason: " ", meta: TEST_META }),
      "AWARD_BLOCKED",
    );
    await expectCode(
      decideAward(app, { actor: agency, sectionId, winnerOrganisationId: winnerId, reason: null, meta: TEST_META }),
      "FORBIDDEN",
    );
    expect(await app.db.selectFrom("awards").select("id").execute()).toEqual([]);
  });

  it("awards the first candidate, records the fact and draws a notice per bidder", async () => {
    const { noticeIds } = await decideAward(app, {
      actor: tenderer,
      sectionId,
      winnerOrganisationId: winnerId,
      reason: null,
      meta: TEST_META,
    });
    expect(noticeIds).toHaveLength(3);
    await expectCode(
      decideAward(app, { actor: tenderer, sectionId, winnerOrganisationId: winnerId, reason: null, meta: TEST_META }),
      "AWARD_ALREADY_DECIDED",
    );
    expect(await app.db.selectFrom("anchor_queue").select("sha256").where("source", "=", "award").execute()).toHaveLength(1);
  });

  it("has the tenderer sign first and the agency second, refusing the wrong turn and a revoked certificate", async () => {
    enrolled = {
      tenderer: await enrol(app, { email: "tenderer@demo.bidhall.cn" }),
      agency: await enrol(app, { email: "agency@demo.bidhall.cn" }),
      winner: await enrol(app, {
        email: (
          await app.db
            .selectFrom("people as p")
            .innerJoin("memberships as m", "m.person_id", "p.id")
            .select("p.email")
            .where("m.organisation_id", "=", winnerId)
            .executeTakeFirstOrThrow()
        ).email,
      }),
    };
    const ev = await loadEvaluation(app.db, sectionId, app.clock.now());
    const sign = async (actor: Actor, cert: Enrolment, noticeId: string) => {
      const p = await prepareSigning(app, actor, { kind: AWARD_NOTICE_KIND, subjectId: noticeId, certificateSerial: cert.serialHex });
      return completeSigning(app, actor, {
        requestId: p.requestId,
        signature: signAttributes(cert.privateKey, p.signedAttributesDer),
        meta: TEST_META,
      });
    };
    const first = ev.notices[0]!;
    await expectCode(sign(agency, enrolled.agency, first.id), "NOTICE_SIGNING_OUT_OF_TURN");
    // A revoked certificate of the tenderer's signer is refused by the signing flow.
    const spare = await enrol(app, { email: "tenderer@demo.bidhall.cn" });
    await revokeCertificate(app, { actor: null, serial: spare.serialHex, reason: "keyCompromise" });
    await expectCode(sign(tenderer, spare, first.id), "CERTIFICATE_REVOKED");
    // Not issued before every signature.
    await expectCode(issueAwardNotices(app, { actor: agency, sectionId, meta: TEST_META }), "NOTICE_SIGNING_OUT_OF_TURN");
    for (const n of ev.notices) await sign(tenderer, enrolled.tenderer, n.id);
    for (const n of ev.notices) await sign(agency, enrolled.agency, n.id);
    await expectCode(sign(agency, enrolled.agency, first.id), "NOTICE_SIGNING_OUT_OF_TURN");

    const award = (await loadEvaluation(app.db, sectionId, app.clock.now())).notices.find((n) => n.kind === "award")!;
    const trust = await loadPlatformTrust(app.db);
    const report = await verifyPdf(new Uint8Array(toBytes(award.pdf)), {
      trustedRoots: [trust.rootPem],
      validationTime: app.clock.now(),
      platformCertificates: trust.platformCertificates,
    });
    expect(report.problems).toEqual([]);
    expect(report.signatures.map((s) => s.fieldName)).toEqual(["tenderer", "agency"]);
  });

  it("issues the notices, starts the security return for the losers, and takes the winner's signed acknowledgement", async () => {
    const { issuedAt } = await issueAwardNotices(app, { actor: agency, sectionId, meta: TEST_META });
    const ev = await loadEvaluation(app.db, sectionId, app.clock.now());
    expect(ev.award!.announced_at).toEqual(issuedAt);
    expect(await app.db.selectFrom("notices").select("id").where("kind", "=", "award").execute()).toHaveLength(3);
    expect(
      returnEvent({ type: "government", deadlineAt: issuedAt, terminatedAt: null, withdrawnAt: null, awardNoticeAt: issuedAt, won: false }),
    ).toEqual({ event: "awardNotice", at: issuedAt });
    // Engineering (the demo): the award notice starts nothing; the contract will (条例 57).
    const securities = await listBidSecurities(app, agency, ev.opening.project.id);
    expect(securities.filter((s) => s.section.id === sectionId).every((s) => s.event === null)).toBe(true);

    const notice = ev.notices.find((n) => n.kind === "award")!;
    const holder = await app.db
      .selectFrom("person_certificates")
      .select("person_id")
      .where("serial_hex", "=", enrolled.winner.serialHex)
      .executeTakeFirstOrThrow();
    const winner = await actorOf(app.db, holder.person_id);
    const jws = (sha: string) =>
      signJson(
        ACKNOWLEDGEMENT_TYPE,
        {
          format: "bidhall.acknowledgement/1",
          noticeId: notice.id,
          noticeNumber: notice.number,
          noticeSha256: sha,
          signedAt: app.clock.now().toISOString(),
        },
        { key: enrolled.winner.privateKey, x5c: enrolled.winner.x5c },
      );
    await expectCode(
      acknowledgeNotice(app, { actor: winner, noticeId: notice.id, acknowledgementJws: await jws("0".repeat(64)), meta: TEST_META }),
      "NOTICE_ACKNOWLEDGEMENT_INVALID",
    );
    await expectCode(
      acknowledgeNotice(app, {
        actor: tenderer,
        noticeId: notice.id,
        acknowledgementJws: await jws(notice.document_sha256),
        meta: TEST_META,
      }),
      "NOT_FOUND",
    );
    await acknowledgeNotice(app, {
      actor: winner,
      noticeId: notice.id,
      acknowledgementJws: await jws(notice.document_sha256),
      meta: TEST_META,
    });
    const row = await app.db
      .selectFrom("award_notices")
      .select(["acknowledged_at", "acknowledged_by"])
      .where("id", "=", notice.id)
      .executeTakeFirstOrThrow();
    expect(row.acknowledged_at).not.toBeNull();
  });
});
