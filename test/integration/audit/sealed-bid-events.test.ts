import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit, SYSTEM_ACTOR } from "#app/server/audit.server.ts";
import { createClock } from "#app/server/clock.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { createDb } from "#app/server/db.server.ts";
import { ensureOpening } from "#app/server/repo/openings.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { browseAuditLog, verifyAuditLog, type AuditRowView } from "#app/services/audit/browse-audit-log.server.ts";
import { submitBid, withdrawBid } from "#app/services/bidding/submit-bid.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { createTestApp, silentLog, TEST_META, type TestApp } from "../helpers/test-app.ts";
import { enrol, organisationWithMember, publishedSection, sealBid, type Enrolment, type Member } from "../bidding/helpers/bids.ts";
import { advanceTo, minutes, signIn } from "../opening/helpers.ts";

/**
 * 法 22, decision 23: the operator's audit trail shows a bid event before its section's deadline
 * only as its type, its place in the chain and its day; from the deadline on, in full. The rows
 * are stored in full all along, so the chain verifies at every step.
 */
const SEALED_TYPES = ["bid.submitted", "bid.withdrawn", "bid.upload_discarded", "opening.signed_in"];
const bidRows = (rows: AuditRowView[]) => rows.filter((r) => SEALED_TYPES.includes(r.type));

