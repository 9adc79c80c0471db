import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClock } from "#app/server/clock.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { createDb } from "#app/server/db.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { submitBid, withdrawBid } from "#app/services/bidding/submit-bid.server.ts";
import { answerObjection } from "#app/services/opening/answer-objection.server.ts";
import { closeDecryptionWindowEarly } from "#app/services/opening/close-decryption-window-early.server.ts";
import { closeOpening } from "#app/services/opening/close-opening.server.ts";
import { confirmReadingOutRecord } from "#app/services/opening/confirm-reading-out-record.server.ts";
import { decryptBid } from "#app/services/opening/decrypt-bid.server.ts";
import { declareOpeningFailed } from "#app/services/opening/declare-opening-failed.server.ts";
import { extendDecryptionWindow } from "#app/services/opening/extend-decryption-window.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { hideOpeningMessage } from "#app/services/opening/hide-opening-message.server.ts";
import { openDecryptionWindow } from "#app/services/opening/open-decryption-window.server.ts";
import { pauseDecryptionWindow } from "#app/services/opening/pause-decryption-window.server.ts";
import { publishBidderList } from "#app/services/opening/publish-bidder-list.server.ts";
import { publishReadingOut } from "#app/services/opening/publish-reading-out.server.ts";
import { raiseObjection } from "#app/services/opening/raise-objection.server.ts";
import { readOpening } from "#app/services/opening/read-opening.server.ts";
import { reclassifyDecryption } from "#app/services/opening/reclassify-decryption.server.ts";
import { recordPlatformIncident } from "#app/services/opening/record-platform-incident.server.ts";
import { recordOpeningTimedFacts } from "#app/services/opening/record-timed-facts.server.ts";
import { resumeDecryptionWindow } from "#app/services/opening/resume-decryption-window.server.ts";
import { resumeOpening } from "#app/services/opening/resume-opening.server.ts";
import { sendOpeningMessage } from "#app/services/opening/send-opening-message.server.ts";
import { suspendOpening } from "#app/services/opening/suspend-opening.server.ts";
import { uploadRemedyPackage } from "#app/services/opening/upload-remedy-package.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { createTestApp, silentLog, TEST_META, type TestApp } from "../helpers/test-app.ts";
import {
  enrol,
  organisationWithMember,
  publishedSection,
  sealBid,
  sha256Hex,
  storedPath,
  type Enrolment,
  type Member,
} from "../bidding/helpers/bids.ts";
import { advanceTo, confirmationJws, contentKey, expectCode, minutes, signIn } from "./helpers.ts";

/**
 * The live opening (issue 7) on real PostgreSQL under a controlled clock: real bids sealed for
 * certificates the platform CA issued, submitted before the deadline, opened through the services
 * and the scheduler's timed facts. One timeline, three sections sharing the deadline: the main
 * one with four bidders, one with too few bids, one where a platform incident hits the window.
 */
