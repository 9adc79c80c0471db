import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
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

  it("is closed after the deadline", async () => {
    await app.clock.advance(26 * 86400);
    await expect(getSealingKit(app, bidder, sectionId)).rejects.toMatchObject({
      code: "SECTION_UNEXPECTED_PHASE",
      params: { current: "opening" },
    });
  });
});
