import { generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import os from "node:os";
import path from "node:path";
import express from "express";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScheduler } from "#app/jobs/scheduler.ts";
import { timedTasks } from "#app/jobs/timed-tasks.ts";
import { uploadCleanup, uploadsDirectory } from "#app/jobs/upload-cleanup.ts";
import { verifyAuditChain } from "#app/server/audit.server.ts";
import { sealFile } from "#app/server/envelope/index.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { createApiToken } from "#app/services/api-tokens/api-tokens.server.ts";
import { issueCertificateForMember } from "#app/services/certificates/issue-certificate.server.ts";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { UPLOAD_PATH, uploadHandler } from "#app/web/uploads.server.ts";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import { actorOf, sectionTerms, tinyPdf } from "#test/factories/tendering.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

/**
 * Abandoned uploads through the real tus endpoint (app/web/uploads.server.ts) on an in-process
 * Express server, swept by the scheduler task on the controlled clock: untouched uploads go after
 * 24 h of platform time, unfinished ones at their section's deadline (办法 27), each with one
 * audit row, and the last complete version stands.
 */
describe("abandoned bid uploads", () => {
  let app: TestApp;
  let http: Server;
  let endpoint: string;
  let token: string;
  let bidderOrganisationId: string;
  let bidderPersonId: string;
  let early: { id: string; deadlineAt: Date }; // the section whose deadline comes first
  let later: { id: string; deadlineAt: Date };
  let envelope: Buffer;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-upload-cleanup-"));
  const digest = "e".repeat(64);

  const tusHeaders = () => ({ "tus-resumable": "1.0.0", authorization: `Bearer ${token}`, "accept-language": "en" });
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  async function create(sectionId: string, length: number): Promise<string> {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: {
        ...tusHeaders(),
        "upload-length": String(length),
        "upload-metadata": `sectionId ${b64(sectionId)},packageDigest ${b64(digest)}`,
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return new URL(res.headers.get("location")!, endpoint).href;
  }
  const patch = (url: string, offset: number, bytes: Uint8Array) =>
    fetch(url, {
      method: "PATCH",
      headers: { ...tusHeaders(), "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
      body: new Uint8Array(bytes),
    });
  const idOf = (url: string) => url.split("/").pop()!;
  const filesOf = (url: string) =>
    [idOf(url), `${idOf(url)}.json`]
      .filter((n) => fs.existsSync(path.join(uploadsDirectory(app), n)))
      .map((n) => n.replace(idOf(url), "<id>"));
  const discardedRows = (uploadId: string) =>
    app.db
      .selectFrom("audit_log")
      .select(["data", "at", "actor_person_id"])
      .where("type", "=", "bid.upload_discarded")
      .execute()
      .then((rows) => rows.filter((r) => (r.data as { uploadId: string }).uploadId === uploadId));
  const sweep = () => uploadCleanup.run(app, app.clock.now());
  const advanceTo = (at: Date) => app.clock.advance((at.getTime() - app.clock.now().getTime()) / 1000);

  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
    const mk = async (name: string, kinds: ("bidder" | "agency" | "tenderer")[], roles: ("admin" | "bid" | "operate")[]) => {
      const { organisation, person } = await createOrganisationWithMember(app.db, {
        organisation: { name, kinds },
        person: { name, email: `${name}@example.cn` },
        roles,
      });
      return { actor: await actorOf(app.db, person.id), organisation, person };
    };
    const agency = (await mk("代理", ["agency"], ["admin", "operate"])).actor;
    const tenderer = await mk("招标人", ["tenderer"], ["admin", "operate"]);
    const bidder = await mk("海峡建设", ["bidder"], ["admin", "bid"]);
    bidderOrganisationId = bidder.organisation.id;
    bidderPersonId = bidder.person.id;

    const from = app.clock.now();
    const { projectId, sectionIds } = await createProject(app, {
      actor: agency,
      project: {
        code: "E3501002026000888",
        name: "上传清理测试项目",
        regionCode: "350100",
        procurementType: "engineering",
        mandatoryTendering: true,
        description: "",
        tendererOrganisationId: tenderer.organisation.id,
      },
      sections: [sectionTerms({ name: "一标段", from, deadlineDays: 25 }), sectionTerms({ name: "二标段", from, deadlineDays: 30 })],
      meta: TEST_META,
    });
    await uploadTenderDocument(app, {
      actor: agency,
      projectId,
      title: "招标文件",
      filename: "z.pdf",
      bytes: tinyPdf("z"),
      meta: TEST_META,
    });
    await publishProject(app, { actor: agency, projectId, announcement: { title: "公告", body: "欢迎" }, meta: TEST_META });
    const sections = await app.db.selectFrom("sections").select(["id", "deadline_at"]).where("id", "in", sectionIds).execute();
    [early, later] = sections
      .map((s) => ({ id: s.id, deadlineAt: s.deadline_at }))
      .sort((a, b) => a.deadlineAt.getTime() - b.deadlineAt.getTime()) as [typeof early, typeof later];
    for (const sectionId of sectionIds) await registerForSection(app, { actor: bidder.actor, sectionId, meta: TEST_META });

    // The bidder's certificate (an RSA-3072 key made here, as `openssl req` would) and an API token for the offline tool.
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
    csr.setSubject([{ name: "commonName", value: "bidder" }]);
    csr.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()), forge.md.sha256.create());
    const issued = await issueCertificateForMember(app, { email: bidder.person.email, csrPem: forge.pki.certificationRequestToPem(csr) });
    token = (await createApiToken(app, { actor: bidder.actor, name: "投标电脑", meta: TEST_META })).token;
    fs.writeFileSync(path.join(tmp, "bid.zip"), randomBytes(200_000));
    await sealFile({ inPath: path.join(tmp, "bid.zip"), outPath: path.join(tmp, "bid.p7m"), recipients: [issued.certificatePem] });
    envelope = fs.readFileSync(path.join(tmp, "bid.p7m"));

    const server = express();
    server.all([UPLOAD_PATH, `${UPLOAD_PATH}/*`], uploadHandler(app));
    http = server.listen(0, "127.0.0.1");
    await new Promise((r) => http.once("listening", r));
    endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}${UPLOAD_PATH}`;
  });
  afterAll(async () => {
    http?.closeAllConnections();
    await new Promise((r) => (http ? http.close(r) : r(undefined)));
    await app?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    if (app) fs.rmSync(app.config.dataDir, { recursive: true, force: true });
  });

  it("removes an upload untouched for 24 hours of platform time, counting from its last byte, not its creation", async () => {
    const quarter = Math.floor(envelope.length / 4);
    const url = await create(later.id, envelope.length);
    expect((await patch(url, 0, envelope.subarray(0, quarter))).status).toBe(204);
    expect(await sweep()).toBe(0);
    await app.clock.advance(23 * 3600);
    expect(await sweep()).toBe(0);
    expect((await patch(url, quarter, envelope.subarray(quarter, 2 * quarter))).status).toBe(204); // the bidder resumes
    expect(await sweep()).toBe(0); // the scheduler's next tick notices the new bytes
    await app.clock.advance(2 * 3600); // 25 h after creation, 2 h after the last byte
    expect(await sweep()).toBe(0);
    expect(filesOf(url)).toEqual(["<id>", "<id>.json"]);
    await app.clock.advance(22 * 3600 - 1);
    expect(await sweep()).toBe(0);
    await app.clock.advance(1); // 24 h without a byte; the scheduler's own tick runs the task
    expect(await createScheduler(app, timedTasks).tick()).toMatchObject({ "bidding.upload-cleanup": 1 });
    expect(filesOf(url)).toEqual([]);
    const rows = await discardedRows(idOf(url));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toEqual({
      uploadId: idOf(url),
      sectionId: later.id,
      organisationId: bidderOrganisationId,
      personId: bidderPersonId,
      bytesReceived: 2 * quarter,
      uploadLength: envelope.length,
      reason: "stale",
    });
    expect(rows[0]!.at).toEqual(app.clock.now());
    expect(rows[0]!.actor_person_id).toBeNull(); // the platform discarded it, not the bidder
    expect((await fetch(url, { method: "HEAD", headers: tusHeaders() })).status).toBe(404);
  });

  it("discards an unfinished upload at its section's deadline, refusing more bytes, and the last complete version stands", async () => {
    await advanceTo(new Date(early.deadlineAt.getTime() - 3600_000)); // an hour before the deadline
    // Version 1, complete, with its receipt.
    const v1 = await create(early.id, envelope.length);
    const done = await patch(v1, 0, envelope);
    expect(done.status, await done.clone().text()).toBe(200);
    const { receipt } = (await done.json()) as { receipt: { version: number; receiptNo: string } };
    expect(receipt.version).toBe(1);
    // A replacement halfway, and an upload for the section that closes later.
    const half = Math.floor(envelope.length / 2);
    const replacement = await create(early.id, envelope.length);
    expect((await patch(replacement, 0, envelope.subarray(0, half))).status).toBe(204);
    const otherSection = await create(later.id, envelope.length);
    expect((await patch(otherSection, 0, envelope.subarray(0, half))).status).toBe(204);

    await advanceTo(new Date(early.deadlineAt.getTime() - 1000));
    expect(await sweep()).toBe(0);
    await app.clock.advance(1); // the deadline itself
    const refused = await patch(replacement, half, envelope.subarray(half, half + 1000));
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "BID_AFTER_DEADLINE",
      message: expect.stringContaining("2026/12/18"),
    });
    expect(fs.statSync(path.join(uploadsDirectory(app), idOf(replacement))).size).toBe(half); // not a byte more

    // Two schedulers sweeping at the same moment record it once.
    const kept = fs.readFileSync(path.join(uploadsDirectory(app), `${idOf(replacement)}.json`));
    const [a, b] = await Promise.all([sweep(), sweep()]);
    expect(a + b).toBe(1);
    expect(filesOf(replacement)).toEqual([]);
    expect(filesOf(otherSection)).toEqual(["<id>", "<id>.json"]); // its deadline is still ahead
    const rows = await discardedRows(idOf(replacement));
    expect(rows.map((r) => r.data)).toEqual([
      {
        uploadId: idOf(replacement),
        sectionId: early.id,
        organisationId: bidderOrganisationId,
        personId: bidderPersonId,
        bytesReceived: half,
        uploadLength: envelope.length,
        reason: "deadline",
      },
    ]);

    // A sweep that died after its audit row but before deleting: the next one deletes without a second row.
    fs.writeFileSync(path.join(uploadsDirectory(app), idOf(replacement)), envelope.subarray(0, half));
    fs.writeFileSync(path.join(uploadsDirectory(app), `${idOf(replacement)}.json`), kept);
    expect(await sweep()).toBe(0);
    expect(filesOf(replacement)).toEqual([]);
    expect(await discardedRows(idOf(replacement))).toHaveLength(1);

    // Withdrawn in effect, not in the record: version 1 is the bid, nothing was withdrawn.
    const bid = await app.db
      .selectFrom("bids")
      .select("id")
      .where("section_id", "=", early.id)
      .where("organisation_id", "=", bidderOrganisationId)
      .executeTakeFirstOrThrow();
    expect(await app.db.selectFrom("bid_versions").select(["version", "receipt_no"]).where("bid_id", "=", bid.id).execute()).toEqual([
      { version: 1, receipt_no: receipt.receiptNo },
    ]);
    expect(await app.db.selectFrom("bid_withdrawals").select("id").where("bid_id", "=", bid.id).execute()).toEqual([]);

    await advanceTo(later.deadlineAt);
    expect(await sweep()).toBe(1);
    expect(filesOf(otherSection)).toEqual([]);
    expect((await discardedRows(idOf(otherSection)))[0]!.data).toMatchObject({ sectionId: later.id, reason: "deadline" });
    expect(await verifyAuditChain(app.db)).toMatchObject({ ok: true });
  });
});
