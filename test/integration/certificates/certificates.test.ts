import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCsr, generateEnrolmentKey } from "#app/crypto/pki/enrolment.ts";
import { signChallenge } from "#app/crypto/pki/key-possession.ts";
import type { MemberRole, OrganisationStatus } from "#db/schema.ts";
import { verifyAuditChain } from "#app/server/audit.server.ts";
import { parseCrl } from "#app/server/pki/crl.server.ts";
import { currentCrl, ensurePlatformPki, requireCaCertificates } from "#app/server/pki/platform-pki.server.ts";
import { verifyCertificateChain } from "#app/server/pki/verify.server.ts";
import { parseCertificatePem } from "#app/server/pki/x509.server.ts";
import { getActor, type Actor } from "#app/server/session.server.ts";
import { logIn } from "#app/services/auth/log-in.server.ts";
import { issueCertificate } from "#app/services/certificates/issue-certificate.server.ts";
import { createChallenge, CHALLENGE_SECONDS } from "#app/services/certificates/key-possession.server.ts";
import { listMyCertificates, listOrganisationCertificates } from "#app/services/certificates/list-certificates.server.ts";
import { logInWithCertificate } from "#app/services/certificates/log-in-with-certificate.server.ts";
import { revokeCertificate } from "#app/services/certificates/revoke-certificate.server.ts";
import { addMember, createOrganisationWithMember, createPerson } from "#test/factories/organisations.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

const subtle = globalThis.crypto.subtle;
const PASSWORD = "correct horse battery";
let n = 0;

