import { generateKeyPairSync, randomBytes, createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealFile } from "#app/server/envelope/index.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { createApiToken } from "#app/services/api-tokens/api-tokens.server.ts";
import { issueCertificateForMember } from "#app/services/certificates/issue-certificate.server.ts";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { UPLOAD_PATH, uploadHandler } from "#app/web/uploads.server.ts";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import { actorOf, sectionTerms, tinyPdf } from "#test/factories/tendering.ts";
import { startS3Server, S3RVER_CREDENTIALS, type TestS3Server } from "#test/setup/s3-server.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

/**
 * A bid upload begun on one web instance and finished on another (decision 53): two tus servers,
 * each with its own memory, sharing only the database, the uploads directory and the object store,
 * as two instances behind a load balancer do. Instance A still holds a dangling request for the
 * upload (the bidder's connection died half-way and A has not noticed); B asks it to let go
 * through the shared lease, takes the upload over, and the finished envelope lands in S3 with its
 * receipt.
 */
describe("resumable bid uploads across instances", () => {
  let app: TestApp;
  let s3: TestS3Server;
  const servers: http.Server[] = [];
  let endpointA: string;
  let endpointB: string;
  let token: string;
  let sectionId: string;
  let envelope: Buffer;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-upload-instances-"));
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  const errors: string[] = [];
  const tusHeaders = () => ({ "tus-resumable": "1.0.0", authorization: `Bearer ${token}`, "accept-language": "en" });
  const b64 = (s: string) => Buffer.from(s).toString("base64");

  async function instance(): Promise<string> {
    const server = express();
    server.all([UPLOAD_PATH, `${UPLOAD_PATH}/*`], uploadHandler(app));
    const listener = server.listen(0, "127.0.0.1");
    await new Promise((r) => listener.once("listening", r));
    servers.push(listener);
    return `http://127.0.0.1:${(listener.address() as AddressInfo).port}${UPLOAD_PATH}`;
  }

  beforeAll(async () => {
    s3 = await startS3Server(["bidhall-files"]);
    process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
    app = await createTestApp({ log: { info() {}, warn() {}, error: (m, f) => void errors.push(`${m} ${JSON.stringify(f)}`) } });
    app.config = { ...app.config, storageUrl: "s3://bidhall-files/centre", storageEndpoint: s3.endpoint, storageForcePathStyle: true };
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
    const { projectId, sectionIds } = await createProject(app, {
      actor: agency,
      project: {
        code: "E3501002026000889",
        name: "多实例上传测试项目",
        regionCode: "350100",
        procurementType: "engineering",
        mandatoryTendering: true,
        description: "",
        tendererOrganisationId: tenderer.organisation.id,
      },
      sections: [sectionTerms({ name: "一标段", from: app.clock.now(), deadlineDays: 25 })],
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
    await registerForSection(app, { actor: bidder.actor, sectionId, meta: TEST_META });

    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
    csr.setSubject([{ name: "commonName", value: "bidder" }]);
    csr.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()), forge.md.sha256.create());
    const issued = await issueCertificateForMember(app, { email: bidder.person.email, csrPem: forge.pki.certificationRequestToPem(csr) });
    token = (await createApiToken(app, { actor: bidder.actor, name: "投标电脑", meta: TEST_META })).token;
    fs.writeFileSync(path.join(tmp, "bid.zip"), randomBytes(300_000));
    await sealFile({ inPath: path.join(tmp, "bid.zip"), outPath: path.join(tmp, "bid.p7m"), recipients: [issued.certificatePem] });
    envelope = fs.readFileSync(path.join(tmp, "bid.p7m"));
    endpointA = await instance();
    endpointB = await instance();
  });
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await app?.close();
    await s3?.stop();
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    fs.rmSync(tmp, { recursive: true, force: true });
    if (app) fs.rmSync(app.config.dataDir, { recursive: true, force: true });
  });

  it("begins on A, is taken over by B while A still holds a dangling request, and lands in the object store", async () => {
    const created = await fetch(endpointA, {
      method: "POST",
      headers: {
        ...tusHeaders(),
        "upload-length": String(envelope.length),
        "upload-metadata": `sectionId ${b64(sectionId)},packageDigest ${b64("e".repeat(64))}`,
      },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const location = created.headers.get("location")!;
    const onA = new URL(location, endpointA).href;
    const onB = new URL(location, endpointB).href;
    const quarter = Math.floor(envelope.length / 4);

    // A quarter through A, completed normally.
    const first = await fetch(onA, {
      method: "PATCH",
      headers: { ...tusHeaders(), "upload-offset": "0", "content-type": "application/offset+octet-stream" },
      body: new Uint8Array(envelope.subarray(0, quarter)),
    });
    expect(first.status).toBe(204);

    // Another quarter into A, and then the connection hangs: A holds the upload's lock.
    const dangling = http.request(onA, {
      method: "PATCH",
      headers: {
        ...tusHeaders(),
        "upload-offset": String(quarter),
        "content-type": "application/offset+octet-stream",
        "content-length": String(envelope.length - quarter),
      },
    });
    const danglingEnded = new Promise<string>((resolve) => {
      dangling.on("response", (res) => resolve(`answered ${res.statusCode}`));
      dangling.on("error", (e) => resolve(`closed: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
    });
    dangling.write(envelope.subarray(quarter, 2 * quarter));
    await expect.poll(async () => (await app.db.selectFrom("upload_locks").select("upload_id").execute()).length).toBe(1);

    // B asks where the upload stands: A is asked to let go, and B answers with what A had received.
    const head = await fetch(onB, { method: "HEAD", headers: tusHeaders() });
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get("upload-offset"));
    expect(offset).toBeGreaterThanOrEqual(quarter);
    expect(offset).toBeLessThanOrEqual(2 * quarter);
    expect(await danglingEnded).toMatch(/^(answered|closed)/);

    // B takes the rest, and the last byte makes the bid.
    const rest = await fetch(onB, {
      method: "PATCH",
      headers: { ...tusHeaders(), "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
      body: new Uint8Array(envelope.subarray(offset)),
    });
    expect(rest.status, await rest.clone().text()).toBe(200);
    const { receipt } = (await rest.json()) as { receipt: { envelopeSha256: string; size: number; version: number } };
    expect(receipt).toMatchObject({
      envelopeSha256: createHash("sha256").update(envelope).digest("hex"),
      size: envelope.length,
      version: 1,
    });
    expect(await app.db.selectFrom("upload_locks").selectAll().execute()).toEqual([]);

    // The envelope is in the object store, byte for byte, under the configured prefix.
    const version = await app.db.selectFrom("bid_versions").select("storage_key").executeTakeFirstOrThrow();
    const chunks: Buffer[] = [];
    for await (const c of await storageFor(app).get(version.storage_key)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(envelope)).toBe(true);
    expect(fs.existsSync(path.join(s3.directory, "bidhall-files"))).toBe(true);
  });

  it("records nothing when the object store has gone away, and tells the bidder so", async () => {
    await s3.stop();
    const created = await fetch(endpointB, {
      method: "POST",
      headers: {
        ...tusHeaders(),
        "upload-length": String(envelope.length),
        "upload-metadata": `sectionId ${b64(sectionId)},packageDigest ${b64("e".repeat(64))}`,
      },
    });
    expect(created.status).toBe(201);
    const res = await fetch(new URL(created.headers.get("location")!, endpointB), {
      method: "PATCH",
      headers: { ...tusHeaders(), "upload-offset": "0", "content-type": "application/offset+octet-stream" },
      body: new Uint8Array(envelope),
    });
    expect(res.status, errors.join("\n")).toBe(503);
    expect(await res.json()).toEqual({
      error: {
        code: "STORAGE_UNAVAILABLE",
        message:
          "File storage is unavailable right now, so this upload was not recorded: no new bid version or receipt was made, and any version submitted before stands. Please upload again later.",
      },
    });
    expect(await app.db.selectFrom("bid_versions").select("version").execute()).toEqual([{ version: 1 }]);
  });
});
