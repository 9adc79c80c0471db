import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFIRMATION_TYPE, signJson } from "#app/crypto/jws/signed-json.ts";
import { base64ToBytes, bytesToBase64, pemBlocks } from "#app/crypto/pki/der.ts";
import { importNonExtractableKeys } from "#app/crypto/pki/enrolment.ts";
import { signChallenge } from "#app/crypto/pki/key-possession.ts";
import { readPkcs12Backup } from "#app/crypto/pki/pkcs12.ts";
import { openingPhase } from "#app/domain/opening/index.ts";
import { checkBidSecurity, checkDocumentsOnSale, checkDocumentsToDeadline } from "#app/domain/tendering/legal-checks.ts";
import { sectionPhase } from "#app/domain/tendering/section-phase.ts";
import { verifyAuditChain } from "#app/server/audit.server.ts";
import { readDemoKit } from "#app/server/demo-kit.server.ts";
import { loadOpeningFacts } from "#app/server/repo/openings.server.ts";
import { currentRuleSet, factsOf, loadHolidayCalendar } from "#app/server/repo/tendering.server.ts";
import { isAppError } from "#app/domain/shared/app-error.ts";
import { createChallenge } from "#app/services/certificates/key-possession.server.ts";
import { revokeCertificate } from "#app/services/certificates/revoke-certificate.server.ts";
import { downloadDemoBackup } from "#app/services/demo/download-demo-backup.server.ts";
import { readDemoKitPage } from "#app/services/demo/read-demo-kit.server.ts";
import { decryptBid } from "#app/services/opening/decrypt-bid.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { getOwnRecipientInfo } from "#app/services/opening/get-own-recipient-info.server.ts";
import { openDecryptionWindow } from "#app/services/opening/open-decryption-window.server.ts";
import { publishBidderList } from "#app/services/opening/publish-bidder-list.server.ts";
import { publishReadingOut } from "#app/services/opening/publish-reading-out.server.ts";
import { readOpening } from "#app/services/opening/read-opening.server.ts";
import { signInToOpening } from "#app/services/opening/sign-in-to-opening.server.ts";
import { confirmReadingOutRecord } from "#app/services/opening/confirm-reading-out-record.server.ts";
import { DEMO_BIDS } from "#db/seed/bids.ts";
import { DEMO_BACKUP_PASSWORD, DEMO_KEY_BIDDERS, DEMO_ORGANISATIONS } from "#db/seed/demo.ts";
import { seedDemo } from "#db/seed/index.ts";
import { actorOf } from "#test/factories/tendering.ts";
import { nssDatabaseTrusting, pdfsig } from "#test/fixtures/pdf/poppler.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");

/**
 * Issue 13's demo story on PostgreSQL (the browser test walks it on PGlite): seeded at a start-up
 * instant that is not a round minute, it must be told in order and in the past, publish lawfully,
 * leave each section where the tour needs it, sign its records for real, and hand out backups
 * whose keys really open the section that is waiting for the agency.
 */