describe("the operator's audit trail before and after the deadline", () => {
  let app: TestApp;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-sealed-audit-"));
  let operator: Member, a: Member, b: Member;
  let certA: Enrolment, certB: Enrolment;
  let early: { sectionId: string; deadline: Date }, late: { sectionId: string; deadline: Date };
  const receipts: string[] = [];
  const envelopes: string[] = [];

  const browse = (filters: Parameters<typeof browseAuditLog>[2] = {}) => browseAuditLog(app, operator.actor, filters);
  const submit = async (who: Member, cert: Enrolment, sectionId: string, name: string) => {
    const sealed = await sealBid({
      dir,
      name,
      sectionId,
      bidder: { uscc: who.actor.membership.organisationUscc, name: who.actor.membership.organisationName },
      fields: {
        price: "1234567890",
        durationDays: 365,
        quality: "合格",
        projectManager: { name: "王建国", idNumber: "11010519491231002X" },
      },
      signer: cert,
      recipients: [cert.certificatePem],
      sealedAt: app.clock.now(),
    });
    const { receipt } = await submitBid(app, {
      actor: who.actor,
      sectionId,
      envelopePath: sealed.envelopePath,
      packageDigest: sealed.packageDigest,
      meta: TEST_META,
    });
    receipts.push(receipt.receiptNo);
    envelopes.push(receipt.envelopeSha256);
  };

  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
    operator = await organisationWithMember(app, { name: "省交易中心", kinds: ["operator"], roles: ["admin", "operate"] });
    const agency = await organisationWithMember(app, { name: "招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    const tenderer = await organisationWithMember(app, { name: "城投集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
    a = await organisationWithMember(app, { name: "榕城甲号建设工程有限公司", kinds: ["bidder"], roles: ["admin", "bid"] });
    b = await organisationWithMember(app, { name: "闽都乙号路桥集团有限公司", kinds: ["bidder"], roles: ["admin", "bid"] });
    [certA, certB] = await Promise.all([enrol(app, a), enrol(app, b)]);
    const s1 = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code: "E3501002026000961",
    });
    const s2 = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code: "E3501002026000962",
      deadlineDays: 30,
    });
    const deadlineOf = async (id: string) =>
      (await app.db.selectFrom("sections").select("deadline_at").where("id", "=", id).executeTakeFirstOrThrow()).deadline_at;
    early = { sectionId: s1.sectionId, deadline: await deadlineOf(s1.sectionId) };
    late = { sectionId: s2.sectionId, deadline: await deadlineOf(s2.sectionId) };
    for (const m of [a, b]) await registerForSection(app, { actor: m.actor, sectionId: early.sectionId, meta: TEST_META });
    await registerForSection(app, { actor: a.actor, sectionId: late.sectionId, meta: TEST_META });

    await submit(a, certA, early.sectionId, "a-early-1");
    await submit(a, certA, early.sectionId, "a-early-2"); // replaced
    await submit(b, certB, early.sectionId, "b-early");
    await submit(a, certA, late.sectionId, "a-late");
    await withdrawBid(app, { actor: a.actor, sectionId: late.sectionId, meta: TEST_META });
    // The scheduler's record of an abandoned upload (app/jobs/upload-cleanup.ts) names its uploader in data.
    await app.db.transaction().execute((trx) =>
      appendAudit(trx, {
        event: {
          type: "bid.upload_discarded",
          data: {
            uploadId: "0f3c9d2e8a7b6c5d4e3f2a1b0c9d8e7f",
            sectionId: late.sectionId,
            organisationId: a.organisationId,
            personId: a.personId,
            bytesReceived: 1024,
            uploadLength: 4096,
            reason: "stale",
          },
        },
        actor: SYSTEM_ACTOR,
        at: app.clock.now(),
      }),
    );
    await advanceTo(app, minutes(early.deadline, -20));
    await signIn(app, a, certA, early.sectionId);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Every identifying value of the bids: none may appear in a sealed row. */
  const identities = () => [
    a.organisationId,
    b.organisationId,
    a.personId,
    b.personId,
    a.email,
    b.email,
    a.actor.membership.organisationName,
    b.actor.membership.organisationName,
    early.sectionId,
    late.sectionId,
    TEST_META.ip,
    TEST_META.userAgent,
    ...receipts,
    ...envelopes,
  ];

  it("before any deadline shows each bid event as its type and day only, in its place in the chain", async () => {
    const { rows } = await browse();
    const sealed = bidRows(rows);
    expect(sealed.map((r) => r.type).sort()).toEqual(
      [
        "bid.submitted",
        "bid.submitted",
        "bid.submitted",
        "bid.submitted",
        "bid.withdrawn",
        "bid.upload_discarded",
        "opening.signed_in",
      ].sort(),
    );
    for (const row of sealed) {
      expect(row).toEqual({ sealed: true, seq: expect.any(String), type: row.type, day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      const text = JSON.stringify(row);
      for (const secret of identities()) expect(text).not.toContain(secret);
    }
    // The rows around them keep their seq: the chain has no hole the operator cannot account for.
    const seqs = rows.map((r) => Number(r.seq));
    expect(seqs).toEqual([...seqs].sort((x, y) => y - x));
    expect(seqs[0]! - seqs.at(-1)! + 1).toBe(rows.length);
    expect(await verifyAuditLog(app, operator.actor)).toMatchObject({ ok: true });
  });

  it("shows no hash at or after the oldest sealed row, whose content a guess could otherwise be checked against", async () => {
    const { rows } = await browse();
    const firstSealed = Math.min(...bidRows(rows).map((r) => Number(r.seq)));
    const open = rows.filter((r): r is Extract<AuditRowView, { sealed: false }> => !r.sealed);
    expect(open.filter((r) => Number(r.seq) > firstSealed && r.hash !== null)).toEqual([]);
    expect(open.filter((r) => Number(r.seq) < firstSealed).every((r) => /^[0-9a-f]{64}$/.test(r.hash ?? ""))).toBe(true);
  });

  it("lets no organisation or person filter count a bidder's bid events, and no type filter tell one section from another", async () => {
    for (const m of [a, b]) {
      const byOrganisation = await browse({ organisationId: m.organisationId });
      const byPerson = await browse({ person: m.email });
      expect(bidRows(byOrganisation.rows)).toEqual([]);
      expect(bidRows(byPerson.rows)).toEqual([]);
      // The filters still work for the organisation's other rows (its registrations).
      expect(byOrganisation.rows.map((r) => r.type)).toContain("section.registered");
    }
    const submitted = await browse({ type: "bid.submitted" });
    expect(submitted.total).toBe(4); // every section together
    expect(JSON.stringify(submitted)).not.toContain(early.sectionId);
    expect(JSON.stringify(submitted)).not.toContain(late.sectionId);
  });

  it("from a section's deadline shows its bid events in full, while the other section's stay sealed", async () => {
    await advanceTo(app, early.deadline);
    const { rows } = await browse();
    const open = bidRows(rows).filter((r): r is Extract<AuditRowView, { sealed: false }> => !r.sealed);
    expect(open.map((r) => r.type).sort()).toEqual(["bid.submitted", "bid.submitted", "bid.submitted", "opening.signed_in"]);
    const text = JSON.stringify(open);
    for (const shown of [
      a.actor.membership.organisationName,
      b.actor.membership.organisationName,
      early.sectionId,
      receipts[0]!,
      envelopes[2]!,
    ])
      expect(text).toContain(shown);
    for (const row of open) expect(row.ip).toBe(TEST_META.ip);
    expect(
      bidRows(rows)
        .filter((r) => r.sealed)
        .map((r) => r.type)
        .sort(),
    ).toEqual(["bid.submitted", "bid.upload_discarded", "bid.withdrawn"]);
    expect(bidRows((await browse({ organisationId: b.organisationId })).rows).map((r) => r.type)).toEqual(["bid.submitted"]);

    await advanceTo(app, late.deadline);
    const after = await browse();
    expect(bidRows(after.rows).filter((r) => r.sealed)).toEqual([]);
    expect(after.rows.every((r) => !r.sealed && /^[0-9a-f]{64}$/.test(r.hash ?? ""))).toBe(true);
    expect(JSON.stringify(after.rows)).toContain("0f3c9d2e8a7b6c5d4e3f2a1b0c9d8e7f");
    expect(await verifyAuditLog(app, operator.actor)).toMatchObject({ ok: true });
  });
});

