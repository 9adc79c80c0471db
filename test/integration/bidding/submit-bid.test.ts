import { createHash, X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBidPackage } from "#app/crypto/bid-package/open.ts";
import { RECEIPT_TYPE, verifySignedJson, type Receipt } from "#app/crypto/jws/signed-json.ts";
import { isAppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { isEnvelopeError, openFile } from "#app/server/envelope/index.server.ts";
import { ensurePlatformPki, requireCaCertificates } from "#app/server/pki/platform-pki.server.ts";
import { verifyCertificateChain } from "#app/server/pki/verify.server.ts";
import { x5cToPem } from "#app/crypto/pki/der.ts";
import { submitBid, withdrawBid } from "#app/services/bidding/submit-bid.server.ts";
import { revokeCertificate } from "#app/services/certificates/revoke-certificate.server.ts";
import { importCredit } from "#app/services/credit/import-credit.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";
import {
  enrol,
  memberOf,
  organisationWithMember,
  publishedSection,
  sealBid,
  sha256Hex,
  storedFiles,
  storedPath,
  type Enrolment,
  type Member,
} from "./helpers/bids.ts";

/**
 * The submission rules of 办法 26–27 on real PostgreSQL (ARCHITECTURE.md §4 step 5; decision 15):
 * real packages signed by members, sealed for certificates the platform CA issued, submitted
 * through the service under the test app's clock.
 */
describe("submitting a sealed bid", () => {
  let app: TestApp;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-submit-bid-"));
  let sectionId: string;
  let deadline: Date;
  // 海峡建设: two bid members with certificates, one view-only member, one bid member whose certificate gets revoked.
  let alice: Member, bob: Member, viewer: Member, dave: Member;
  let aliceCert: Enrolment, bobCert: Enrolment, daveCert: Enrolment;
  // Other bidders: registered (闽江路桥), not registered, black-listed, banned.
  let other: Member, unregistered: Member, black: Member, banned: Member;
  let otherCert: Enrolment, unregisteredCert: Enrolment, blackCert: Enrolment, bannedCert: Enrolment;
  let operator: Member;
  const fields = {
    price: "1234567890",
    durationDays: 365,
    quality: "合格",
    projectManager: { name: "王建国", idNumber: "11010519491231002X" },
  };
  let v1: { receipt: Receipt; envelopeSha256: string; storageKey: string };

  const bidderOf = (m: Member) => ({ uscc: m.actor.membership.organisationUscc, name: m.actor.membership.organisationName });
  const seal = (name: string, by: Member, signer: Enrolment, recipients: Enrolment[], via?: "node" | "webcrypto") =>
    sealBid({
      dir,
      name,
      sectionId,
      bidder: bidderOf(by),
      fields,
      signer,
      recipients: recipients.map((r) => r.certificatePem),
      sealedAt: app.clock.now(),
      via,
    });
  const submit = (actor: Member, sealed: { envelopePath: string; packageDigest: string }) =>
    submitBid(app, {
      actor: actor.actor,
      sectionId,
      envelopePath: sealed.envelopePath,
      packageDigest: sealed.packageDigest,
      meta: TEST_META,
    });
  const refusalOf = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error("expected a refusal");
      },
      (e: unknown) => {
        if (!isAppError(e)) throw e;
        return e;
      },
    );

  /** Everything a submission writes: a refusal must leave all of it as it was. */
  const traces = async () => ({
    bids: await app.db.selectFrom("bids").select(["id", "organisation_id"]).orderBy("id").execute(),
    versions: await app.db.selectFrom("bid_versions").select(["id", "version", "storage_key"]).orderBy("id").execute(),
    withdrawals: await app.db.selectFrom("bid_withdrawals").select("id").orderBy("id").execute(),
    anchors: await app.db.selectFrom("anchor_queue").select("sha256").orderBy("sha256").execute(),
    bidAudit: await app.db.selectFrom("audit_log").select("seq").where("type", "like", "bid.%").orderBy("seq").execute(),
    files: storedFiles(app),
  });
  /** The version that stands now: the newest one, unless a withdrawal came after it. */
  const standing = async (organisationId: string) => {
    const bid = await app.db
      .selectFrom("bids")
      .select("id")
      .where("section_id", "=", sectionId)
      .where("organisation_id", "=", organisationId)
      .executeTakeFirst();
    if (!bid) return null;
    const last = await app.db
      .selectFrom("bid_versions")
      .select(["version", "received_at", "envelope_sha256"])
      .where("bid_id", "=", bid.id)
      .orderBy("version", "desc")
      .executeTakeFirst();
    const withdrawn = await app.db.selectFrom("bid_withdrawals").select("withdrawn_at").where("bid_id", "=", bid.id).execute();
    if (!last || withdrawn.some((w) => w.withdrawn_at >= last.received_at)) return null;
    return last.version;
  };

  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
    const agency = await organisationWithMember(app, { name: "福州建工招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    const tenderer = await organisationWithMember(app, { name: "福州城投集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
    operator = await organisationWithMember(app, {
      name: "交易中心",
      kinds: ["operator"],
      roles: ["admin", "operate"],
      regionCode: "350000",
    });
    ({ sectionId } = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code: "E3501002026000901",
    }));
    deadline = (await app.db.selectFrom("sections").select("deadline_at").where("id", "=", sectionId).executeTakeFirstOrThrow())
      .deadline_at;

    alice = await organisationWithMember(app, { name: "海峡建设", kinds: ["bidder"], roles: ["admin", "bid"] });
    bob = await memberOf(app, alice.organisationId, { name: "投标专员", roles: ["bid"] });
    viewer = await memberOf(app, alice.organisationId, { name: "只读", roles: ["view"] });
    dave = await memberOf(app, alice.organisationId, { name: "离职员工", roles: ["bid"] });
    other = await organisationWithMember(app, { name: "闽江路桥", kinds: ["bidder"], roles: ["admin", "bid"] });
    unregistered = await organisationWithMember(app, { name: "未报名建设", kinds: ["bidder"], roles: ["admin", "bid"] });
    black = await organisationWithMember(app, { name: "失信建筑", kinds: ["bidder"], roles: ["admin", "bid"] });
    banned = await organisationWithMember(app, { name: "串标建设", kinds: ["bidder"], roles: ["admin", "bid"] });
    [aliceCert, bobCert, daveCert, otherCert, unregisteredCert, blackCert, bannedCert] = await Promise.all([
      enrol(app, alice),
      enrol(app, bob),
      enrol(app, dave),
      enrol(app, other),
      enrol(app, unregistered),
      enrol(app, black),
      enrol(app, banned),
    ]);
    for (const m of [alice, other, black, banned]) await registerForSection(app, { actor: m.actor, sectionId, meta: TEST_META });
    // Credit changes after registering: bidding checks the credit gate again (DOMAIN.md §6).
    await importCredit(app, {
      actor: operator.actor,
      filename: "credit.csv",
      content: [
        "uscc,grade,effective_from,effective_to,source,reason,ban_scope,ban_until",
        `${black.actor.membership.organisationUscc},black,2026-11-01,,福州市中级人民法院,列入失信被执行人名单,,`,
        `${banned.actor.membership.organisationUscc},,2026-11-01,,福州市住房和城乡建设局,招标投标法第五十三条（串通投标）,engineering,2027-10-31`,
      ].join("\n"),
      meta: TEST_META,
    });
  });
  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("accepts a bid before the deadline and answers with a receipt the platform signed, matching what it stored", async () => {
    const sealed = await seal("v1", alice, bobCert, [aliceCert, bobCert]);
    const before = await traces();
    const { receipt, receiptJws } = await submit(bob, sealed);

    const row = await app.db.selectFrom("bid_versions").selectAll().where("receipt_no", "=", receipt.receiptNo).executeTakeFirstOrThrow();
    const stored = fs.readFileSync(storedPath(app, row.storage_key));
    const verified = await verifySignedJson(receiptJws);
    expect(verified.typ).toBe(RECEIPT_TYPE);
    expect(verified.payload).toEqual(receipt);
    expect(receipt).toEqual({
      format: "bidhall.receipt/1",
      receiptNo: row.receipt_no,
      sectionId,
      bidderUscc: alice.actor.membership.organisationUscc,
      version: 1,
      envelopeSha256: sha256Hex(stored),
      packageDigest: sha256Hex(sealed.packageBytes),
      size: stored.length,
      receivedAt: app.clock.now().toISOString(),
    });
    // The stored bytes are the uploaded envelope, byte for byte.
    expect(stored.equals(fs.readFileSync(sealed.envelopePath))).toBe(true);
    expect(row).toMatchObject({ version: 1, envelope_sha256: receipt.envelopeSha256, package_digest: sealed.packageDigest });
    expect(Number(row.size)).toBe(stored.length);

    // Signed by the platform's own certificate, which chains to the platform root.
    const { root } = await requireCaCertificates(app.db);
    const chain = verifyCertificateChain({
      leafPem: x5cToPem(verified.x5c[0]!),
      chainPem: verified.x5c.slice(1).map(x5cToPem),
      rootPem: root.certificatePem,
      at: app.clock.now(),
    });
    expect(chain.ok).toBe(true);
    const platform = await app.db
      .selectFrom("pki_authorities")
      .select("certificate_pem")
      .where("role", "=", "platform")
      .executeTakeFirstOrThrow();
    expect(new X509Certificate(x5cToPem(verified.x5c[0]!)).fingerprint256).toBe(
      new X509Certificate(platform.certificate_pem).fingerprint256,
    );

    // Anchoring queued for the envelope hash, and the audit row in the same transaction.
    expect(await app.db.selectFrom("anchor_queue").selectAll().where("sha256", "=", receipt.envelopeSha256).execute()).toMatchObject([
      { source: "bid-envelope", queued_at: app.clock.now() },
    ]);
    const audit = await app.db.selectFrom("audit_log").selectAll().where("type", "=", "bid.submitted").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_person_id: bob.personId, actor_organisation_id: alice.organisationId, ip: TEST_META.ip });
    const data = typeof audit[0]!.data === "string" ? (JSON.parse(audit[0]!.data) as unknown) : audit[0]!.data;
    expect(data).toMatchObject({ sectionId, organisationId: alice.organisationId, version: 1, receiptNo: receipt.receiptNo });

    // Any bid member can open it at the opening: alice's key opens what bob sealed, to the very package.
    const opened = path.join(dir, "v1.opened.zip");
    await openFile({
      inPath: storedPath(app, row.storage_key),
      outPath: opened,
      privateKey: aliceCert.privateKey,
      certificate: aliceCert.certificatePem,
    });
    expect(sha256Hex(fs.readFileSync(opened))).toBe(receipt.packageDigest);
    const pkg = await openBidPackage(new Uint8Array(fs.readFileSync(opened)), {
      hash: () => {
        const h = createHash("sha256");
        return { update: (c) => void h.update(c), digest: async () => h.digest("hex") };
      },
      expected: { sectionId, bidderUscc: receipt.bidderUscc },
    });
    expect(pkg.bid.fields).toEqual(fields);

    const after = await traces();
    expect(after.versions).toHaveLength(before.versions.length + 1);
    expect(after.files).toEqual([...before.files, row.storage_key].sort());
    expect(await standing(alice.organisationId)).toBe(1);
    v1 = { receipt, envelopeSha256: receipt.envelopeSha256, storageKey: row.storage_key };
  });

  it("makes a replacement version 2 (sealed in the browser's WebCrypto path) while version 1 stays stored", async () => {
    const sealed = await seal("v2", alice, aliceCert, [aliceCert], "webcrypto");
    const { receipt } = await submit(alice, sealed);
    expect(receipt.version).toBe(2);
    expect(receipt.envelopeSha256).toBe(sha256Hex(fs.readFileSync(sealed.envelopePath)));
    expect(receipt.receiptNo).not.toBe(v1.receipt.receiptNo);
    const versions = await app.db
      .selectFrom("bid_versions as v")
      .innerJoin("bids as b", "b.id", "v.bid_id")
      .select(["v.version", "v.storage_key", "v.envelope_sha256"])
      .where("b.organisation_id", "=", alice.organisationId)
      .orderBy("v.version")
      .execute();
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    // Version 1's ciphertext is untouched in storage: it still hashes to its receipt.
    expect(sha256Hex(fs.readFileSync(storedPath(app, v1.storageKey)))).toBe(v1.envelopeSha256);
    expect(sha256Hex(fs.readFileSync(storedPath(app, versions[1]!.storage_key)))).toBe(receipt.envelopeSha256);
    expect(await standing(alice.organisationId)).toBe(2);
  });

  it("lets a bidder withdraw before the deadline; the withdrawn version stays stored and a second withdrawal is refused", async () => {
    const sealed = await seal("other-v1", other, otherCert, [otherCert]);
    const { receipt } = await submit(other, sealed);
    expect(await standing(other.organisationId)).toBe(1);
    await withdrawBid(app, { actor: other.actor, sectionId, meta: TEST_META });
    expect(await standing(other.organisationId)).toBeNull();
    const withdrawal = await app.db
      .selectFrom("bid_withdrawals as w")
      .innerJoin("bids as b", "b.id", "w.bid_id")
      .select(["w.after_version", "w.withdrawn_by", "w.withdrawn_at"])
      .where("b.organisation_id", "=", other.organisationId)
      .execute();
    expect(withdrawal).toEqual([{ after_version: 1, withdrawn_by: other.personId, withdrawn_at: app.clock.now() }]);
    expect(await app.db.selectFrom("audit_log").select("type").where("type", "=", "bid.withdrawn").execute()).toHaveLength(1);
    expect(await app.db.selectFrom("bid_versions").select("id").where("receipt_no", "=", receipt.receiptNo).execute()).toHaveLength(1);
    expect((await refusalOf(withdrawBid(app, { actor: other.actor, sectionId, meta: TEST_META }))).code).toBe("BID_NOTHING_TO_WITHDRAW");
    // Nor may a member without the bid role withdraw 海峡建设's bid.
    expect((await refusalOf(withdrawBid(app, { actor: viewer.actor, sectionId, meta: TEST_META }))).code).toBe("FORBIDDEN");
    expect(await standing(alice.organisationId)).toBe(2);
  });

  describe("refusals leave nothing behind", () => {
    let before: Awaited<ReturnType<typeof traces>>;
    beforeAll(async () => {
      before = await traces();
    });

    it("refuses an organisation that has not registered for the section", async () => {
      const e = await refusalOf(submit(unregistered, await seal("unregistered", unregistered, unregisteredCert, [unregisteredCert])));
      expect(e.code).toBe("BID_NOT_REGISTERED");
      expect(await traces()).toEqual(before);
    });

    it("refuses a black-listed organisation, naming the grade's source, and a banned one, naming the ban", async () => {
      const b = await refusalOf(submit(black, await seal("black", black, blackCert, [blackCert])));
      expect(b.code).toBe("CREDIT_BLACK");
      expect(b.messageIn("zh-CN")).toContain("福州市中级人民法院");
      const n = await refusalOf(submit(banned, await seal("banned", banned, bannedCert, [bannedCert])));
      expect(n.code).toBe("CREDIT_BANNED");
      expect(n.messageIn("zh-CN")).toContain("串通投标");
      expect(await traces()).toEqual(before);
    });

    it("refuses a member without the bid role", async () => {
      const e = await refusalOf(submit(viewer, await seal("viewer", alice, aliceCert, [aliceCert])));
      expect(e).toMatchObject({ code: "FORBIDDEN", status: 403 });
      expect(await traces()).toEqual(before);
    });

    it("refuses an unencrypted package, saying that it is not encrypted (办法 26)", async () => {
      const sealed = await seal("plain", alice, aliceCert, [aliceCert]);
      const e = await refusalOf(submit(alice, { envelopePath: sealed.packagePath, packageDigest: sealed.packageDigest }));
      expect(e).toMatchObject({ code: "BID_ENVELOPE_INVALID", status: 400 });
      expect(isEnvelopeError(e.cause) && e.cause.code).toBe("NOT_CMS");
      expect(e.messageIn("zh-CN")).toContain("未加密");
      expect(e.messageIn("en")).toContain("not an encrypted (CMS) bid");
      expect(await traces()).toEqual(before);
    });

    it("refuses an envelope that a stranger's certificate could open, naming that certificate", async () => {
      // Sealed for the organisation's own certificate and, as well, for another bidder's member.
      const e = await refusalOf(submit(alice, await seal("stranger", alice, aliceCert, [aliceCert, otherCert])));
      expect(e).toMatchObject({ code: "BID_RECIPIENT_UNKNOWN", status: 400 });
      expect(String(e.params.serial).replace(/^0+/, "")).toBe(otherCert.serialHex.toUpperCase().replace(/^0+/, ""));
      expect(e.messageIn("zh-CN")).toContain(String(e.params.serial));
      expect(await traces()).toEqual(before);
    });

    it("refuses an envelope for a revoked certificate of the organisation's own member", async () => {
      const sealed = await seal("revoked", alice, aliceCert, [aliceCert, daveCert]);
      await revokeCertificate(app, { actor: dave.actor, serial: daveCert.serialHex, reason: "cessationOfOperation", meta: TEST_META });
      const e = await refusalOf(submit(alice, sealed));
      expect(e.code).toBe("BID_RECIPIENT_UNKNOWN");
      expect(String(e.params.serial).replace(/^0+/, "")).toBe(daveCert.serialHex.toUpperCase().replace(/^0+/, ""));
      expect(await traces()).toEqual(before);
    });

    it("keeps the version that stood before every refusal", async () => {
      expect(await standing(alice.organisationId)).toBe(2);
    });
  });

  describe("at and after the deadline (办法 27)", () => {
    let late: { envelopePath: string; packageDigest: string };
    let before: Awaited<ReturnType<typeof traces>>;
    const expectLateRefusal = async () => {
      const e = await refusalOf(submit(alice, late));
      expect(e).toMatchObject({ code: "BID_AFTER_DEADLINE", status: 409, params: { deadline: formatShanghai(deadline) } });
      expect(e.messageIn("zh-CN")).toContain(formatShanghai(deadline));
      expect(await traces()).toEqual(before);
      expect(await standing(alice.organisationId)).toBe(2);
    };

    beforeAll(async () => {
      late = await seal("late", alice, aliceCert, [aliceCert, bobCert]);
      before = await traces();
    });

    it("accepts nothing exactly at the deadline", async () => {
      await app.clock.advance((deadline.getTime() - app.clock.now().getTime()) / 1000);
      expect(app.clock.now().getTime()).toBe(deadline.getTime());
      await expectLateRefusal();
      const w = await refusalOf(withdrawBid(app, { actor: alice.actor, sectionId, meta: TEST_META }));
      expect(w.code).toBe("BID_AFTER_DEADLINE");
    });

    it("accepts nothing one millisecond after the deadline", async () => {
      await app.clock.advance(0.001);
      expect(app.clock.now().getTime()).toBe(deadline.getTime() + 1);
      await expectLateRefusal();
    });

    it("accepts nothing one second after the deadline", async () => {
      await app.clock.advance(1);
      expect(app.clock.now().getTime()).toBe(deadline.getTime() + 1001);
      await expectLateRefusal();
    });
  });
});