describe("the demo story seeded at the first start", () => {
  let app: TestApp;
  const startedAt = new Date("2026-11-23T09:07:41.250+08:00");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-demo-seed-"));

  const sectionOf = (id: string) => app.db.selectFrom("sections").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const kit = () => readDemoKit(app.config)!;
  const personIdOf = async (key: string) => {
    const email = DEMO_ORGANISATIONS.find((o) => o.key === key)!.people[0]!.email;
    return (await app.db.selectFrom("people").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
  };

  beforeAll(async () => {
    app = await createTestApp({ clock: `fixed:${startedAt.toISOString()}` });
    expect(await seedDemo(app)).not.toBeNull();
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    fs.rmSync(app.config.dataDir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is told in order and in the past: audit times ascend, all before start-up, and the chain verifies", async () => {
    const rows = await app.db.selectFrom("audit_log").select(["seq", "at", "type"]).orderBy("seq").execute();
    expect(rows.length).toBeGreaterThan(40);
    const times = rows.map((r) => new Date(r.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThan(startedAt.getTime());
    expect(rows[0]!.type).toBe("pki.initialised");
    expect(await verifyAuditChain(app.db)).toEqual({ ok: true, rows: rows.length });
    // Every certificate, receipt and record was made after the CA existed: nothing is dated before it.
    const ca = await app.db.selectFrom("pki_authorities").select("not_before").where("role", "=", "root").executeTakeFirstOrThrow();
    expect(ca.not_before.getTime()).toBeLessThanOrEqual(times[0]!);
  });

  it("publishes lawfully under the rule set in force: documents to deadline, sale period, registrations inside it, bid security", async () => {
    const { rules } = await currentRuleSet(app.db, "engineering");
    const calendar = await loadHolidayCalendar(app.db);
    const project = await app.db.selectFrom("projects").selectAll().where("id", "=", kit().projectId).executeTakeFirstOrThrow();
    const sections = await app.db.selectFrom("sections").selectAll().where("project_id", "=", project.id).orderBy("sequence").execute();
    expect(sections.map((s) => s.name)).toEqual(["道路工程施工", "排水及照明工程施工", "桥梁工程施工", "绿化及景观工程施工"]);
    for (const s of sections) {
      const issuedAt = s.published_at!;
      expect(
        checkDocumentsToDeadline(rules, calendar, { mandatoryTendering: project.mandatory_tendering, issuedAt, deadlineAt: s.deadline_at }),
      ).toBeNull();
      expect(checkDocumentsOnSale(rules, calendar, { saleFrom: s.sale_from, saleUntil: s.sale_until })).toBeNull();
      expect(checkBidSecurity(rules, { estimateFen: BigInt(s.estimate_fen), securityFen: BigInt(s.bid_security_fen) })).toBeNull();
      const registrations = await app.db.selectFrom("registrations").select("registered_at").where("section_id", "=", s.id).execute();
      for (const r of registrations) {
        expect(r.registered_at.getTime()).toBeGreaterThanOrEqual(s.sale_from.getTime());
        expect(r.registered_at.getTime()).toBeLessThanOrEqual(s.sale_until.getTime());
      }
    }
  });

  it("leaves each section where the tour needs it at start-up", async () => {
    const { sections } = kit();
    const today = await sectionOf(sections.today);
    expect(today.deadline_at).toEqual(new Date("2026-11-23T09:18:00+08:00")); // ten minutes on, rounded up to the minute
    expect(sectionPhase(factsOf(today), startedAt)).toBe("published");
    expect(await app.db.selectFrom("registrations").select("id").where("section_id", "=", today.id).execute()).toHaveLength(4);
    expect(sectionPhase(factsOf(await sectionOf(sections.nextWeek)), startedAt)).toBe("published");

    const ready = await sectionOf(sections.readyToOpen);
    expect(ready.deadline_at).toEqual(new Date("2026-11-23T09:04:00+08:00"));
    const readyOpening = (await findOpeningOfSection(app, ready.id)).openingId;
    const readyFacts = (await loadOpeningFacts(app.db, readyOpening))!.facts;
    expect(openingPhase(readyFacts, startedAt)).toBe("awaiting-window");
    expect(readyFacts.validBidsAtDeadline).toBe(3);
    expect(readyFacts.bidderListPublishedAt).toBeNull();

    const finished = await readOpening(app, null, (await findOpeningOfSection(app, sections.finished)).openingId);
    expect(finished.phase).toBe("closed");
    expect(finished.readingOut?.rows.map((r) => [r.bidderName, r.result, r.price?.fen])).toEqual(
      DEMO_BIDS.finished.map((b) => [DEMO_ORGANISATIONS.find((o) => o.key === b.bidder)!.name, "decrypted", b.priceFen.toString()]),
    );
    const asAgency = await readOpening(app, await actorOf(app.db, await personIdOf("agency")), finished.openingId);
    expect(asAgency.confirmations.map((c) => c.decision)).toEqual(["confirm", "confirm", "confirm"]);
    expect(asAgency.objections).toMatchObject([{ answer: expect.stringContaining("与唱标记录一致") as unknown }]);
  });

  it("signs the finished section's records for real: pdfsig and bidhall verify accept them against the platform root", async () => {
    const opening = await app.db
      .selectFrom("openings")
      .select(["reading_out_record_key", "opening_record_key"])
      .where("section_id", "=", kit().sections.finished)
      .executeTakeFirstOrThrow();
    const rootPem = (
      await app.db.selectFrom("pki_authorities").select("certificate_pem").where("role", "=", "root").executeTakeFirstOrThrow()
    ).certificate_pem;
    fs.writeFileSync(path.join(dir, "root.pem"), rootPem);
    const nss = await nssDatabaseTrusting(path.join(dir, "nss"), rootPem);
    for (const [name, key] of [
      ["reading-out.pdf", opening.reading_out_record_key!],
      ["opening-record.pdf", opening.opening_record_key!],
    ] as const) {
      const file = path.join(dir, name);
      fs.copyFileSync(path.join(app.config.dataDir, "files", key), file);
      const [newest] = await pdfsig(nss, file);
      expect(newest!.text).toContain("Signature is Valid");
      expect(newest!.text).toContain("Certificate is Trusted");
      expect(newest!.text).toContain("Total document signed");
      const verified = await run(
        process.execPath,
        ["--import", "tsx", "scripts/bidhall.ts", "verify", file, "--trust", path.join(dir, "root.pem")],
        {
          cwd: root,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test" },
        },
      );
      expect(verified.stdout).toContain("chain trusted");
    }
  }, 120_000);

  it("offers each demo bidder's backup: it opens with the password and holds the key of that person's current certificate", async () => {
    const { backups, backupPassword } = kit();
    expect(backupPassword).toBe(DEMO_BACKUP_PASSWORD);
    expect(backups.map((b) => b.slug)).toEqual([...DEMO_KEY_BIDDERS]);
    for (const b of backups) {
      const contents = readPkcs12Backup(fs.readFileSync(path.join(app.config.dataDir, "demo", `${b.slug}.p12`)), backupPassword);
      const cert = await app.db
        .selectFrom("person_certificates")
        .select(["serial_hex", "status", "person_id"])
        .where("serial_hex", "=", b.serialHex)
        .executeTakeFirstOrThrow();
      expect(cert).toMatchObject({ status: "valid", person_id: await personIdOf(b.slug) });
      expect(contents.certificatePem.replace(/\s/g, "")).toBe(
        (
          await app.db
            .selectFrom("person_certificates")
            .select("certificate_pem")
            .where("serial_hex", "=", b.serialHex)
            .executeTakeFirstOrThrow()
        ).certificate_pem.replace(/\s/g, ""),
      );
    }
  });

  it("opens the waiting section after start-up with the keys from the backups: sign in, decrypt, read out, confirm", async () => {
    const { backups, backupPassword, sections } = kit();
    await app.clock.advance(120);
    const agency = await actorOf(app.db, await personIdOf("agency"));
    const subtle = globalThis.crypto.subtle;
    const seats = await Promise.all(
      backups.map(async (b) => {
        const contents = readPkcs12Backup(fs.readFileSync(path.join(app.config.dataDir, "demo", `${b.slug}.p12`)), backupPassword);
        return {
          b,
          contents,
          keys: await importNonExtractableKeys(contents.privateKeyPkcs8Der, subtle),
          actor: await actorOf(app.db, await personIdOf(b.slug)),
        };
      }),
    );
    for (const s of seats) {
      const { id, challenge } = await createChallenge(app);
      await signInToOpening(app, {
        actor: s.actor,
        sectionId: sections.readyToOpen,
        challengeId: id,
        certificateSerial: s.b.serialHex,
        signature: await signChallenge(s.keys.signingKey, base64ToBytes(challenge), subtle),
        meta: TEST_META,
      });
    }
    const openingId = (await findOpeningOfSection(app, sections.readyToOpen)).openingId;
    await publishBidderList(app, { actor: agency, openingId, meta: TEST_META });
    await openDecryptionWindow(app, { actor: agency, openingId, meta: TEST_META });
    for (const s of seats) {
      const info = await getOwnRecipientInfo(app, { actor: s.actor, openingId, certificateSerial: s.b.serialHex });
      const contentKey = new Uint8Array(await subtle.decrypt({ name: "RSA-OAEP" }, s.keys.decryptionKey, base64ToBytes(info.encryptedKey)));
      expect(await decryptBid(app, { actor: s.actor, openingId, contentKey, meta: TEST_META })).toEqual({ decrypted: true });
    }
    await app.clock.advance(61 * 60); // the window runs out; the scheduler's end is recorded by the reading-out
    const out = await publishReadingOut(app, { actor: agency, openingId, meta: TEST_META });
    expect(out.rows.map((r) => r.price?.fen.toString()).sort()).toEqual(DEMO_BIDS.readyToOpen.map((b) => b.priceFen.toString()).sort());
    const s = seats[0]!;
    const confirmationJws = await signJson(
      CONFIRMATION_TYPE,
      {
        format: "bidhall.confirmation/1",
        openingId,
        recordSha256: out.record.sha256,
        decision: "confirm",
        signedAt: app.clock.now().toISOString(),
      },
      {
        key: s.keys.signingKey,
        x5c: [s.contents.certificatePem, s.contents.chainPem[0]!].map((pem) => bytesToBase64(pemBlocks(pem)[0]!.der)),
      },
    );
    expect(await confirmReadingOutRecord(app, { actor: s.actor, openingId, confirmationJws, meta: TEST_META })).toMatchObject({
      decision: "confirm",
    });
    expect(await verifyAuditChain(app.db)).toMatchObject({ ok: true });
  });

  it("hands out a backup only in embedded mode, only by its listed name, and not once its certificate is revoked", async () => {
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => "ok",
        (e: unknown) => (isAppError(e) ? e.code : String(e)),
      );
    const production = { ...app, config: { ...app.config, mode: "production" as const } };
    expect(await codeOf(readDemoKitPage(production))).toBe("NOT_FOUND");
    expect(await codeOf(downloadDemoBackup(production, "bidder2"))).toBe("NOT_FOUND");
    const page = await readDemoKitPage(app);
    expect(page.kit?.backups.map((b) => b.status)).toEqual(["valid", "valid", "valid"]);
    const { bytes, filename } = await downloadDemoBackup(app, "bidder2");
    expect(filename).toBe("bidder2-demo.p12");
    expect(readPkcs12Backup(bytes, DEMO_BACKUP_PASSWORD).certificatePem).toContain("BEGIN CERTIFICATE");
    for (const probe of ["bidder1", "../secrets.json", "kit", "bidder2\0", "Bidder2", ""])
      expect(await codeOf(downloadDemoBackup(app, probe)), probe).toBe("NOT_FOUND");
    // A backup altered on disk is not handed out.
    const file = path.join(app.config.dataDir, "demo", "bidder3.p12");
    const original = fs.readFileSync(file);
    fs.writeFileSync(file, Buffer.concat([original, Buffer.from([0])]));
    expect(await codeOf(downloadDemoBackup(app, "bidder3"))).toBe("NOT_FOUND");
    fs.writeFileSync(file, original);
    // Revoked (by its holder): shown as revoked, no longer offered.
    const holder = await actorOf(app.db, await personIdOf("bidder4"));
    await revokeCertificate(app, { actor: holder, serial: kit().backups[2]!.serialHex, reason: "keyCompromise", meta: TEST_META });
    expect((await readDemoKitPage(app)).kit?.backups.map((b) => b.status)).toEqual(["valid", "valid", "revoked"]);
    expect(await codeOf(downloadDemoBackup(app, "bidder4"))).toBe("NOT_FOUND");
  });

  it("does nothing on a database that already has data", async () => {
    const before = await app.db.selectFrom("audit_log").select("seq").execute();
    expect(await seedDemo(app)).toBeNull();
    expect(await app.db.selectFrom("audit_log").select("seq").execute()).toHaveLength(before.length);
  });
});