describe("person certificates", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
  });
  afterAll(() => app.close());

  const cookie = (setCookie: string) => setCookie.split(";")[0]!;
  const actorOf = async (email: string): Promise<Actor> => {
    const { setCookie } = await logIn(app, { email, password: PASSWORD, meta: { ip: `198.51.100.${++n % 250}`, userAgent: "t" } });
    return (await getActor(app, new Request("http://x/", { headers: { cookie: cookie(setCookie) } })))!;
  };
  const member = async (roles: MemberRole[], status: OrganisationStatus = "approved") => {
    const email = `p${++n}-${Date.now()}@example.cn`;
    const { organisation, person } = await createOrganisationWithMember(app.db, {
      organisation: { name: `福建测试建设有限公司${n}`, kinds: ["bidder"], status },
      person: { name: "张三", email, password: PASSWORD },
      roles,
    });
    return { organisation, person, email, actor: await actorOf(email) };
  };
  const enrol = async (actor: Actor) => {
    const keys = await generateEnrolmentKey(subtle);
    const csr = await buildCsr(keys, subtle, { commonName: "whatever the browser says" });
    const issued = await issueCertificate(app, { actor, csrPem: csr, meta: TEST_META });
    return { keys, issued };
  };
  const certLogin = async (serial: string, key: CryptoKey, meta = { ip: "192.0.2.10", userAgent: "t" }) => {
    const c = await createChallenge(app);
    const signature = await signChallenge(key, Buffer.from(c.challenge, "base64"), subtle);
    return logInWithCertificate(app, { challengeId: c.id, serial, signature, meta });
  };

  it("creates the hierarchy once, even when asked twice at the same time", async () => {
    const fresh = await createTestApp();
    try {
      const [a, b] = await Promise.all([ensurePlatformPki(fresh), ensurePlatformPki(fresh)]);
      expect([a.created, b.created].sort()).toEqual([false, true]);
      expect(a.authorities.map((x) => x.serialHex)).toEqual(b.authorities.map((x) => x.serialHex));
      expect((await ensurePlatformPki(fresh)).created).toBe(false);
      const rows = await fresh.db.selectFrom("pki_authorities").select(["role", "encrypted_private_key_pem"]).execute();
      expect(rows.map((r) => r.role).sort()).toEqual(["issuing", "platform", "root"]);
      for (const r of rows) expect(r.encrypted_private_key_pem).toContain("BEGIN ENCRYPTED PRIVATE KEY");
      const audits = await fresh.db.selectFrom("audit_log").select("type").where("type", "=", "pki.initialised").execute();
      expect(audits).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });

  it("issues a certificate whose subject comes from the member's record, audited and mailed", async () => {
    const { organisation, person, actor } = await member(["admin", "bid"]);
    const { issued } = await enrol(actor);
    const parsed = parseCertificatePem(issued.certificatePem);
    expect(parsed.subject).toEqual({
      countryName: "CN",
      organizationName: organisation.name,
      organizationIdentifier: organisation.uscc,
      commonName: "张三",
    });
    expect(parsed.keyUsage).toEqual(new Set(["digitalSignature", "nonRepudiation", "keyEncipherment"]));
    const { root } = await requireCaCertificates(app.db);
    const chain = verifyCertificateChain({
      leafPem: issued.certificatePem,
      chainPem: issued.chainPem,
      rootPem: root.certificatePem,
      at: app.clock.now(),
      crls: [(await currentCrl(app)).der],
    });
    expect(chain.ok).toBe(true);

    const audit = await app.db
      .selectFrom("audit_log")
      .selectAll()
      .where("type", "=", "certificate.issued")
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    expect(audit.data).toMatchObject({ serial: issued.serialHex, personId: person.id, organisationId: organisation.id, via: "browser" });
    expect(audit.ip).toBe(TEST_META.ip);
    const mail = await app.db
      .selectFrom("outbox")
      .selectAll()
      .where("key", "=", `certificate-issued:${issued.serialHex}`)
      .executeTakeFirstOrThrow();
    expect(mail.kind).toBe("mail.send");
    expect(mail.payload).toMatchObject({ to: person.email });

    const mine = await listMyCertificates(app, actor);
    expect(mine).toEqual([expect.objectContaining({ serialHex: issued.serialHex, state: "valid", organisationName: organisation.name })]);
    const theirs = await listOrganisationCertificates(app, actor, organisation.id);
    expect(theirs.map((c) => c.serialHex)).toEqual([issued.serialHex]);
  });

  it("refuses members without bid, sign or operate, of unapproved organisations, and broken requests", async () => {
    const viewer = await member(["admin", "view"]);
    await expect(enrol(viewer.actor)).rejects.toMatchObject({ code: "CERTIFICATE_ROLE_REQUIRED", status: 403 });
    const pending = await member(["admin", "bid"], "pending");
    await expect(enrol(pending.actor)).rejects.toMatchObject({ code: "ORGANISATION_NOT_APPROVED" });
    const ok = await member(["bid"]);
    await expect(
      issueCertificate(app, {
        actor: ok.actor,
        csrPem: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
        meta: TEST_META,
      }),
    ).rejects.toMatchObject({
      code: "CSR_INVALID",
      status: 400,
    });
    // Only the admin may list the organisation's certificates, and only its own.
    await expect(listOrganisationCertificates(app, ok.actor, ok.organisation.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listOrganisationCertificates(app, viewer.actor, ok.organisation.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("lets the holder or the organisation's admin revoke, lists the serial on the CRL, and refuses everyone else", async () => {
    const admin = await member(["admin", "sign"]);
    const staff = await createPerson(app.db, { name: "李四", email: `staff${++n}@example.cn`, password: PASSWORD });
    await addMember(app.db, { organisationId: admin.organisation.id, personId: staff.id, roles: ["bid"] });
    const staffActor = await actorOf(staff.email);
    const outsider = await member(["admin", "bid"]);

    const a = (await enrol(staffActor)).issued;
    const b = (await enrol(staffActor)).issued;
    const before = await currentCrl(app);

    await expect(
      revokeCertificate(app, { actor: outsider.actor, serial: a.serialHex, reason: "keyCompromise", meta: TEST_META }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await revokeCertificate(app, { actor: staffActor, serial: a.serialHex, reason: "keyCompromise", meta: TEST_META });
    await revokeCertificate(app, { actor: admin.actor, serial: b.serialHex.toUpperCase(), reason: "affiliationChanged", meta: TEST_META });
    await expect(
      revokeCertificate(app, { actor: admin.actor, serial: b.serialHex, reason: "superseded", meta: TEST_META }),
    ).rejects.toMatchObject({
      code: "CERTIFICATE_ALREADY_REVOKED",
    });

    const crl = await currentCrl(app);
    expect(crl.crlNumber).toBeGreaterThan(before.crlNumber);
    const parsed = parseCrl(crl.der);
    expect(parsed.revoked.get(a.serialHex)?.reason).toBe("keyCompromise");
    expect(parsed.revoked.get(b.serialHex)?.reason).toBe("affiliationChanged");
    expect(parsed.crlNumber).toBe(crl.crlNumber);

    const listed = await listOrganisationCertificates(app, admin.actor, admin.organisation.id);
    expect(listed.map((c) => c.state)).toEqual(["revoked", "revoked"]);
    const revokedAudit = await app.db.selectFrom("audit_log").selectAll().where("type", "=", "certificate.revoked").execute();
    expect(revokedAudit.map((r) => (r.data as { serial: string }).serial)).toEqual(expect.arrayContaining([a.serialHex, b.serialHex]));
  });

  it("logs in with a signed challenge, once per challenge, and not after it expires", async () => {
    const { person, actor } = await member(["bid"]);
    const { keys, issued } = await enrol(actor);

    const c = await createChallenge(app);
    const signature = await signChallenge(keys.privateKey, Buffer.from(c.challenge, "base64"), subtle);
    const meta = { ip: "192.0.2.20", userAgent: "t" };
    const { setCookie, personId } = await logInWithCertificate(app, { challengeId: c.id, serial: issued.serialHex, signature, meta });
    expect(personId).toBe(person.id);
    const session = await getActor(app, new Request("http://x/", { headers: { cookie: cookie(setCookie) } }));
    expect(session?.personId).toBe(person.id);
    const loggedIn = await app.db
      .selectFrom("audit_log")
      .selectAll()
      .where("type", "=", "person.logged_in")
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    expect(loggedIn.data).toEqual({ personId: person.id, method: "certificate" });

    // the same challenge again: used up
    await expect(logInWithCertificate(app, { challengeId: c.id, serial: issued.serialHex, signature, meta })).rejects.toMatchObject({
      code: "CHALLENGE_INVALID",
    });
    // a fresh challenge that waited too long
    const late = await createChallenge(app);
    const lateSignature = await signChallenge(keys.privateKey, Buffer.from(late.challenge, "base64"), subtle);
    await app.clock.advance(CHALLENGE_SECONDS + 1);
    await expect(
      logInWithCertificate(app, { challengeId: late.id, serial: issued.serialHex, signature: lateSignature, meta }),
    ).rejects.toMatchObject({
      code: "CHALLENGE_INVALID",
    });
    // someone else's key for this certificate
    const other = await generateEnrolmentKey(subtle);
    await expect(certLogin(issued.serialHex, other.privateKey)).rejects.toMatchObject({ code: "CHALLENGE_INVALID" });
    // an unknown serial
    await expect(certLogin("0badc0de", keys.privateKey)).rejects.toMatchObject({ code: "CERTIFICATE_UNTRUSTED" });
  });

  it("refuses certificate login after revocation, with a message that says so", async () => {
    const { actor } = await member(["sign"]);
    const { keys, issued } = await enrol(actor);
    await expect(certLogin(issued.serialHex, keys.privateKey)).resolves.toBeDefined();
    await revokeCertificate(app, { actor, serial: issued.serialHex, reason: "keyCompromise", meta: TEST_META });
    const refused = await certLogin(issued.serialHex, keys.privateKey).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "CERTIFICATE_REVOKED", status: 401 });
    expect((refused as { messageIn(l: string): string }).messageIn("zh-CN")).toMatch(/已于 .* 被吊销/);
    expect((refused as { messageIn(l: string): string }).messageIn("en")).toMatch(/was revoked on/);
    const audit = await app.db
      .selectFrom("audit_log")
      .selectAll()
      .where("type", "=", "certificate.login_refused")
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    expect(audit.data).toEqual({ serial: issued.serialHex, reason: "revoked" });
  });

  it("keeps the audit chain intact", async () => {
    await expect(verifyAuditChain(app.db)).resolves.toMatchObject({ ok: true });
  });
});
