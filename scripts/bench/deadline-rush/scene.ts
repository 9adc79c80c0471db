import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import forge from "node-forge";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { sealFile } from "#app/server/envelope/index.server.ts";
import { createApiToken } from "#app/services/api-tokens/api-tokens.server.ts";
import { issueCertificateForMember } from "#app/services/certificates/issue-certificate.server.ts";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import { actorOf, sectionTerms, tinyPdf } from "#test/factories/tendering.ts";

/**
 * The scene of the deadline rush, built through the platform's own services: an agency's
 * published section, `bidders` approved bidder organisations registered for it, each with one
 * `bid` member holding a certificate from the platform CA and an API token for the offline tool,
 * and one envelope per organisation sealed (app/server/envelope) for that member's certificate.
 *
 * RSA-3072 key generation is the slow part and the platform refuses shorter keys
 * (MIN_RSA_BITS = 3072, CSR_KEY_TOO_SHORT), so `keys` keys serve every certificate round-robin:
 * the CA takes the key from the CSR and the subject from the member record, so one CSR per key
 * is enough. The plaintext is random bytes: before the deadline the platform never opens an
 * envelope (it checks its structure and recipients), so a package's content cannot change the
 * figures.
 */
export interface RushBidder {
  organisationId: string;
  token: string;
  envelopePath: string;
  envelopeSha256: string;
  size: number;
}

export interface RushScene {
  sectionId: string;
  packageDigest: string;
  bidders: RushBidder[];
}

const META: RequestMeta = { ip: "127.0.0.1", userAgent: "bidhall-bench" };

function csrFor(key: { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey }): string {
  const req = forge.pki.createCertificationRequest();
  req.publicKey = key.publicKey;
  req.setSubject([{ name: "commonName", value: "bench" }]);
  req.sign(key.privateKey, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(req);
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest("hex");
}

export async function buildScene(
  app: AppContext,
  options: { bidders: number; keys: number; plaintextBytes: number; dir: string; progress: (line: string) => void },
): Promise<RushScene> {
  const org = async (name: string, kinds: ("bidder" | "agency" | "tenderer")[], roles: ("admin" | "bid" | "operate")[], email: string) => {
    const { organisation, person } = await createOrganisationWithMember(app.db, {
      organisation: { name, kinds, now: app.clock.now() },
      person: { name: `${name}经办人`, email, now: app.clock.now() },
      roles,
    });
    return { organisation, person, actor: await actorOf(app.db, person.id) };
  };
  const agency = await org("截标压测招标代理有限公司", ["agency"], ["admin", "operate"], "agency@rush.bench");
  const tenderer = await org("截标压测建设单位", ["tenderer"], ["admin", "operate"], "tenderer@rush.bench");
  const { projectId, sectionIds } = await createProject(app, {
    actor: agency.actor,
    project: {
      code: "E3501002026009999",
      name: "截标压测项目",
      regionCode: "350100",
      procurementType: "engineering",
      mandatoryTendering: true,
      description: "",
      tendererOrganisationId: tenderer.organisation.id,
    },
    sections: [sectionTerms({ name: "一标段", from: app.clock.now(), deadlineDays: 25 })],
    meta: META,
  });
  const sectionId = sectionIds[0]!;
  await uploadTenderDocument(app, { actor: agency.actor, projectId, title: "招标文件", filename: "z.pdf", bytes: tinyPdf(), meta: META });
  await publishProject(app, { actor: agency.actor, projectId, announcement: { title: "招标公告", body: "压测" }, meta: META });

  options.progress(`${options.keys} RSA-3072 keys`);
  const csrs = Array.from({ length: options.keys }, () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
    return csrFor({
      privateKey: forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()),
      publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString()),
    });
  });

  options.progress(`${options.bidders} bidder organisations: registration, certificate, API token`);
  const members: { organisationId: string; token: string; certificatePem: string }[] = [];
  for (let i = 0; i < options.bidders; i++) {
    const b = await org(`截标压测第${i + 1}建筑工程有限公司`, ["bidder"], ["admin", "bid"], `bidder${i + 1}@rush.bench`);
    await registerForSection(app, { actor: b.actor, sectionId, meta: META });
    const issued = await issueCertificateForMember(app, { email: b.person.email, csrPem: csrs[i % csrs.length]! });
    const { token } = await createApiToken(app, { actor: b.actor, name: "压测", meta: META });
    members.push({ organisationId: b.organisation.id, token, certificatePem: issued.certificatePem });
  }

  options.progress(`${options.bidders} envelopes of ${(options.plaintextBytes / 2 ** 20).toFixed(0)} MiB`);
  const plaintext = path.join(options.dir, "package.zip");
  await pipeline(async function* () {
    for (let left = options.plaintextBytes; left > 0; left -= 1 << 20) yield randomBytes(Math.min(left, 1 << 20));
  }, fs.createWriteStream(plaintext));
  const packageDigest = await sha256File(plaintext);
  const bidders: RushBidder[] = [];
  for (const [i, m] of members.entries()) {
    const envelopePath = path.join(options.dir, `bid-${i + 1}.p7m`);
    const sealed = await sealFile({ inPath: plaintext, outPath: envelopePath, recipients: [m.certificatePem] });
    bidders.push({ ...m, envelopePath, envelopeSha256: await sha256File(envelopePath), size: sealed.envelopeLength });
  }
  return { sectionId, packageDigest, bidders };
}
