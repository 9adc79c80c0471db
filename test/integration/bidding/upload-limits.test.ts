import fs from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "#app/server/audit.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { createApiToken } from "#app/services/api-tokens/api-tokens.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadsDirectory } from "#app/server/storage.server.ts";
import { trustProxySetting } from "#app/web/edge.server.ts";
import { UPLOAD_IDLE_SECONDS } from "#app/web/bid-upload-store.server.ts";
import { UPLOAD_PATH, uploadHandler } from "#app/web/uploads.server.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";
import { enrol, memberOf, organisationWithMember, publishedSection, sealBid, storedFiles, type Member } from "./helpers/bids.ts";

/**
 * Limits before work on the tus endpoint (decision 25) and the client's address (decision 26),
 * through the real upload handler on an in-process Express server set up as server.ts sets it up:
 * an upload is created — a file made — only for a registered bidder within the size limit, one at
 * a time per organisation and section; refusals are ours, never a database error; and the
 * address recorded with the bid is the client's, from a trusted proxy's X-Forwarded-For only.
 */
describe("bid uploads: limits before work, and the client's address", () => {
  let app: TestApp;
  let sectionId: string;
  let registered: Member & { token: string };
  let colleague: Member & { token: string }; // same organisation, also bid
  let unregistered: Member & { token: string };
  let envelope: Buffer;
  let packageDigest: string;
  const servers: Server[] = [];
  let behindLoopbackProxy: string; // TRUSTED_PROXIES=loopback (embedded mode's default)
  let behindOtherProxy: string; // TRUSTED_PROXIES=10.0.0.0/8: our 127.0.0.1 is not a trusted proxy
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-upload-limits-"));
  const GiB = 1024 ** 3;

  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const metadata = (fields: Record<string, string>) =>
    Object.entries(fields)
      .map(([k, v]) => `${k} ${b64(v)}`)
      .join(",");
  const create = (
    endpoint: string,
    token: string,
    length: number | null,
    fields: Record<string, string>,
    extra: Record<string, string> = {},
  ) =>
    fetch(endpoint, {
      method: "POST",
      headers: {
        "tus-resumable": "1.0.0",
        authorization: `Bearer ${token}`,
        "accept-language": "en",
        ...(length === null ? { "upload-defer-length": "1" } : { "upload-length": String(length) }),
        "upload-metadata": metadata(fields),
        ...extra,
      },
    });
  const uploadFiles = () => fs.readdirSync(uploadsDirectory(app)).filter((n) => !n.startsWith("."));
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

  async function listen(trustedProxies: string[]): Promise<string> {
    const server = express();
    server.set("trust proxy", trustProxySetting({ trustedProxies }));
    server.all([UPLOAD_PATH, `${UPLOAD_PATH}/*`], uploadHandler(app));
    const http = server.listen(0, "127.0.0.1");
    await new Promise((r) => http.once("listening", r));
    servers.push(http);
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}${UPLOAD_PATH}`;
  }

  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
    const agency = await organisationWithMember(app, { name: "福州建工招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    const tenderer = await organisationWithMember(app, { name: "福州城投", kinds: ["tenderer"], roles: ["admin", "operate"] });
    ({ sectionId } = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code: "E3501002026000777",
    }));
    const withToken = async (m: Member) => ({
      ...m,
      token: (await createApiToken(app, { actor: m.actor, name: "投标电脑", meta: TEST_META })).token,
    });
    const bidder = await organisationWithMember(app, { name: "海峡建设", kinds: ["bidder"], roles: ["admin", "bid"] });
    registered = await withToken(bidder);
    colleague = await withToken(await memberOf(app, bidder.organisationId, { name: "海峡建设投标员", roles: ["bid"] }));
    unregistered = await withToken(await organisationWithMember(app, { name: "未报名建设", kinds: ["bidder"], roles: ["admin", "bid"] }));
    await registerForSection(app, { actor: registered.actor, sectionId, meta: TEST_META });
    const enrolment = await enrol(app, registered);
    const sealed = await sealBid({
      dir: tmp,
      name: "bid",
      sectionId,
      bidder: { uscc: registered.actor.membership.organisationUscc, name: "海峡建设" },
      fields: { price: "1000000.00" },
      signer: enrolment,
      recipients: [enrolment.certificatePem],
      sealedAt: app.clock.now(),
    });
    envelope = fs.readFileSync(sealed.envelopePath);
    packageDigest = sealed.packageDigest;
    behindLoopbackProxy = await listen(["loopback"]);
    behindOtherProxy = await listen(["10.0.0.0/8"]);
  });
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await app?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    if (app) fs.rmSync(app.config.dataDir, { recursive: true, force: true });
  });

  it("refuses 20 GiB from a bidder that has not registered for the section, before any file exists", async () => {
    const before = fs.existsSync(uploadsDirectory(app)) ? uploadFiles() : [];
    const res = await create(behindLoopbackProxy, unregistered.token, 20 * GiB, { sectionId, packageDigest });
    expect(res.status).toBe(403);
    expect(res.headers.get("location")).toBeNull();
    expect(await errorOf(res)).toMatchObject({ code: "BID_NOT_REGISTERED", message: expect.stringContaining("has not registered") });
    expect(uploadFiles()).toEqual(before);
  });

  it("refuses a declared length over the section's limit, and a deferred length, in our words", async () => {
    const tooLarge = await create(behindLoopbackProxy, registered.token, 20 * GiB + 1, { sectionId, packageDigest });
    expect(tooLarge.status).toBe(413);
    expect(await errorOf(tooLarge)).toEqual({
      code: "BID_ENVELOPE_TOO_LARGE",
      message: "The bid envelope (20.0 GB) exceeds this section's limit of 20.0 GB and is refused.",
    });
    const deferred = await create(behindLoopbackProxy, registered.token, null, { sectionId, packageDigest });
    expect(deferred.status).toBe(400);
    expect((await errorOf(deferred)).code).toBe("VALIDATION_FAILED");
    expect(uploadFiles()).toEqual([]);
  });

  it("answers malformed metadata with our error, never a database error", async () => {
    for (const bad of ["not-a-uuid", "'; drop table bids; --", `${sectionId}\0`]) {
      const res = await create(behindLoopbackProxy, registered.token, 1000, { sectionId: bad, packageDigest });
      const body = await res.text();
      expect(res.status, body).toBe(404);
      expect(JSON.parse(body)).toEqual({ error: { code: "NOT_FOUND", message: "section not found." } });
    }
    const nul = await create(behindLoopbackProxy, registered.token, 1000, {
      sectionId,
      packageDigest,
      securityKind: "guarantee",
      securityReference: "BG-2026\0-0001",
    });
    expect(nul.status).toBe(400);
    expect(uploadFiles()).toEqual([]);
  });

  it("refuses a second upload for the section while the first is still receiving, and replaces it once idle", async () => {
    const first = await create(behindLoopbackProxy, registered.token, envelope.length, { sectionId, packageDigest });
    expect(first.status, await first.clone().text()).toBe(201);
    const firstId = first.headers.get("location")!.split("/").pop()!;
    expect(first.headers.get("location")).toBe(`${UPLOAD_PATH}/${firstId}`); // a path: no forwarded host decides it
    await fetch(new URL(first.headers.get("location")!, behindLoopbackProxy), {
      method: "PATCH",
      headers: {
        "tus-resumable": "1.0.0",
        authorization: `Bearer ${registered.token}`,
        "upload-offset": "0",
        "content-type": "application/offset+octet-stream",
      },
      body: new Uint8Array(envelope.subarray(0, 1000)),
    });

    // A colleague (or the same person in another window) starts another one: refused, nothing created.
    const second = await create(behindLoopbackProxy, colleague.token, envelope.length, { sectionId, packageDigest });
    expect(second.status).toBe(409);
    const refusal = await errorOf(second);
    expect(refusal.code).toBe("BID_UPLOAD_IN_PROGRESS");
    expect(refusal.message).toContain("海峡建设经办人");
    expect(refusal.message).toContain("1000 B / ");
    expect(uploadFiles().sort()).toEqual([firstId, `${firstId}.json`].sort());

    // The first one stops receiving; after the idle time a new upload replaces it, recorded in the audit trail.
    const past = new Date(Date.now() - (UPLOAD_IDLE_SECONDS + 5) * 1000);
    fs.utimesSync(path.join(uploadsDirectory(app), firstId), past, past);
    const third = await create(
      behindLoopbackProxy,
      colleague.token,
      envelope.length,
      { sectionId, packageDigest },
      {
        "x-forwarded-for": "198.51.100.23",
      },
    );
    expect(third.status, await third.clone().text()).toBe(201);
    const thirdId = third.headers.get("location")!.split("/").pop()!;
    expect(uploadFiles().sort()).toEqual([thirdId, `${thirdId}.json`].sort());
    const replaced = await app.db
      .selectFrom("audit_log")
      .select(["data", "ip", "actor_person_id"])
      .where("type", "=", "bid.upload_discarded")
      .execute();
    expect(replaced).toEqual([
      {
        data: {
          uploadId: firstId,
          sectionId,
          organisationId: registered.organisationId,
          personId: registered.personId,
          bytesReceived: 1000,
          uploadLength: envelope.length,
          reason: "replaced",
        },
        ip: "198.51.100.23",
        actor_person_id: colleague.personId,
      },
    ]);
    // Cancelled by its uploader (tus termination) so the next test starts clean.
    const cancelled = await fetch(new URL(third.headers.get("location")!, behindLoopbackProxy), {
      method: "DELETE",
      headers: { "tus-resumable": "1.0.0", authorization: `Bearer ${colleague.token}` },
    });
    expect(cancelled.status).toBe(204);
  });

  async function submitThrough(endpoint: string, headers: Record<string, string>) {
    const created = await create(endpoint, registered.token, envelope.length, { sectionId, packageDigest }, headers);
    expect(created.status, await created.clone().text()).toBe(201);
    const done = await fetch(new URL(created.headers.get("location")!, endpoint), {
      method: "PATCH",
      headers: {
        "tus-resumable": "1.0.0",
        authorization: `Bearer ${registered.token}`,
        "upload-offset": "0",
        "content-type": "application/offset+octet-stream",
        ...headers,
      },
      body: new Uint8Array(envelope),
    });
    expect(done.status, await done.clone().text()).toBe(200);
    const { receipt } = (await done.json()) as { receipt: { receiptNo: string } };
    const version = await app.db
      .selectFrom("bid_versions")
      .select("upload_ip")
      .where("receipt_no", "=", receipt.receiptNo)
      .executeTakeFirstOrThrow();
    const audit = (await app.db.selectFrom("audit_log").select(["ip", "data"]).where("type", "=", "bid.submitted").execute()).find(
      (r) => (r.data as { receiptNo: string }).receiptNo === receipt.receiptNo,
    );
    return { uploadIp: version.upload_ip, auditIp: audit?.ip };
  }

  it("records the client's address with the bid: a trusted proxy's X-Forwarded-For, never an untrusted one's, never a header of the client's own", async () => {
    const forged = { "x-forwarded-for": "198.51.100.23", "x-bidhall-client-ip": "6.6.6.6" };
    // 127.0.0.1 is a trusted proxy (TRUSTED_PROXIES=loopback): the address it forwards is the client's.
    expect(await submitThrough(behindLoopbackProxy, forged)).toEqual({ uploadIp: "198.51.100.23", auditIp: "198.51.100.23" });
    // Only 10.0.0.0/8 is trusted: 127.0.0.1's X-Forwarded-For is a claim, and the socket's address is recorded.
    expect(await submitThrough(behindOtherProxy, forged)).toEqual({ uploadIp: "127.0.0.1", auditIp: "127.0.0.1" });
    expect(storedFiles(app).filter((f) => f.startsWith("envelopes"))).toHaveLength(2);
    expect(await verifyAuditChain(app.db)).toMatchObject({ ok: true });
  });
});