describe("the operator's audit trail on PGlite (embedded mode)", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-sealed-audit-pglite-"));
  let app: AppContext;
  beforeAll(async () => {
    const config = { ...loadConfig({ BIDHALL_MODE: "embedded", BIDHALL_DATA_DIR: dataDir }), clock: "fixed:2026-11-23T09:00:00+08:00" };
    const dbHandle = await createDb({ dataDir });
    await migrateToLatest(dbHandle.db);
    app = { config, db: dbHandle.db, dbHandle, clock: createClock(config.clock), secrets: { session: "x".repeat(40) }, log: silentLog };
  }, 120_000);
  afterAll(async () => {
    await app?.dbHandle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("seals bid events by their section's deadline (directly or through the opening) and opens them from it", async () => {
    const operator = await organisationWithMember(app, { name: "省交易中心", kinds: ["operator"], roles: ["admin", "operate"] });
    const agency = await organisationWithMember(app, { name: "招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    const tenderer = await organisationWithMember(app, { name: "城投集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
    const bidder = await organisationWithMember(app, { name: "榕城甲号建设工程有限公司", kinds: ["bidder"], roles: ["admin", "bid"] });
    const { sectionId } = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code: "E3501002026000963",
    });
    const deadline = (await app.db.selectFrom("sections").select("deadline_at").where("id", "=", sectionId).executeTakeFirstOrThrow())
      .deadline_at;
    const openingId = await ensureOpening(app.db, sectionId, app.clock.now());
    const actor = { personId: bidder.personId, organisationId: bidder.organisationId, ip: TEST_META.ip, userAgent: TEST_META.userAgent };
    await app.db.transaction().execute(async (trx) => {
      const at = app.clock.now();
      const data = { sectionId, organisationId: bidder.organisationId, version: 1, receiptNo: "01JDR8Z1QX7J5Y3K2M4N6P8R0T", size: 1 };
      await appendAudit(trx, { event: { type: "bid.submitted", data: { ...data, envelopeSha256: "e".repeat(64) } }, actor, at });
      await appendAudit(trx, {
        event: {
          type: "opening.signed_in",
          data: { openingId, organisationId: bidder.organisationId, personId: bidder.personId, certificateSerial: "0A" },
        },
        actor,
        at,
      });
    });
    const before = await browseAuditLog(app, operator.actor, {});
    expect(bidRows(before.rows)).toEqual([
      { sealed: true, seq: expect.any(String), type: "opening.signed_in", day: "2026-11-23" },
      { sealed: true, seq: expect.any(String), type: "bid.submitted", day: "2026-11-23" },
    ]);
    expect(bidRows((await browseAuditLog(app, operator.actor, { organisationId: bidder.organisationId })).rows)).toEqual([]);

    await advanceTo(app, deadline);
    const after = await browseAuditLog(app, operator.actor, {});
    expect(bidRows(after.rows)).toMatchObject([
      { sealed: false, type: "opening.signed_in", organisation_name: "榕城甲号建设工程有限公司", ip: TEST_META.ip },
      { sealed: false, type: "bid.submitted", organisation_name: "榕城甲号建设工程有限公司" },
    ]);
    // Also on PGlite, which reads int8 back as a number: the chain verifies.
    expect(await verifyAuditLog(app, operator.actor)).toMatchObject({ ok: true, rows: 5 });
  });
});
