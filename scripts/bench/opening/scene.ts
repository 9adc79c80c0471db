import { generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from "node:crypto";
import fs from "node:fs";
import forge from "node-forge";
import type { AppContext } from "#app/server/context.server.ts";
import { currentCrl, ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { submitBid } from "#app/services/bidding/submit-bid.server.ts";
import { issueCertificateForMember } from "#app/services/certificates/issue-certificate.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { openDecryptionWindow } from "#app/services/opening/open-decryption-window.server.ts";
import { publishBidderList } from "#app/services/opening/publish-bidder-list.server.ts";
import { recordOpeningTimedFacts } from "#app/services/opening/record-timed-facts.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { organisationWithMember, publishedSection, sealBid, type Enrolment, type Member } from "#test/integration/bidding/helpers/bids.ts";
import { TEST_META } from "#test/integration/helpers/test-app.ts";
import { advanceTo, minutes, signIn } from "#test/integration/opening/helpers.ts";

/**
 * The scene of the opening benchmark, built through the platform's own services and the
 * integration tests' helpers: an agency's `sections` published sections sharing one deadline,
 * `bidders` approved bidder organisations registered for every one of them, each with one `bid`
 * member holding a platform certificate, and in every section one real bid per organisation (a
 * signed package of bid.json, a `documentBytes` document and the manifest, sealed for that
 * member's certificate and submitted before the deadline). Then, on the controlled clock, every
 * member signs in, the deadline passes (the scheduler's timed facts), the host publishes the
 * bidder lists and opens the decryption windows: each section is ready for one timed run.
 *
 * RSA-3072 key generation is the slow part and the platform refuses shorter keys, so `keys`
 * keys serve every certificate round-robin (the CA takes the key from the CSR and the subject
 * from the member record). Each section needs its own bids (bid.json names the section, and a
 * bid is decrypted once), hence one section per timed run.
 */
export interface SceneBid {
  personId: string;
  organisationId: string;
  serialHex: string;
  /** Index into OpeningScene.keys. */
  key: number;
  packageBytes: number;
  envelopeBytes: number;
}

export interface OpeningScene {
  databaseUrl: string;
  dataDir: string;
  /** The controlled clock's instant, in the open decryption window. */
  clockAt: string;
  agencyPersonId: string;
  /** PKCS#8 PEM private keys, shared round-robin by the members' certificates. */
  keys: string[];
  documentBytes: number;
  sections: { sectionId: string; openingId: string; bids: SceneBid[] }[];
}

/** Enrolment as test/integration/bidding/helpers/bids.ts `enrol` does it, but for a key made beforehand. */
async function enrolWithKey(app: AppContext, member: Member, key: { privateKey: KeyObject; publicKey: KeyObject }): Promise<Enrolment> {
  const req = forge.pki.createCertificationRequest();
  req.publicKey = forge.pki.publicKeyFromPem(key.publicKey.export({ type: "spki", format: "pem" }).toString());
  req.setSubject([{ name: "commonName", value: "bidder" }]);
  req.sign(forge.pki.privateKeyFromPem(key.privateKey.export({ type: "pkcs1", format: "pem" }).toString()), forge.md.sha256.create());
  const issued = await issueCertificateForMember(app, { email: member.email, csrPem: forge.pki.certificationRequestToPem(req) });
  const b64 = (pem: string) => new X509Certificate(pem).raw.toString("base64");
  return {
    serialHex: issued.serialHex,
    certificatePem: issued.certificatePem,
    privateKey: key.privateKey,
    x5c: [b64(issued.certificatePem), b64(issued.chainPem[0]!)],
  };
}

export async function buildScene(
  app: AppContext,
  options: { sections: number; bidders: number; keys: number; documentBytes: number; dir: string; progress: (line: string) => void },
): Promise<OpeningScene> {
  await ensurePlatformPki(app);
  const agency = await organisationWithMember(app, { name: "开标压测招标代理有限公司", kinds: ["agency"], roles: ["admin", "operate"] });
  const tenderer = await organisationWithMember(app, { name: "开标压测建设单位", kinds: ["tenderer"], roles: ["admin", "operate"] });
  const sectionIds: string[] = [];
  for (let s = 0; s < options.sections; s++) {
    const code = `E35010020269907${String(s + 1).padStart(2, "0")}`;
    sectionIds.push(
      (await publishedSection(app, { agency: agency.actor, tendererOrganisationId: tenderer.organisationId, code })).sectionId,
    );
  }

  options.progress(`${options.keys} RSA-3072 keys`);
  const keys = Array.from({ length: options.keys }, () => generateKeyPairSync("rsa", { modulusLength: 3072 }));

  options.progress(`${options.bidders} bidder organisations: member, certificate, registration for ${options.sections} sections`);
  const bidders: { member: Member; cert: Enrolment; key: number }[] = [];
  for (let i = 0; i < options.bidders; i++) {
    const member = await organisationWithMember(app, {
      name: `开标压测第${i + 1}建筑工程有限公司`,
      kinds: ["bidder"],
      roles: ["admin", "bid"],
    });
    const key = i % keys.length;
    bidders.push({ member, cert: await enrolWithKey(app, member, keys[key]!), key });
    for (const sectionId of sectionIds) await registerForSection(app, { actor: member.actor, sectionId, meta: TEST_META });
  }

  // One document for every bid (base64 of random bytes: a string, as sealBid takes it); each
  // package still differs (bid.json, salt, manifest signature), so each is built and sealed anew.
  const document = randomBytes(Math.ceil((options.documentBytes * 3) / 4))
    .toString("base64")
    .slice(0, options.documentBytes);
  const sections: OpeningScene["sections"] = [];
  for (const [s, sectionId] of sectionIds.entries()) {
    options.progress(`section ${s + 1}: ${options.bidders} bids built, signed, sealed and submitted`);
    const bids: SceneBid[] = [];
    for (const [i, b] of bidders.entries()) {
      const sealed = await sealBid({
        dir: options.dir,
        name: `s${s}-b${i}`,
        sectionId,
        bidder: { uscc: b.member.actor.membership.organisationUscc, name: b.member.actor.membership.organisationName },
        fields: {
          price: String(1_000_000_000 + i * 1_234_567),
          durationDays: 365,
          quality: "合格",
          projectManager: { name: "王建国", idNumber: "11010519491231002X" },
        },
        documents: [{ path: "技术标.pdf", content: document }],
        signer: b.cert,
        recipients: [b.cert.certificatePem],
        sealedAt: app.clock.now(),
      });
      await submitBid(app, {
        actor: b.member.actor,
        sectionId,
        envelopePath: sealed.envelopePath,
        packageDigest: sealed.packageDigest,
        meta: TEST_META,
      });
      bids.push({
        personId: b.member.personId,
        organisationId: b.member.organisationId,
        serialHex: b.cert.serialHex,
        key: b.key,
        packageBytes: sealed.packageBytes.length,
        envelopeBytes: fs.statSync(sealed.envelopePath).size,
      });
      // submitBid copied the envelope into storage; the plaintext is not needed again.
      fs.rmSync(sealed.envelopePath);
      fs.rmSync(sealed.packagePath);
    }
    sections.push({ sectionId, openingId: (await findOpeningOfSection(app, sectionId)).openingId, bids });
  }

  options.progress(`sign-in (${options.bidders * options.sections}), deadline, bidder lists, decryption windows`);
  const deadline = (await app.db.selectFrom("sections").select("deadline_at").where("id", "=", sectionIds[0]!).executeTakeFirstOrThrow())
    .deadline_at;
  await advanceTo(app, minutes(deadline, -20));
  for (const section of sectionIds) for (const b of bidders) await signIn(app, b.member, b.cert, section);
  await advanceTo(app, minutes(deadline, 1));
  await recordOpeningTimedFacts(app, app.clock.now());
  for (const { openingId } of sections) await publishBidderList(app, { actor: agency.actor, openingId, meta: TEST_META });
  await advanceTo(app, minutes(deadline, 2));
  for (const { openingId } of sections) await openDecryptionWindow(app, { actor: agency.actor, openingId, meta: TEST_META });
  await advanceTo(app, minutes(deadline, 3));
  // The CRL the checks read is 25 days old by now: publish the fresh one here, not in the first timed decryption.
  await currentCrl(app);

  return {
    databaseUrl: app.config.databaseUrl!,
    dataDir: app.config.dataDir,
    clockAt: app.clock.now().toISOString(),
    agencyPersonId: agency.personId,
    keys: keys.map((k) => k.privateKey.export({ type: "pkcs8", format: "pem" }).toString()),
    documentBytes: options.documentBytes,
    sections,
  };
}
