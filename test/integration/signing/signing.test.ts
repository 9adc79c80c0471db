import { createHash, randomBytes, randomUUID, webcrypto, X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql, type SqlBool } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPreparedSignature } from "#app/crypto/pdf-signing/check-prepared.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { renderSampleRecord } from "#app/server/pdf/render/sample-record.server.ts";
import { verifyPdf } from "#app/server/pdf/index.server.ts";
import { ensurePlatformPki, loadPlatformTrust } from "#app/server/pki/platform-pki.server.ts";
import { revokeCertificate } from "#app/services/certificates/revoke-certificate.server.ts";
import { registerSigningKindForTests } from "#app/services/signing/kinds.server.ts";
import { completeSigning } from "#app/services/signing/complete-signing.server.ts";
import { prepareSigning } from "#app/services/signing/prepare-signing.server.ts";
import { readSigningDocument } from "#app/services/signing/read-signing-document.server.ts";
import type { SigningKind } from "#app/services/signing/signing-kinds.server.ts";
import { createSession } from "#app/server/session.server.ts";
import * as completeRoute from "#app/routes/api.signing.$requestId.complete.ts";
import * as documentRoute from "#app/routes/api.signing.$requestId.document.ts";
import * as prepareRoute from "#app/routes/api.signing.prepare.ts";
import { addMember, createPerson } from "#test/factories/organisations.ts";
import { actorOf } from "#test/factories/tendering.ts";
import { nssDatabaseTrusting, pdfsig } from "../../fixtures/pdf/poppler.ts";
import { enrol, memberOf, organisationWithMember, type Enrolment, type Member } from "../bidding/helpers/bids.ts";
import { expectCode } from "../opening/helpers.ts";
import { callRoute, freshBrowser, type Browser } from "../helpers/routes.ts";
import { TEST_META, type TestApp } from "../helpers/test-app.ts";
import { appOn, signAttributes } from "./helpers.ts";

const KIND = "test-document";
const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

interface TestDoc {
  pdf: Uint8Array;
  version: number;
  parties: string[];
  signers: string[];
  failOnSigned?: boolean;
  sealedSectionId?: string;
}

/**
 * Decision 55 end to end on both drivers, with a test kind whose documents live in this file: a
 * member with `sign` prepares, signs the attributes with the key "in the browser" (the Node key
 * the browser would hold), completes; another organisation's member signs after, incrementally;
 * pdfsig accepts both. Then every refusal, each leaving the request and the document as they were.
 */
