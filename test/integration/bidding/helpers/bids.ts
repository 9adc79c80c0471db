import { createHash, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import forge from "node-forge";
import { buildBidPackageBytes, type PackageDocument } from "#app/crypto/bid-package/build.ts";
import { BID_FORMAT, type BidJson } from "#app/crypto/bid-package/formats.ts";
import { sealWithWebCrypto } from "#app/crypto/envelope/index.ts";
import type { MemberRole, OrganisationKind } from "#db/schema.ts";
import type { OpeningForm } from "#app/domain/tendering/opening-form.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { sealFile } from "#app/server/envelope/index.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { issueCertificateForMember } from "#app/services/certificates/issue-certificate.server.ts";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { addMember, createOrganisationWithMember, createPerson } from "#test/factories/organisations.ts";
import { actorOf, sectionTerms, tinyPdf } from "#test/factories/tendering.ts";
import { TEST_META } from "../../helpers/test-app.ts";

/**
 * The scene for bid tests: organisations with members, certificates really issued by the
 * platform CA for keys made here (as the browser or `openssl req` would), a published section,
 * and bids built, signed and sealed with the same code the browser and the offline tool use.
 */
export interface Member {
  actor: Actor;
  personId: string;
  email: string;
  organisationId: string;
}

export interface Enrolment {
  serialHex: string;
  certificatePem: string;
  privateKey: KeyObject;
  /** Base64 DER, leaf then issuing CA: the manifest JWS header's x5c. */
  x5c: string[];
}

export const sha256Hex = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

export async function organisationWithMember(
  app: AppContext,
  input: { name: string; kinds: OrganisationKind[]; roles: MemberRole[]; email?: string; regionCode?: string },
): Promise<Member> {
  const email = input.email ?? `${randomBytes(4).toString("hex")}@example.cn`;
  const { organisation, person } = await createOrganisationWithMember(app.db, {
    organisation: { name: input.name, kinds: input.kinds, regionCode: input.regionCode },
    person: { name: `${input.name}经办人`, email },
    roles: input.roles,
  });
  return { actor: await actorOf(app.db, person.id), personId: person.id, email: person.email, organisationId: organisation.id };
}

export async function memberOf(app: AppContext, organisationId: string, input: { name: string; roles: MemberRole[] }): Promise<Member> {
  const person = await createPerson(app.db, { name: input.name, email: `${randomBytes(4).toString("hex")}@example.cn` });
  await addMember(app.db, { organisationId, personId: person.id, roles: input.roles });
  return { actor: await actorOf(app.db, person.id), personId: person.id, email: person.email, organisationId };
}

/** Enrols a member offline: an RSA-3072 key made here, a CSR, the certificate from the platform CA. */
export async function enrol(app: AppContext, member: Pick<Member, "email">): Promise<Enrolment> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
  const req = forge.pki.createCertificationRequest();
  req.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  req.setSubject([{ name: "commonName", value: "bidder" }]);
  req.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()), forge.md.sha256.create());
  const issued = await issueCertificateForMember(app, { email: member.email, csrPem: forge.pki.certificationRequestToPem(req) });
  const b64 = (pem: string) => new X509Certificate(pem).raw.toString("base64");
  return {
    serialHex: issued.serialHex,
    certificatePem: issued.certificatePem,
    privateKey,
    x5c: [b64(issued.certificatePem), b64(issued.chainPem[0]!)],
  };
}

/** A project with one section, its tender documents uploaded and published: bidders may register. */
export async function publishedSection(
  app: AppContext,
  input: {
    agency: Actor;
    tendererOrganisationId: string;
    code: string;
    openingForm?: OpeningForm;
    deadlineDays?: number;
    procurementType?: "engineering" | "government";
  },
): Promise<{ projectId: string; sectionId: string; documentId: string }> {
  const terms = sectionTerms({
    name: "一标段",
    from: app.clock.now(),
    deadlineDays: input.deadlineDays ?? 25,
    ...(input.procurementType === "government" ? { evaluationMethod: "comprehensiveScoring" } : {}),
  });
  const { projectId, sectionIds } = await createProject(app, {
    actor: input.agency,
    project: {
      code: input.code,
      name: "闽江大道道路改造工程",
      regionCode: "350100",
      procurementType: input.procurementType ?? "engineering",
      mandatoryTendering: true,
      description: "",
      tendererOrganisationId: input.tendererOrganisationId,
    },
    sections: [{ ...terms, openingForm: input.openingForm ?? terms.openingForm }],
    meta: TEST_META,
  });
  const { documentId } = await uploadTenderDocument(app, {
    actor: input.agency,
    projectId,
    title: "招标文件",
    filename: "tender.pdf",
    bytes: tinyPdf("tender"),
    meta: TEST_META,
  });
  await publishProject(app, { actor: input.agency, projectId, announcement: { title: "招标公告", body: "欢迎投标" }, meta: TEST_META });
  return { projectId, sectionId: sectionIds[0]!, documentId };
}

export interface SealedBid {
  envelopePath: string;
  packagePath: string;
  packageBytes: Uint8Array;
  packageDigest: string;
}

/**
 * Builds the plaintext package (bid.json, documents, manifest signed with the member's key) and
 * seals it for `recipients`, with the streaming Node path or the browser's WebCrypto path.
 */
export async function sealBid(input: {
  dir: string;
  name: string;
  sectionId: string;
  bidder: { uscc: string; name: string };
  fields: Record<string, unknown>;
  security?: BidJson["security"];
  documents?: { path: string; content: string }[];
  signer: Enrolment;
  recipients: readonly string[];
  sealedAt: Date;
  via?: "node" | "webcrypto";
}): Promise<SealedBid> {
  const documents: PackageDocument[] = (input.documents ?? [{ path: "技术标.pdf", content: "%PDF-1.7 technical proposal" }]).map((d) => {
    const bytes = new TextEncoder().encode(d.content);
    return { path: d.path, size: bytes.length, sha256: sha256Hex(bytes), open: () => new Blob([bytes]).stream() };
  });
  const { bytes, packageDigest } = await buildBidPackageBytes({
    bid: {
      format: BID_FORMAT,
      sectionId: input.sectionId,
      bidder: input.bidder,
      fields: input.fields,
      security: input.security ?? { kind: "guarantee", reference: "BG-2026-0001" },
    },
    documents,
    signer: { x5c: input.signer.x5c, key: input.signer.privateKey },
    sealedAt: input.sealedAt,
    salt: randomBytes(32),
    tool: { name: "bidhall-test", version: "1" },
    deviceFingerprint: sha256Hex("test device"),
    sha256: async (b) => sha256Hex(b),
  });
  const packagePath = path.join(input.dir, `${input.name}.zip`);
  const envelopePath = path.join(input.dir, `${input.name}.p7m`);
  fs.writeFileSync(packagePath, bytes);
  if (input.via === "webcrypto") {
    const sealed = await sealWithWebCrypto(
      bytes,
      input.recipients.map((pem) => ({ certificateDer: new X509Certificate(pem).raw })),
    );
    fs.writeFileSync(envelopePath, sealed);
  } else {
    await sealFile({ inPath: packagePath, outPath: envelopePath, recipients: input.recipients });
  }
  return { envelopePath, packagePath, packageBytes: bytes, packageDigest };
}

/** Every file under the storage directory (relative paths), to prove a refusal stored nothing. */
export function storedFiles(app: AppContext): string[] {
  const root = path.join(app.config.dataDir, "files");
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((p) => fs.statSync(path.join(root, p)).isFile()).sort();
}

export function storedPath(app: AppContext, key: string): string {
  return path.join(app.config.dataDir, "files", key);
}