describe("the live opening", () => {
  let app: TestApp;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-opening-"));
  let agency: Member, otherAgency: Member, tenderer: Member, regulator: Member, farRegulator: Member, operator: Member;
  let a: Member, b: Member, c: Member, d: Member, e: Member;
  let certs: Map<Member, Enrolment>;
  let main: string, few: string, incidentSection: string;
  let deadline: Date;
  let openingId: string;
  const sealed = new Map<string, { packagePath: string; packageDigest: string }>();
  const prices = new Map<Member, string>();

  const fields = (price: string) => ({
    price,
    durationDays: 365,
    quality: "合格",
    projectManager: { name: "王建国", idNumber: "11010519491231002X" },
  });
  /** `deviceClockAhead`: how far the sealing computer's clock runs ahead of the platform's. */
  const bidIn = async (sectionId: string, m: Member, price: string, deviceClockAhead = 0) => {
    const cert = certs.get(m)!;
    const s = await sealBid({
      dir,
      name: `${sectionId}-${m.organisationId}`,
      sectionId,
      bidder: { uscc: m.actor.membership.organisationUscc, name: m.actor.membership.organisationName },
      fields: fields(price),
      signer: cert,
      recipients: [cert.certificatePem],
      sealedAt: new Date(app.clock.now().getTime() + deviceClockAhead),
    });
    await submitBid(app, { actor: m.actor, sectionId, envelopePath: s.envelopePath, packageDigest: s.packageDigest, meta: TEST_META });
    sealed.set(`${sectionId}:${m.organisationId}`, s);
  };
  const scheduler = (ctx: AppContext = app) => recordOpeningTimedFacts(ctx, ctx.clock.now());
  const opening = (ctx: AppContext = app) =>
    ctx.db.selectFrom("openings").selectAll().where("id", "=", openingId).executeTakeFirstOrThrow();
  const bidRow = (m: Member, id = openingId) =>
    app.db
      .selectFrom("opening_bids")
      .selectAll()
      .where("opening_id", "=", id)
      .where("organisation_id", "=", m.organisationId)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
    agency = await organisationWithMember(app, { name: "福州建工招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    otherAgency = await organisationWithMember(app, { name: "别家招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    tenderer = await organisationWithMember(app, { name: "福州城投集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
    regulator = await organisationWithMember(app, { name: "福州市住建局", kinds: ["regulator"], roles: ["operate"], regionCode: "350100" });
    farRegulator = await organisationWithMember(app, {
      name: "厦门市住建局",
      kinds: ["regulator"],
      roles: ["operate"],
      regionCode: "350200",
    });
    operator = await organisationWithMember(app, {
      name: "交易中心",
      kinds: ["operator"],
      roles: ["admin", "operate"],
      regionCode: "350000",
    });
    [a, b, c, d, e] = (await Promise.all(
      ["海峡建设", "闽江路桥", "鹭岛建筑", "安平建设", "撤回建设"].map((name) =>
        organisationWithMember(app, { name, kinds: ["bidder"], roles: ["admin", "bid"] }),
      ),
    )) as [Member, Member, Member, Member, Member];
    const list = [a, b, c, d, e];
    certs = new Map((await Promise.all(list.map((m) => enrol(app, m)))).map((cert, i) => [list[i]!, cert]));
    const section = async (code: string) =>
      (await publishedSection(app, { agency: agency.actor, tendererOrganisationId: tenderer.organisationId, code })).sectionId;
    main = await section("E3501002026000701");
    few = await section("E3501002026000702");
    incidentSection = await section("E3501002026000703");
    for (const m of list) await registerForSection(app, { actor: m.actor, sectionId: main, meta: TEST_META });
    for (const m of [a, b]) await registerForSection(app, { actor: m.actor, sectionId: few, meta: TEST_META });
    for (const m of [a, b, c]) await registerForSection(app, { actor: m.actor, sectionId: incidentSection, meta: TEST_META });
    prices.set(a, "1234567890").set(b, "1198000000").set(c, "1250000000").set(d, "1210050005").set(e, "1000000000");
    // 闽江路桥's computer clock runs 30 minutes fast: the receipt's time counts, not the device's (办法 Art 27).
    for (const m of list) await bidIn(main, m, prices.get(m)!, m === b ? 30 * 60_000 : 0);
    await withdrawBid(app, { actor: e.actor, sectionId: main, meta: TEST_META });
    for (const m of [a, b]) await bidIn(few, m, prices.get(m)!);
    for (const m of [a, b, c]) await bidIn(incidentSection, m, prices.get(m)!);
    deadline = (await app.db.selectFrom("sections").select("deadline_at").where("id", "=", main).executeTakeFirstOrThrow()).deadline_at;
    openingId = (await findOpeningOfSection(app, main)).openingId;
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("opens sign-in only from the lead time before the deadline, with a signed challenge, and shows the host who signed in", async () => {
    await advanceTo(app, minutes(deadline, -40));
    await expectCode(signIn(app, a, certs.get(a)!, main), "OPENING_UNEXPECTED_PHASE");
    await advanceTo(app, minutes(deadline, -20));
    // Another member's certificate does not prove this person's key.
    await expectCode(signIn(app, a, certs.get(b)!, main), "OPENING_CERTIFICATE_NOT_OWN");
    for (const m of [a, b, c, d]) expect((await signIn(app, m, certs.get(m)!, main)).created).toBe(true);
    expect((await signIn(app, a, certs.get(a)!, main)).created).toBe(false);
    const asHost = await readOpening(app, agency.actor, openingId);
    expect(asHost.phase).toBe("signing-in");
    expect(asHost.signIns.map((s) => s.organisationName).sort()).toEqual(["安平建设", "海峡建设", "闽江路桥", "鹭岛建筑"].sort());
    const asBidder = await readOpening(app, a.actor, openingId);
    expect(asBidder.signIns.map((s) => s.organisationName)).toEqual(["海峡建设"]);
    expect((await readOpening(app, null, openingId)).signIns).toEqual([]);
    const events = await app.db
      .selectFrom("live_events")
      .select(["type", "payload"])
      .where("stream", "=", `opening:${openingId}`)
      .execute();
    expect(events.filter((ev) => ev.type === "signin.recorded")).toHaveLength(4);
  });

  it("at the deadline snapshots the standing bids (the withdrawn one excluded), fails a section with too few, and running again changes nothing", async () => {
    await advanceTo(app, minutes(deadline, 1));
    expect(await scheduler()).toBeGreaterThanOrEqual(4);
    const row = await opening();
    expect(row.valid_bids_at_deadline).toBe(4);
    const bids = await app.db.selectFrom("opening_bids").select("organisation_id").where("opening_id", "=", openingId).execute();
    expect(bids.map((x) => x.organisation_id).sort()).toEqual([a, b, c, d].map((m) => m.organisationId).sort());
    // NOTE 法 28 / 条例 44: two bids against a minimum of three — 流标, recorded at the deadline itself.
    const fewOpening = (await findOpeningOfSection(app, few)).openingId;
    const fewView = await readOpening(app, agency.actor, fewOpening);
    expect(fewView.phase).toBe("failed");
    expect(fewView.failure).toMatchObject({ kind: "tooFewBids", at: deadline.toISOString() });
    const fewSection = await app.db.selectFrom("sections").select("failed_at").where("id", "=", few).executeTakeFirstOrThrow();
    expect(fewSection.failed_at).toEqual(deadline);
    await expectCode(publishBidderList(app, { actor: agency.actor, openingId: fewOpening, meta: TEST_META }), "OPENING_UNEXPECTED_PHASE");

    const audit = await app.db.selectFrom("audit_log").select("seq").execute();
    expect(await scheduler()).toBe(0);
    expect(await app.db.selectFrom("audit_log").select("seq").execute()).toHaveLength(audit.length);
  });

  it("refuses the host's actions to anyone but the host, and each action in a phase it does not belong to", async () => {
    await expectCode(openDecryptionWindow(app, { actor: agency.actor, openingId, meta: TEST_META }), "OPENING_BIDDER_LIST_NOT_PUBLISHED");
    for (const actor of [otherAgency.actor, tenderer.actor, a.actor, regulator.actor]) {
      await expectCode(publishBidderList(app, { actor, openingId, meta: TEST_META }), "FORBIDDEN");
    }
    await expectCode(
      pauseDecryptionWindow(app, { actor: agency.actor, openingId, reason: "网络", meta: TEST_META }),
      "OPENING_UNEXPECTED_PHASE",
    );
    await expectCode(
      decryptBid(app, { actor: a.actor, openingId, contentKey: randomBytes(32), meta: TEST_META }),
      "OPENING_UNEXPECTED_PHASE",
    );
    await expectCode(publishReadingOut(app, { actor: agency.actor, openingId, meta: TEST_META }), "OPENING_UNEXPECTED_PHASE");
    await expectCode(closeOpening(app, { actor: agency.actor, openingId, meta: TEST_META }), "OPENING_UNEXPECTED_PHASE");
    // Decision 39: past the deadline a failure may be declared, but only on a ground that holds.
    await expectCode(
      declareOpeningFailed(app, { actor: agency.actor, openingId, ground: "tooFewOpened", reason: "x", meta: TEST_META }),
      "OPENING_FAILURE_GROUND_NOT_MET",
    );
    await expectCode(resumeOpening(app, { actor: regulator.actor, openingId, reason: "x", meta: TEST_META }), "OPENING_UNEXPECTED_PHASE");
    // The bidder whose bid was withdrawn before the deadline is not a bidder of this opening.
    await expectCode(signIn(app, e, certs.get(e)!, main), "FORBIDDEN");
  });

  it("publishes the bidder list, then opens the window; bidders see results but no bid content", async () => {
    const list = await publishBidderList(app, { actor: agency.actor, openingId, meta: TEST_META });
    expect(list.bidders).toHaveLength(4);
    await advanceTo(app, minutes(deadline, 2));
    const { endsAt } = await openDecryptionWindow(app, { actor: agency.actor, openingId, meta: TEST_META });
    expect(endsAt).toEqual(minutes(deadline, 62)); // a 60-minute window
    expect((await readOpening(app, null, openingId)).bidders).toHaveLength(4);
  });

  it("decrypts with the right key, records a wrong key as a failed attempt, and lets the bidder try again", async () => {
    await advanceTo(app, minutes(deadline, 3));
    expect(
      await decryptBid(app, { actor: a.actor, openingId, contentKey: await contentKey(app, a, certs.get(a)!, openingId), meta: TEST_META }),
    ).toEqual({
      decrypted: true,
    });
    expect(await decryptBid(app, { actor: b.actor, openingId, contentKey: randomBytes(32), meta: TEST_META })).toMatchObject({
      decrypted: false,
      failure: "WRONG_KEY",
    });
    expect((await readOpening(app, b.actor, openingId)).ownBid).toMatchObject({ decided: false, lastFailure: "WRONG_KEY" });
    await advanceTo(app, new Date(minutes(deadline, 3).getTime() + 30_000));
    expect(
      await decryptBid(app, { actor: b.actor, openingId, contentKey: await contentKey(app, b, certs.get(b)!, openingId), meta: TEST_META }),
    ).toEqual({
      decrypted: true,
    });
    await expectCode(
      decryptBid(app, { actor: a.actor, openingId, contentKey: randomBytes(32), meta: TEST_META }),
      "OPENING_BID_ALREADY_DECRYPTED",
    );
    const rowA = await bidRow(a);
    expect(rowA).toMatchObject({ result: "decrypted", rule: "DECRYPTED" });
    // The ID number is kept only as its keyed hash.
    const manager = (rowA.fields as { projectManager: Record<string, string> }).projectManager;
    expect(manager.name).toBe("王建国");
    expect(manager).not.toHaveProperty("idNumber");
    expect(manager.idNumberHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rowA.fields)).not.toContain("11010519491231002X");
    const attempts = await app.db
      .selectFrom("decryption_attempts")
      .select(["failure"])
      .where("opening_bid_id", "=", (await bidRow(b)).id)
      .orderBy("attempted_at")
      .execute();
    expect(attempts.map((x) => x.failure)).toEqual(["WRONG_KEY", null]);
    // b sealed on a computer whose clock ran 30 minutes ahead: decrypted all the same, sealedAt kept as declared.
    const rowB = await bidRow(b);
    const receivedAt = (
      await app.db.selectFrom("bid_versions").select("received_at").where("id", "=", rowB.bid_version_id).executeTakeFirstOrThrow()
    ).received_at;
    const declared = new Date((rowB.manifest as { sealedAt: string }).sealedAt);
    expect(declared.getTime() - receivedAt.getTime()).toBeGreaterThan(25 * 60_000);
  });

  it("refuses a remedy package that does not match the receipt's digest, and accepts the bidder's own package", async () => {
    await advanceTo(app, minutes(deadline, 4));
    const wrong = path.join(dir, "wrong.zip");
    fs.writeFileSync(wrong, randomBytes(200));
    await expectCode(
      uploadRemedyPackage(app, { actor: d.actor, openingId, packagePath: wrong, meta: TEST_META }),
      "OPENING_REMEDY_DIGEST_MISMATCH",
    );
    const own = sealed.get(`${main}:${d.organisationId}`)!;
    expect(await uploadRemedyPackage(app, { actor: d.actor, openingId, packagePath: own.packagePath, meta: TEST_META })).toEqual({
      decrypted: true,
    });
    expect(await bidRow(d)).toMatchObject({ result: "decrypted", rule: "REMEDY_ACCEPTED" });
  });

  it("accounts pauses, extensions and the regulator's suspension in the window's end", async () => {
    await advanceTo(app, minutes(deadline, 5));
    await expectCode(
      pauseDecryptionWindow(app, { actor: agency.actor, openingId, reason: " ", meta: TEST_META }),
      "OPENING_REASON_REQUIRED",
    );
    await pauseDecryptionWindow(app, { actor: agency.actor, openingId, reason: "部分投标人网络故障", meta: TEST_META });
    await expectCode(
      pauseDecryptionWindow(app, { actor: agency.actor, openingId, reason: "again", meta: TEST_META }),
      "OPENING_WINDOW_PAUSED",
    );
    expect((await readOpening(app, a.actor, openingId)).window).toMatchObject({ endsAt: null, stoppedBy: "pause" });
    await advanceTo(app, minutes(deadline, 10));
    expect((await resumeDecryptionWindow(app, { actor: agency.actor, openingId, reason: "网络恢复", meta: TEST_META })).endsAt).toEqual(
      minutes(deadline, 67),
    );
    expect(
      (await extendDecryptionWindow(app, { actor: agency.actor, openingId, minutes: 10, reason: "投标人申请", meta: TEST_META })).endsAt,
    ).toEqual(minutes(deadline, 77));
    await advanceTo(app, minutes(deadline, 12));
    await expectCode(suspendOpening(app, { actor: farRegulator.actor, openingId, reason: "x", meta: TEST_META }), "FORBIDDEN");
    await expectCode(suspendOpening(app, { actor: agency.actor, openingId, reason: "x", meta: TEST_META }), "FORBIDDEN");
    await suspendOpening(app, { actor: regulator.actor, openingId, reason: "接到投诉，核查中", meta: TEST_META });
    const suspended = await readOpening(app, null, openingId);
    expect(suspended.phase).toBe("suspended");
    expect(suspended.suspension).toMatchObject({ reason: "接到投诉，核查中" });
    await expectCode(
      decryptBid(app, { actor: c.actor, openingId, contentKey: randomBytes(32), meta: TEST_META }),
      "OPENING_UNEXPECTED_PHASE",
    );
    await advanceTo(app, minutes(deadline, 14));
    expect((await resumeOpening(app, { actor: regulator.actor, openingId, reason: "核查完毕", meta: TEST_META })).phase).toBe("decrypting");
    const view = await readOpening(app, a.actor, openingId);
    expect(view.window).toMatchObject({ endsAt: minutes(deadline, 79).toISOString(), stoppedBy: null });
    expect(view.window!.remainingMs).toBe(65 * 60_000);
  });

  it("after a restart (a new app context on the same database) continues where it stood", async () => {
    await advanceTo(app, minutes(deadline, 20));
    const dbHandle = await createDb({ databaseUrl: app.databaseUrl, dataDir: app.config.dataDir, poolSize: 4 });
    const restarted: AppContext = {
      ...app,
      db: dbHandle.db,
      dbHandle,
      clock: createClock(`fixed:${app.clock.now().toISOString()}`),
      log: silentLog,
    };
    try {
      expect(await scheduler(restarted)).toBe(0);
      const before = await readOpening(app, agency.actor, openingId);
      const after = await readOpening(restarted, agency.actor, openingId);
      expect(after).toEqual(before);
      expect(after).toMatchObject({ phase: "decrypting", window: { endsAt: minutes(deadline, 79).toISOString() } });
    } finally {
      await dbHandle.close();
    }
  });

  it("shows no price or field of any bid before the reading-out, to anyone", async () => {
    for (const actor of [agency.actor, regulator.actor, a.actor, null]) {
      const json = JSON.stringify(await readOpening(app, actor, openingId));
      for (const price of prices.values()) expect(json).not.toContain(price);
      expect(json).not.toContain("王建国");
    }
    const events = await app.db.selectFrom("live_events").select("payload").where("stream", "=", `opening:${openingId}`).execute();
    for (const price of prices.values()) expect(JSON.stringify(events)).not.toContain(price);
    // One bid undecided: the window cannot be closed early.
    await expectCode(closeDecryptionWindowEarly(app, { actor: agency.actor, openingId, meta: TEST_META }), "OPENING_BIDS_UNDECIDED");
  });

  it("when the window ends deems the bid nobody decrypted revoked (NOT_DECRYPTED_IN_WINDOW), once", async () => {
    await advanceTo(app, minutes(deadline, 80));
    expect(await scheduler()).toBeGreaterThanOrEqual(1);
    expect((await opening()).window_ended_at).toEqual(minutes(deadline, 79));
    expect(await bidRow(c)).toMatchObject({ result: "deemedRevoked", rule: "NOT_DECRYPTED_IN_WINDOW", decided_at: minutes(deadline, 79) });
    expect(await scheduler()).toBe(0);
    await expectCode(
      decryptBid(app, { actor: c.actor, openingId, contentKey: randomBytes(32), meta: TEST_META }),
      "OPENING_UNEXPECTED_PHASE",
    );
    expect((await readOpening(app, null, openingId)).phase).toBe("reading-out");
  });

  it("publishes the reading-out with a signed record, stored, hashed and queued for anchoring", async () => {
    await expectCode(publishReadingOut(app, { actor: a.actor, openingId, meta: TEST_META }), "FORBIDDEN");
    const out = await publishReadingOut(app, { actor: agency.actor, openingId, meta: TEST_META });
    expect(out.rows.map((r) => [r.bidderName, r.result, r.price?.fen.toString() ?? null])).toEqual([
      ["海峡建设", "decrypted", prices.get(a)],
      ["闽江路桥", "decrypted", prices.get(b)],
      ["安平建设", "decrypted", prices.get(d)],
      ["鹭岛建筑", "deemedRevoked", null],
    ]);
    const file = fs.readFileSync(storedPath(app, out.record.key));
    expect(file.subarray(0, 5).toString()).toBe("%PDF-");
    expect(sha256Hex(file)).toBe(out.record.sha256);
    expect((await opening()).reading_out_record_sha256).toBe(out.record.sha256);
    expect(
      await app.db.selectFrom("anchor_queue").select("source").where("sha256", "=", out.record.sha256).executeTakeFirst(),
    ).toMatchObject({
      source: "reading-out-record",
    });
    const publicView = await readOpening(app, null, openingId);
    expect(publicView.phase).toBe("confirming");
    expect(publicView.readingOut?.rows[0]).toMatchObject({ bidderName: "海峡建设", price: { fen: prices.get(a) } });
  });

  it("records the host's reclassification of a failure with its reason, never of a decrypted bid", async () => {
    await expectCode(
      reclassifyDecryption(app, {
        actor: agency.actor,
        openingId,
        organisationId: a.organisationId,
        to: "deemedWithdrawn",
        reason: "x",
        meta: TEST_META,
      }),
      "OPENING_RECLASSIFICATION_INVALID",
    );
    await expectCode(
      reclassifyDecryption(app, {
        actor: agency.actor,
        openingId,
        organisationId: c.organisationId,
        to: "deemedWithdrawn",
        reason: "",
        meta: TEST_META,
      }),
      "OPENING_REASON_REQUIRED",
    );
    await reclassifyDecryption(app, {
      actor: agency.actor,
      openingId,
      organisationId: c.organisationId,
      to: "deemedWithdrawn",
      reason: "经核实，该投标人解密时段内 CA 服务中断",
      meta: TEST_META,
    });
    expect(await bidRow(c)).toMatchObject({ result: "deemedWithdrawn", rule: "NOT_DECRYPTED_IN_WINDOW" });
    expect((await readOpening(app, regulator.actor, openingId)).reclassifications).toMatchObject([
      { from: "deemedRevoked", to: "deemedWithdrawn" },
    ]);
    expect((await readOpening(app, a.actor, openingId)).reclassifications).toEqual([]);
  });

  it("answers an objection and hides a chat message, the text kept for the host and the regulator", async () => {
    const { objectionId } = await raiseObjection(app, { actor: c.actor, openingId, text: "我方解密失败非我方原因", meta: TEST_META });
    await expectCode(answerObjection(app, { actor: a.actor, openingId, objectionId, answer: "x", meta: TEST_META }), "FORBIDDEN");
    await answerObjection(app, { actor: agency.actor, openingId, objectionId, answer: "已改判为视为撤回", meta: TEST_META });
    await expectCode(
      answerObjection(app, { actor: agency.actor, openingId, objectionId, answer: "again", meta: TEST_META }),
      "OPENING_OBJECTION_ANSWERED",
    );
    expect((await readOpening(app, c.actor, openingId)).objections).toMatchObject([
      { text: "我方解密失败非我方原因", answer: "已改判为视为撤回" },
    ]);

    const { messageId } = await sendOpeningMessage(app, { actor: b.actor, openingId, text: "无关广告", meta: TEST_META });
    await expectCode(sendOpeningMessage(app, { actor: e.actor, openingId, text: "x", meta: TEST_META }), "FORBIDDEN");
    await hideOpeningMessage(app, { actor: agency.actor, openingId, messageId, reason: "与开标无关", meta: TEST_META });
    expect((await readOpening(app, a.actor, openingId)).messages).toMatchObject([{ hidden: true, text: null }]);
    expect((await readOpening(app, regulator.actor, openingId)).messages).toMatchObject([
      { hidden: true, text: "无关广告", hiddenReason: "与开标无关" },
    ]);
  });

  it("takes each bidder's confirmation JWS over the record's SHA-256, or its objection, once", async () => {
    const sha = (await opening()).reading_out_record_sha256!;
    const now = app.clock.now();
    await expectCode(
      confirmReadingOutRecord(app, {
        actor: a.actor,
        openingId,
        confirmationJws: await confirmationJws(certs.get(a)!, { openingId, recordSha256: "0".repeat(64), decision: "confirm", at: now }),
        meta: TEST_META,
      }),
      "OPENING_CONFIRMATION_INVALID",
    );
    // Signed with another organisation's certificate.
    await expectCode(
      confirmReadingOutRecord(app, {
        actor: a.actor,
        openingId,
        confirmationJws: await confirmationJws(certs.get(b)!, { openingId, recordSha256: sha, decision: "confirm", at: now }),
        meta: TEST_META,
      }),
      "OPENING_CERTIFICATE_NOT_OWN",
    );
    await confirmReadingOutRecord(app, {
      actor: a.actor,
      openingId,
      confirmationJws: await confirmationJws(certs.get(a)!, { openingId, recordSha256: sha, decision: "confirm", at: now }),
      meta: TEST_META,
    });
    await confirmReadingOutRecord(app, {
      actor: b.actor,
      openingId,
      confirmationJws: await confirmationJws(certs.get(b)!, { openingId, recordSha256: sha, decision: "object", at: now }),
      meta: TEST_META,
    });
    await expectCode(
      confirmReadingOutRecord(app, {
        actor: a.actor,
        openingId,
        confirmationJws: await confirmationJws(certs.get(a)!, { openingId, recordSha256: sha, decision: "object", at: now }),
        meta: TEST_META,
      }),
      "OPENING_ALREADY_CONFIRMED",
    );
    expect((await readOpening(app, null, openingId)).confirmations).toHaveLength(0); // the public sees the record, not who signed
    expect((await readOpening(app, agency.actor, openingId)).confirmations.map((x) => x.decision).sort()).toEqual(["confirm", "object"]);
    await expectCode(closeOpening(app, { actor: agency.actor, openingId, meta: TEST_META }), "OPENING_CONFIRMATION_PERIOD_RUNNING");
  });

  it("after the confirmation period generates, stores and queues the opening record once, and then closes", async () => {
    await advanceTo(app, minutes(deadline, 111)); // published at +80, a 30-minute period
    expect(await scheduler()).toBeGreaterThanOrEqual(1);
    const row = await opening();
    expect(row.confirmation_ended_at).toEqual(minutes(deadline, 110));
    const file = fs.readFileSync(storedPath(app, row.opening_record_key!));
    expect(sha256Hex(file)).toBe(row.opening_record_sha256);
    expect(
      await app.db.selectFrom("anchor_queue").select("source").where("sha256", "=", row.opening_record_sha256!).executeTakeFirst(),
    ).toMatchObject({
      source: "opening-record",
    });
    expect(await scheduler()).toBe(0);
    expect((await opening()).opening_record_sha256).toBe(row.opening_record_sha256);
    await expectCode(
      confirmReadingOutRecord(app, { actor: c.actor, openingId, confirmationJws: "x", meta: TEST_META }),
      "OPENING_CONFIRMATION_PERIOD_OVER",
    );
    await expectCode(
      raiseObjection(app, { actor: c.actor, openingId, text: "太迟了", meta: TEST_META }),
      "OPENING_CONFIRMATION_PERIOD_OVER",
    );
    await closeOpening(app, { actor: agency.actor, openingId, meta: TEST_META });
    expect((await readOpening(app, null, openingId)).phase).toBe("closed");
    await expectCode(suspendOpening(app, { actor: regulator.actor, openingId, reason: "x", meta: TEST_META }), "OPENING_UNEXPECTED_PHASE");
    await expectCode(
      confirmReadingOutRecord(app, { actor: c.actor, openingId, confirmationJws: "x", meta: TEST_META }),
      "OPENING_UNEXPECTED_PHASE",
    );
    await expectCode(sendOpeningMessage(app, { actor: agency.actor, openingId, text: "x", meta: TEST_META }), "OPENING_UNEXPECTED_PHASE");
  });

  it("deems a failure during an operator-recorded platform incident withdrawn (PLATFORM_INCIDENT); the other bids go on", async () => {
    const id = (await findOpeningOfSection(app, incidentSection)).openingId;
    for (const m of [a, b, c]) await signIn(app, m, certs.get(m)!, incidentSection);
    await publishBidderList(app, { actor: agency.actor, openingId: id, meta: TEST_META });
    await openDecryptionWindow(app, { actor: agency.actor, openingId: id, meta: TEST_META });
    const start = app.clock.now();
    await expectCode(
      recordPlatformIncident(app, { actor: a.actor, startedAt: start, endedAt: minutes(start, 1), description: "x", meta: TEST_META }),
      "FORBIDDEN",
    );
    await advanceTo(app, minutes(start, 5));
    await decryptBid(app, { actor: a.actor, openingId: id, contentKey: await contentKey(app, a, certs.get(a)!, id), meta: TEST_META });
    await decryptBid(app, { actor: b.actor, openingId: id, contentKey: randomBytes(32), meta: TEST_META });
    await recordPlatformIncident(app, {
      actor: operator.actor,
      startedAt: minutes(start, 2),
      endedAt: minutes(start, 4),
      description: "存储服务中断",
      meta: TEST_META,
    });
    await advanceTo(app, minutes(start, 61));
    await scheduler();
    expect(await bidRow(a, id)).toMatchObject({ result: "decrypted", rule: "DECRYPTED" });
    expect(await bidRow(b, id)).toMatchObject({ result: "deemedWithdrawn", rule: "PLATFORM_INCIDENT" });
    expect(await bidRow(c, id)).toMatchObject({ result: "deemedWithdrawn", rule: "PLATFORM_INCIDENT" });
    await declareOpeningFailed(app, {
      actor: agency.actor,
      openingId: id,
      ground: "tooFewOpened",
      reason: "有效投标不足三家",
      meta: TEST_META,
    });
    expect((await readOpening(app, null, id)).failure).toMatchObject({
      kind: "declared",
      reason: "有效投标不足三家",
      ground: { id: "tooFewOpened" },
      source: { zh: expect.stringContaining("招标投标法第二十八条") },
    });
  });
});