describe.each(["pg", "pglite"] as const)("signing a platform PDF with a person's certificate (%s)", (driver) => {
  let app: AppContext & { close(): Promise<void> };
  let unregister: () => void;
  const docs = new Map<string, TestDoc>();
  let blank: Uint8Array;
  let tenderer: Member;
  let tendererCert: Enrolment;
  let bidder: Member;
  let bidderCert: Enrolment;
  let operatorOnly: Member;
  let operatorOnlyCert: Enrolment;
  let outsider: Member;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bidhall-signing-test-${driver}-`));

  const newDoc = (parties: string[]) => {
    const id = randomUUID();
    docs.set(id, { pdf: blank, version: 1, parties, signers: [] });
    return id;
  };
  const kind: SigningKind = {
    kind: KIND,
    async load(_trx, actor, subjectId) {
      const doc = docs.get(subjectId);
      if (!doc) throw new AppError("NOT_FOUND", { what: "document" });
      const index = doc.parties.indexOf(actor.membership.organisationId);
      if (index < 0) throw new AppError("FORBIDDEN");
      return {
        pdf: doc.pdf,
        organisationId: doc.parties[index]!,
        fieldName: `party${index + 1}`,
        reason: "测试签署",
        version: `v${doc.version}`,
        title: "测试文件（甲乙双方签署）",
        ...(doc.sealedSectionId ? { sealedSectionId: doc.sealedSectionId } : {}),
      };
    },
    async onSigned(trx, signed) {
      const doc = docs.get(signed.subjectId)!;
      // Something the kind writes in the transaction, so a later failure is seen to roll it back.
      await trx.updateTable("people").set({ name: signed.actor.personName }).where("id", "=", signed.actor.personId).execute();
      if (doc.failOnSigned) throw new AppError("FORBIDDEN");
      doc.pdf = signed.pdf;
      doc.version += 1;
      doc.signers.push(signed.certificateSubject);
    },
  };

  const prepare = (member: Member, cert: Enrolment, subjectId: string) =>
    prepareSigning(app, member.actor, { kind: KIND, subjectId, certificateSerial: cert.serialHex });
  const complete = (member: Member, requestId: string, signature: string) =>
    completeSigning(app, member.actor, { requestId, signature, meta: TEST_META });
  const request = (id: string) => app.db.selectFrom("signing_requests").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const signedAudits = () => app.db.selectFrom("audit_log").select(["data"]).where("type", "=", "document.signed").execute();

  beforeAll(async () => {
    app = await appOn(driver, "fixed:2026-11-23T09:00:00+08:00");
    await ensurePlatformPki(app);
    unregister = registerSigningKindForTests(kind);
    blank = await renderSampleRecord();
    tenderer = await organisationWithMember(app, { name: "福州市住房和城乡建设局", kinds: ["tenderer"], roles: ["admin", "sign"] });
    tendererCert = await enrol(app, tenderer);
    bidder = await organisationWithMember(app, { name: "福建海峡建设工程有限公司", kinds: ["bidder"], roles: ["admin", "bid", "sign"] });
    bidderCert = await enrol(app, bidder);
    operatorOnly = await memberOf(app, tenderer.organisationId, { name: "经办人", roles: ["operate"] });
    operatorOnlyCert = await enrol(app, operatorOnly);
    outsider = await organisationWithMember(app, { name: "无关单位", kinds: ["bidder"], roles: ["sign"] });
  });
  afterAll(async () => {
    unregister?.();
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("signs in two steps, then the other party signs incrementally: verifyPdf and pdfsig accept both, the newest covering the whole file", async () => {
    const subjectId = newDoc([tenderer.organisationId, bidder.organisationId]);
    const now = app.clock.now();
    const prepared = await prepare(tenderer, tendererCert, subjectId);
    expect(prepared).toMatchObject({ title: "测试文件（甲乙双方签署）", expiresAt: new Date(now.getTime() + 15 * 60_000) });

    // The preview is the exact prepared bytes, and the browser's own check accepts what it is asked to sign.
    const preview = await readSigningDocument(app, tenderer.actor, prepared.requestId);
    expect(sha256Hex(preview.pdf)).toBe(prepared.documentSha256);
    const checked = await checkPreparedSignature({
      pdf: new Uint8Array(preview.pdf),
      signedAttributesDer: new Uint8Array(Buffer.from(prepared.signedAttributesDer, "base64")),
      certificateDer: new Uint8Array(new X509Certificate(tendererCert.certificatePem).raw),
      subtle: webcrypto.subtle as unknown as SubtleCrypto,
    });
    expect(checked.documentSha256).toBe(prepared.documentSha256);
    // …and refuses it for another certificate (a server asking the wrong key to sign).
    await expect(
      checkPreparedSignature({
        pdf: new Uint8Array(preview.pdf),
        signedAttributesDer: new Uint8Array(Buffer.from(prepared.signedAttributesDer, "base64")),
        certificateDer: new Uint8Array(new X509Certificate(bidderCert.certificatePem).raw),
        subtle: webcrypto.subtle as unknown as SubtleCrypto,
      }),
    ).rejects.toThrow(/another certificate/);

    const first = await complete(tenderer, prepared.requestId, signAttributes(tendererCert.privateKey, prepared.signedAttributesDer));
    const doc = docs.get(subjectId)!;
    expect(sha256Hex(doc.pdf)).toBe(first.sha256);
    expect(doc.version).toBe(2);
    const firstRevision = doc.pdf;
    expect(await request(prepared.requestId)).toMatchObject({ signed_sha256: first.sha256, completed_at: now });

    const second = await prepare(bidder, bidderCert, subjectId);
    const done = await complete(bidder, second.requestId, signAttributes(bidderCert.privateKey, second.signedAttributesDer));
    expect(sha256Hex(doc.pdf)).toBe(done.sha256);
    // The first signer's revision is untouched under the second signature (an incremental update).
    expect(sha256Hex(doc.pdf.subarray(0, firstRevision.length))).toBe(first.sha256);
    const trust = await loadPlatformTrust(app.db);
    const report = await verifyPdf(doc.pdf, {
      trustedRoots: [trust.rootPem],
      validationTime: app.clock.now(),
      platformCertificates: trust.platformCertificates,
    });
    expect(report.problems).toEqual([]);
    expect(
      report.signatures.map((s) => [
        s.fieldName,
        s.signer?.subject.includes(`CN=${s.fieldName === "party1" ? "福州市住房和城乡建设局经办人" : "福建海峡建设工程有限公司经办人"}`),
      ]),
    ).toEqual([
      ["party1", true],
      ["party2", true],
    ]);
    expect(doc.signers).toHaveLength(2);

    const file = path.join(dir, "signed.pdf");
    fs.writeFileSync(file, doc.pdf);
    const nss = await nssDatabaseTrusting(path.join(dir, "nss"), trust.rootPem);
    const signatures = await pdfsig(nss, file);
    expect(signatures).toHaveLength(2);
    for (const s of signatures) expect(s.text).toContain("Signature is Valid");
    // The newest covers the whole document; the earlier one rightly does not.
    const byField = new Map(signatures.map((s) => [s.fieldName, s.text]));
    expect(byField.get("party2")).toContain("Total document signed");
    expect(byField.get("party1")).toContain("Not total document signed");

    const audits = await signedAudits();
    expect(audits.map((a) => a.data)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: KIND, subjectId, sha256: first.sha256, certificateSerial: tendererCert.serialHex }),
        expect.objectContaining({ kind: KIND, subjectId, sha256: done.sha256, certificateSerial: bidderCert.serialHex }),
      ]),
    );
  });

  it("refuses to prepare without the sign role, with another's or another organisation's certificate, for a stranger or an unknown kind", async () => {
    const subjectId = newDoc([tenderer.organisationId, bidder.organisationId]);
    await expectCode(prepare(operatorOnly, operatorOnlyCert, subjectId), "SIGNING_ROLE_REQUIRED");
    await expectCode(prepare(tenderer, bidderCert, subjectId), "SIGNING_CERTIFICATE_NOT_OWN");
    await expectCode(prepare(outsider, bidderCert, subjectId), "SIGNING_CERTIFICATE_NOT_OWN");
    await expectCode(
      prepareSigning(app, tenderer.actor, { kind: KIND, subjectId, certificateSerial: "zz-not-hex" }),
      "SIGNING_CERTIFICATE_NOT_OWN",
    );
    await expectCode(
      prepareSigning(app, tenderer.actor, { kind: "no-such-kind", subjectId, certificateSerial: tendererCert.serialHex }),
      "SIGNING_KIND_UNKNOWN",
    );
    await expectCode(
      prepareSigning(app, tenderer.actor, { kind: "constructor", subjectId, certificateSerial: tendererCert.serialHex }),
      "SIGNING_KIND_UNKNOWN",
    );

    // A person in two organisations, acting for the tenderer, with the certificate of the bidder.
    const person = await createPerson(app.db, { name: "两边的人", email: `${randomBytes(4).toString("hex")}@example.cn` });
    await addMember(app.db, { organisationId: bidder.organisationId, personId: person.id, roles: ["sign"] });
    const crossCert = await enrol(app, { email: person.email });
    await addMember(app.db, { organisationId: tenderer.organisationId, personId: person.id, roles: ["sign"] });
    const acting = {
      actor: await actorOf(app.db, person.id, tenderer.organisationId),
      personId: person.id,
      email: person.email,
      organisationId: tenderer.organisationId,
    };
    expect(acting.actor.membership.organisationId).toBe(tenderer.organisationId);
    await expectCode(prepare(acting, crossCert, subjectId), "SIGNING_CERTIFICATE_NOT_OWN");
    // Acting for the bidder it may sign the bidder's part with it.
    const asBidder = { ...acting, actor: await actorOf(app.db, person.id, bidder.organisationId), organisationId: bidder.organisationId };
    await expect(prepare(asBidder, crossCert, subjectId)).resolves.toMatchObject({ title: "测试文件（甲乙双方签署）" });

    // No open request was left by any refusal.
    const open = await app.db.selectFrom("signing_requests").select("person_id").where("subject_id", "=", subjectId).execute();
    expect(open.map((r) => r.person_id)).toEqual([person.id]);
  });

  it("embeds only a signature by the chosen certificate's key over the prepared attributes, once", async () => {
    const subjectId = newDoc([tenderer.organisationId]);
    const prepared = await prepare(tenderer, tendererCert, subjectId);
    // Another key, and the right key over other bytes.
    await expectCode(
      complete(tenderer, prepared.requestId, signAttributes(bidderCert.privateKey, prepared.signedAttributesDer)),
      "SIGNING_SIGNATURE_INVALID",
    );
    const otherAttributes = Buffer.from(prepared.signedAttributesDer, "base64");
    otherAttributes[otherAttributes.length - 1]! ^= 1;
    await expectCode(
      complete(tenderer, prepared.requestId, signAttributes(tendererCert.privateKey, otherAttributes.toString("base64"))),
      "SIGNING_SIGNATURE_INVALID",
    );
    await expectCode(complete(tenderer, prepared.requestId, "not base64 at all"), "SIGNING_SIGNATURE_INVALID");
    // Another person cannot complete (or learn of) the request.
    await expectCode(
      complete(bidder, prepared.requestId, signAttributes(tendererCert.privateKey, prepared.signedAttributesDer)),
      "NOT_FOUND",
    );
    await expectCode(readSigningDocument(app, bidder.actor, prepared.requestId), "NOT_FOUND");
    expect(await request(prepared.requestId)).toMatchObject({ completed_at: null, signed_sha256: null });
    expect(docs.get(subjectId)!.version).toBe(1);

    const signature = signAttributes(tendererCert.privateKey, prepared.signedAttributesDer);
    const { sha256 } = await complete(tenderer, prepared.requestId, signature);
    // The replay of the same completion is refused in words, and changes nothing.
    await expectCode(complete(tenderer, prepared.requestId, signature), "SIGNING_ALREADY_COMPLETED");
    expect(sha256Hex(docs.get(subjectId)!.pdf)).toBe(sha256);
    expect((await signedAudits()).filter((a) => (a.data as { subjectId: string }).subjectId === subjectId)).toHaveLength(1);
  });

  it("refuses when the document changed since it was opened, when opened again, when the role or certificate went, and rolls back a failing kind", async () => {
    // The version moved: what was shown is not what would be signed.
    const changed = newDoc([tenderer.organisationId]);
    const p1 = await prepare(tenderer, tendererCert, changed);
    docs.get(changed)!.version += 1;
    await expectCode(
      complete(tenderer, p1.requestId, signAttributes(tendererCert.privateKey, p1.signedAttributesDer)),
      "SIGNING_DOCUMENT_CHANGED",
    );
    expect(await request(p1.requestId)).toMatchObject({ completed_at: null });

    // Opened again: the earlier request is superseded, the newer one signs.
    const again = newDoc([tenderer.organisationId]);
    const older = await prepare(tenderer, tendererCert, again);
    const newer = await prepare(tenderer, tendererCert, again);
    await expectCode(
      complete(tenderer, older.requestId, signAttributes(tendererCert.privateKey, older.signedAttributesDer)),
      "SIGNING_REQUEST_SUPERSEDED",
    );
    await complete(tenderer, newer.requestId, signAttributes(tendererCert.privateKey, newer.signedAttributesDer));

    // The kind's own step fails: the request, the audit trail and the kind's writes stay as they were; then it goes through.
    const failing = newDoc([tenderer.organisationId]);
    const p2 = await prepare(tenderer, tendererCert, failing);
    docs.get(failing)!.failOnSigned = true;
    const before = (await signedAudits()).length;
    await app.db.updateTable("people").set({ name: "改名前" }).where("id", "=", tenderer.personId).execute();
    const signature = signAttributes(tendererCert.privateKey, p2.signedAttributesDer);
    await expectCode(complete(tenderer, p2.requestId, signature), "FORBIDDEN");
    expect(await request(p2.requestId)).toMatchObject({ completed_at: null, signed_sha256: null });
    expect((await signedAudits()).length).toBe(before);
    expect((await app.db.selectFrom("people").select("name").where("id", "=", tenderer.personId).executeTakeFirstOrThrow()).name).toBe(
      "改名前",
    );
    docs.get(failing)!.failOnSigned = false;
    await complete(tenderer, p2.requestId, signature);

    // The sign role taken away between prepare and complete.
    const signer = await memberOf(app, tenderer.organisationId, { name: "签章人", roles: ["sign"] });
    const signerCert = await enrol(app, signer);
    const roleGone = newDoc([tenderer.organisationId]);
    const p3 = await prepare(signer, signerCert, roleGone);
    await app.db
      .updateTable("memberships")
      .set({ roles: ["view"] })
      .where("person_id", "=", signer.personId)
      .execute();
    const withoutRole = { ...signer, actor: await actorOf(app.db, signer.personId) };
    await expectCode(
      complete(withoutRole, p3.requestId, signAttributes(signerCert.privateKey, p3.signedAttributesDer)),
      "SIGNING_ROLE_REQUIRED",
    );

    // The certificate revoked between prepare and complete; and a revoked one cannot prepare.
    const revokedDoc = newDoc([tenderer.organisationId]);
    const second = await enrol(app, tenderer);
    const p4 = await prepare(tenderer, second, revokedDoc);
    await revokeCertificate(app, { actor: tenderer.actor, serial: second.serialHex, reason: "keyCompromise", meta: TEST_META });
    await expectCode(complete(tenderer, p4.requestId, signAttributes(second.privateKey, p4.signedAttributesDer)), "CERTIFICATE_REVOKED");
    await expectCode(prepare(tenderer, second, revokedDoc), "CERTIFICATE_REVOKED");
  });

  it("audits a signature that tells of a bid as a sealed bid event naming its section (decision 56)", async () => {
    const subjectId = newDoc([tenderer.organisationId]);
    const sectionId = randomUUID();
    docs.get(subjectId)!.sealedSectionId = sectionId;
    const p = await prepare(tenderer, tendererCert, subjectId);
    const { sha256 } = await complete(tenderer, p.requestId, signAttributes(tendererCert.privateKey, p.signedAttributesDer));
    const rows = await app.db
      .selectFrom("audit_log")
      .select(["type", "data"])
      .where(sql<SqlBool>`data->>'subjectId' = ${subjectId}`)
      .execute();
    expect(rows).toEqual([{ type: "bid.document_signed", data: expect.objectContaining({ sectionId, sha256, kind: KIND }) }]);
  });

  it("keeps a request open for 15 minutes: a second before it ends it signs, at the end it is refused", async () => {
    const inTime = newDoc([tenderer.organisationId]);
    const late = newDoc([tenderer.organisationId]);
    const a = await prepare(tenderer, tendererCert, inTime);
    const b = await prepare(tenderer, tendererCert, late);
    await app.clock.advance(15 * 60 - 1);
    await complete(tenderer, a.requestId, signAttributes(tendererCert.privateKey, a.signedAttributesDer));
    await app.clock.advance(1);
    await expectCode(
      complete(tenderer, b.requestId, signAttributes(tendererCert.privateKey, b.signedAttributesDer)),
      "SIGNING_REQUEST_EXPIRED",
    );
    expect(await request(b.requestId)).toMatchObject({ completed_at: null });
  });

  it("answers over HTTP with session and CSRF, serves the preview to its person only, and refuses bad input with 400/413, never 500", async () => {
    const routeApp = app as unknown as TestApp;
    const browserOf = async (member: Member): Promise<Browser> => {
      const setCookie = await app.db.transaction().execute((trx) =>
        createSession(app, trx, {
          personId: member.personId,
          organisationId: member.organisationId,
          ip: "203.0.113.7",
          userAgent: "vitest",
          now: app.clock.now(),
        }),
      );
      const fresh = await freshBrowser(routeApp);
      return { ...fresh, cookie: `${fresh.cookie}; ${setCookie.split(";")[0]}` };
    };
    const mine = await browserOf(tenderer);
    const theirs = await browserOf(bidder);
    const subjectId = newDoc([tenderer.organisationId]);
    const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as Record<string, any> });
    const prepareBody = { kind: KIND, subjectId, certificateSerial: tendererCert.serialHex };

    // No CSRF token, no session, NUL and junk in the fields.
    expect(
      (
        await json(
          await callRoute(routeApp, prepareRoute.action, {
            url: "/api/signing/prepare",
            json: prepareBody,
            browser: { ...mine, csrf: "" },
            csrf: "wrong",
          }),
        )
      ).body.error.code,
    ).toBe("CSRF_TOKEN_INVALID");
    const anonymous = await freshBrowser(routeApp);
    expect(
      await json(await callRoute(routeApp, prepareRoute.action, { url: "/api/signing/prepare", json: prepareBody, browser: anonymous })),
    ).toMatchObject({ status: 401 });
    for (const bad of [
      { ...prepareBody, subjectId: "a\u0000b" },
      { ...prepareBody, kind: "test\u0000document" },
      { ...prepareBody, certificateSerial: 42 },
      [],
      null,
    ]) {
      const r = await callRoute(routeApp, prepareRoute.action, {
        url: "/api/signing/prepare",
        json: bad,
        browser: mine,
      });
      expect(r.status).toBe(400);
    }

    const ok = await json(
      await callRoute(routeApp, prepareRoute.action, { url: "/api/signing/prepare", json: prepareBody, browser: mine }),
    );
    expect(ok.status).toBe(200);
    const requestId = ok.body.requestId as string;
    const params = { requestId };

    const preview = await callRoute(routeApp, documentRoute.loader, { url: `/api/signing/${requestId}/document`, browser: mine, params });
    expect(preview.status).toBe(200);
    expect(preview.headers.get("content-type")).toBe("application/pdf");
    expect(preview.headers.get("cache-control")).toContain("no-store");
    expect(sha256Hex(new Uint8Array(await preview.arrayBuffer()))).toBe(ok.body.documentSha256);
    expect(
      (await callRoute(routeApp, documentRoute.loader, { url: `/api/signing/${requestId}/document`, browser: theirs, params })).status,
    ).toBe(404);
    expect(
      (await callRoute(routeApp, documentRoute.loader, { url: `/api/signing/${requestId}/document`, browser: anonymous, params })).status,
    ).toBe(401);
    expect(
      (await callRoute(routeApp, documentRoute.loader, { url: "/api/signing/x/document", browser: mine, params: { requestId: "x" } }))
        .status,
    ).toBe(404);

    const post = (body: unknown, browser = mine, id = requestId) =>
      callRoute(routeApp, completeRoute.action, { url: `/api/signing/${id}/complete`, json: body, browser, params: { requestId: id } });
    expect(await json(await post({ signature: "!!!! not base64 !!!!" }))).toMatchObject({
      status: 400,
      body: { error: { code: "VALIDATION_FAILED" } },
    });
    expect((await post({ signature: "A".repeat(400) + "\u0000" })).status).toBe(400);
    expect((await post({ signature: "A".repeat(512) })).status).toBe(400);
    expect(await json(await post({ signature: "A".repeat(2 * 1024 * 1024) }))).toMatchObject({
      status: 413,
      body: { error: { code: "REQUEST_TOO_LARGE" } },
    });
    expect((await post({ signature: "A".repeat(512) }, mine, "not-a-uuid")).status).toBe(404);
    const signature = signAttributes(tendererCert.privateKey, ok.body.signedAttributesDer as string);
    expect((await post({ signature }, theirs)).status).toBe(404);
    const done = await json(await post({ signature }));
    expect(done).toMatchObject({ status: 200, body: { sha256: sha256Hex(docs.get(subjectId)!.pdf) } });
    expect(await json(await post({ signature }))).toMatchObject({ status: 409, body: { error: { code: "SIGNING_ALREADY_COMPLETED" } } });
    expect(
      (await callRoute(routeApp, completeRoute.loader, { url: `/api/signing/${requestId}/complete`, browser: mine, params })).status,
    ).toBe(405);
  });
});
