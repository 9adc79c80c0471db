import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySignedJson } from "#app/crypto/jws/signed-json.ts";
import type { AppError } from "#app/domain/shared/app-error.ts";
import { sealFile } from "#app/server/envelope/index.server.ts";
import { verifyCertificateChain } from "#app/server/pki/verify.server.ts";
import { submitBid, withdrawBid } from "#app/services/bidding/submit-bid.server.ts";
import { makeIdentities } from "#test/fixtures/envelope/pki.ts";
import forge from "node-forge";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { getSealingKit } from "#app/services/bidding/get-sealing-kit.server.ts";
import { issueCertificateForMember } from "#app/services/certificates/issue-certificate.server.ts";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { addMember, createOrganisationWithMember, createPerson } from "#test/factories/organisations.ts";
import { actorOf, sectionTerms, tinyPdf } from "#test/factories/tendering.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

/** A CSR for an RSA-3072 key, as the browser or `openssl req` would send. */
function csr(): string {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
  const req = forge.pki.createCertificationRequest();
  req.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  req.setSubject([{ name: "commonName", value: "bidder" }]);
  req.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()), forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(req);
}

describe("the sealing kit of a section", () => {
  let app: TestApp;
  let bidder: Actor, staff: Actor, viewer: Actor, stranger: Actor, agency: Actor;
  let sectionId: string;

  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
    const mk = async (name: string, kinds: ("bidder" | "agency" | "tenderer")[], roles: ("admin" | "bid" | "operate")[]) => {
      const { organisation, person } = await createOrganisationWithMember(app.db, {
        organisation: { name, kinds },
        person: { name, email: `${name}@example.cn` },
        roles,
      });
      return { actor: await actorOf(app.db, person.id), organisation };
    };
    agency = (await mk("代理", ["agency"], ["admin", "operate"])).actor;
    const tenderer = await mk("招标人", ["tenderer"], ["admin", "operate"]);
    const b = await mk("海峡建设", ["bidder"], ["admin", "bid"]);
    bidder = b.actor;
    // Two more people of the same bidder: one may bid, one may only view.
    for (const [name, roles] of [
      ["投标专员", ["bid"]],
      ["只读", ["view"]],
    ] as const) {
      const p = await createPerson(app.db, { name, email: `${name}@example.cn` });
      await addMember(app.db, { organisationId: b.organisation.id, personId: p.id, roles: [...roles] });
    }
    const staffId = (await app.db.selectFrom("people").select("id").where("email", "=", "投标专员@example.cn").executeTakeFirstOrThrow())
      .id;
    const viewerId = (await app.db.selectFrom("people").select("id").where("email", "=", "只读@example.cn").executeTakeFirstOrThrow()).id;
    staff = await actorOf(app.db, staffId);
    viewer = await actorOf(app.db, viewerId);
    stranger = (await mk("闽江路桥", ["bidder"], ["admin", "bid"])).actor;

    const { projectId, sectionIds } = await createProject(app, {
      actor: agency,
      project: {
        code: "E3501002026000777",
        name: "测试项目",
        regionCode: "350100",
        procurementType: "engineering",
        mandatoryTendering: true,
        description: "",
        tendererOrganisationId: tenderer.organisation.id,
      },
      sections: [sectionTerms({ name: "一标段", from: app.clock.now(), deadlineDays: 25, evaluationMethod: "comprehensiveEvaluation" })],
      meta: TEST_META,
    });
    sectionId = sectionIds[0]!;
    await uploadTenderDocument(app, {
      actor: agency,
      projectId,
      title: "招标文件",
      filename: "z.pdf",
      bytes: tinyPdf("z"),
      meta: TEST_META,
    });
    await publishProject(app, { actor: agency, projectId, announcement: { title: "公告", body: "欢迎" }, meta: TEST_META });
    await registerForSection(app, { actor: bidder, sectionId, meta: TEST_META });
  });
  afterAll(() => app?.close());

  it("refuses until some bid member holds a valid certificate, then lists every bid member's certificate", async () => {
    await expect(getSealingKit(app, bidder, sectionId)).rejects.toMatchObject({ code: "BID_NO_RECIPIENTS" });
    for (const email of ["海峡建设@example.cn", "投标专员@example.cn"]) await issueCertificateForMember(app, { email, csrPem: csr() });
    const kit = await getSealingKit(app, staff, sectionId);
    expect(kit.recipients.map((r) => r.subjectName).sort()).toEqual(["投标专员", "海峡建设"].sort());
    expect(kit.bidder.uscc).toBe(bidder.membership.organisationUscc);
    expect(kit.issuingCaPem).toContain("BEGIN CERTIFICATE");
    const ajv = new Ajv2020({ strict: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(kit.schema);
    expect(
      validate({ price: "100", durationDays: 1, quality: "合格", projectManager: { name: "王", idNumber: "11010519491231002X" } }),
    ).toBe(true);
  });

  it("refuses members without the bid role, unregistered organisations, and other sections", async () => {
    await expect(getSealingKit(app, viewer, sectionId)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getSealingKit(app, stranger, sectionId)).rejects.toMatchObject({ code: "BID_NOT_REGISTERED" });
    await expect(getSealingKit(app, agency, sectionId)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getSealingKit(app, bidder, "00000000-0000-0000-0000-000000000000")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  describe("submitting", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-submit-"));
    const f = (n: string) => path.join(tmp, n);
    const digest = "d".repeat(64);
    const seal = async (name: string, recipients: string[]) => {
      fs.writeFileSync(f(`${name}.zip`), randomBytes(100_000));
      await sealFile({ inPath: f(`${name}.zip`), outPath: f(`${name}.p7m`), recipients });
      return f(`${name}.p7m`);
    };

    it("accepts an envelope for the organisation's certificates and returns a receipt the platform signed", async () => {
      const kit = await getSealingKit(app, bidder, sectionId);
      const envelope = await seal(
        "v1",
        kit.recipients.map((r) => r.certificatePem),
      );
      const { receipt, receiptJws } = await submitBid(app, {
        actor: staff,
        sectionId,
        envelopePath: envelope,
        packageDigest: digest,
        meta: TEST_META,
      });
      expect(receipt).toMatchObject({
        version: 1,
        packageDigest: digest,
        bidderUscc: bidder.membership.organisationUscc,
        size: fs.statSync(envelope).size,
      });
      expect(receipt.envelopeSha256).toBe(createHash("sha256").update(fs.readFileSync(envelope)).digest("hex"));
      const verified = await verifySignedJson(receiptJws);
      const root = (
        await app.db.selectFrom("pki_authorities").select("certificate_pem").where("role", "=", "root").executeTakeFirstOrThrow()
      ).certificate_pem;
      const pem = (b64: string) => `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
      expect(
        verifyCertificateChain({
          leafPem: pem(verified.x5c[0]!),
          chainPem: verified.x5c.slice(1).map(pem),
          rootPem: root,
          at: app.clock.now(),
        }).ok,
      ).toBe(true);
      expect(await app.db.selectFrom("anchor_queue").select("sha256").where("sha256", "=", receipt.envelopeSha256).execute()).toHaveLength(
        1,
      );
      // The database holds the ciphertext's hash and size, never a price or a field of the bid.
      const row = await app.db.selectFrom("bid_versions").selectAll().where("receipt_no", "=", receipt.receiptNo).executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toMatch(/price|"fields"/);
    });

    it("keeps earlier versions when the bid is replaced, and lets it be withdrawn", async () => {
      const kit = await getSealingKit(app, bidder, sectionId);
      const { receipt } = await submitBid(app, {
        actor: bidder,
        sectionId,
        envelopePath: await seal("v2", [kit.recipients[0]!.certificatePem]),
        packageDigest: digest,
        meta: TEST_META,
      });
      expect(receipt.version).toBe(2);
      await withdrawBid(app, { actor: bidder, sectionId, meta: TEST_META });
      await expect(withdrawBid(app, { actor: bidder, sectionId, meta: TEST_META })).rejects.toMatchObject({
        code: "BID_NOTHING_TO_WITHDRAW",
      });
      expect(await app.db.selectFrom("bid_versions").select("version").execute()).toHaveLength(2);
    });

    it("refuses what is not encrypted, envelopes for another organisation's certificate, and strangers", async () => {
      fs.writeFileSync(f("plain.zip"), "PK\u0003\u0004 this is a plaintext bid");
      await expect(
        submitBid(app, { actor: bidder, sectionId, envelopePath: f("plain.zip"), packageDigest: digest, meta: TEST_META }),
      ).rejects.toMatchObject({ code: "BID_ENVELOPE_INVALID", status: 400 });
      const refused = await submitBid(app, {
        actor: bidder,
        sectionId,
        envelopePath: f("plain.zip"),
        packageDigest: digest,
        meta: TEST_META,
      }).catch((e: AppError) => e);
      expect((refused as AppError).messageIn("zh-CN")).toContain("可能上传了未加密的投标文件");
      const { other } = await makeIdentities(tmp, ["other"] as const);
      await expect(
        submitBid(app, {
          actor: bidder,
          sectionId,
          envelopePath: await seal("foreign", [other.certPem]),
          packageDigest: digest,
          meta: TEST_META,
        }),
      ).rejects.toMatchObject({
        code: "BID_RECIPIENT_UNKNOWN",
      });
      const kit = await getSealingKit(app, bidder, sectionId);
      const ok = await seal(
        "ok",
        kit.recipients.map((r) => r.certificatePem),
      );
      await expect(
        submitBid(app, { actor: stranger, sectionId, envelopePath: ok, packageDigest: digest, meta: TEST_META }),
      ).rejects.toMatchObject({ code: "BID_NOT_REGISTERED" });
      await expect(
        submitBid(app, { actor: viewer, sectionId, envelopePath: ok, packageDigest: digest, meta: TEST_META }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    });

    it("refuses an upload one second after the deadline, naming the deadline", async () => {
      const kit = await getSealingKit(app, bidder, sectionId);
      const envelope = await seal(
        "late",
        kit.recipients.map((r) => r.certificatePem),
      );
      const section = await app.db.selectFrom("sections").select("deadline_at").where("id", "=", sectionId).executeTakeFirstOrThrow();
      await app.clock.advance((section.deadline_at.getTime() - app.clock.now().getTime()) / 1000 + 1);
      const error = await submitBid(app, {
        actor: bidder,
        sectionId,
        envelopePath: envelope,
        packageDigest: digest,
        meta: TEST_META,
      }).catch((e: AppError) => e);
      expect(error).toMatchObject({ code: "BID_AFTER_DEADLINE" });
      expect((error as AppError).messageIn("zh-CN")).toContain("2026/12/18");
      await expect(withdrawBid(app, { actor: bidder, sectionId, meta: TEST_META })).rejects.toMatchObject({ code: "BID_AFTER_DEADLINE" });
    });
  });

  it("is closed after the deadline", async () => {
    await expect(getSealingKit(app, bidder, sectionId)).rejects.toMatchObject({
      code: "SECTION_UNEXPECTED_PHASE",
      params: { current: "opening" },
    });
  });
});
