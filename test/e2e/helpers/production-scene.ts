import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { BID_FORMAT } from "#app/crypto/bid-package/formats.ts";
import { sealBid } from "#app/crypto/bid-package/seal-bid.ts";
import { base64ToBytes } from "#app/crypto/pki/der.ts";
import { signChallenge } from "#app/crypto/pki/key-possession.ts";
import { shanghaiDay, startOfShanghaiDay } from "#app/domain/calendar/local-day.ts";
import { makeCitizenId } from "#app/domain/shared/citizen-id.ts";
import { bootApp } from "#app/server/boot.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext, Logger, RequestMeta } from "#app/server/context.server.ts";
import { hashPassword } from "#app/server/password.server.ts";
import { renderDocument } from "#app/server/pdf/render/document.server.ts";
import { scratchDir } from "#app/server/scratch.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { getSealingKit } from "#app/services/bidding/get-sealing-kit.server.ts";
import { submitBid } from "#app/services/bidding/submit-bid.server.ts";
import { createChallenge } from "#app/services/certificates/key-possession.server.ts";
import { decryptBid } from "#app/services/opening/decrypt-bid.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { getOwnRecipientInfo } from "#app/services/opening/get-own-recipient-info.server.ts";
import { signInToOpening } from "#app/services/opening/sign-in-to-opening.server.ts";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { downloadTenderDocument } from "#app/services/tendering/download-tender-document.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { enrolDemoMember, makeKey, type DemoKeyHolder } from "#db/seed/keys.ts";
import { days, minutes, runStory, type StoryStep } from "#db/seed/timeline.ts";
import { addMember, createOrganisation, createPerson } from "#test/factories/organisations.ts";
import { actorOf, sectionTerms } from "#test/factories/tendering.ts";

/**
 * The world of the production test (decision 79), made from the test process through the app's
 * own services against the production database, storage and chain settings — what an operator's
 * approvals and an agency's work over the past weeks would have left: approved organisations and
 * their people (passwords), a project published 35 days ago (the law's 20 days before the
 * deadline, 法 24) whose one section closes `deadlineInSeconds` from now, three bidders registered.
 * Production mode has no test clock, so the deadline is a real instant a little ahead and the test
 * waits for it; the section is published only once the browser's bidder holds its certificate, so
 * the time to the deadline covers only sealing, uploading and signing in. The past is told as the demo seed tells it (db/seed/timeline.ts: each step at its
 * instant); everything from now on happens in real time: two bidders enrol keys and seal and submit
 * here, with the browser's own sealing code; the third does it all in Chromium.
 */
export const SCENE_PASSWORD = "production-scene-password";

export const SCENE_PEOPLE = {
  agency: { org: "福州建工招标代理有限公司", name: "李强", email: "agency@centre-a.bidhall.test" },
  tenderer: { org: "福州市城市建设投资集团有限公司", name: "陈静", email: "tenderer@centre-a.bidhall.test" },
  bidder1: { org: "福建海峡建设工程有限公司", name: "张伟", email: "bidder1@centre-a.bidhall.test" },
  bidder2: { org: "闽江路桥集团有限公司", name: "黄磊", email: "bidder2@centre-a.bidhall.test" },
  bidder3: { org: "厦门鹭岛建筑有限公司", name: "林芳", email: "bidder3@centre-a.bidhall.test" },
} as const;
type Seat = keyof typeof SCENE_PEOPLE;

export interface ProductionScene {
  app: AppContext;
  /**
   * The tendering, told in the past: the project created and its documents uploaded 36 days ago,
   * published 35 days ago, three bidders registered the day after; its one section closes
   * `deadlineInSeconds` from now.
   */
  publishSection(deadlineInSeconds: number): Promise<{ projectId: string; sectionId: string; deadline: Date }>;
  usccOf(seat: Seat): string;
  /** The organisation id of a seat (for its members page). */
  organisationOf(seat: Seat): string;
  /** Bidders 2 and 3: enrol a key, seal a small bid and submit it, here and now. */
  submitServiceBids(): Promise<void>;
  /** Bidders 2 and 3 sign in to the opening with their keys (key possession), here and now. */
  signInServiceBidders(): Promise<void>;
  /** Bidders 2 and 3 unwrap their content keys and post only those, as the hall's page does. */
  decryptServiceBids(): Promise<void>;
  close(): Promise<void>;
}

const quiet: Logger = { info: () => {}, warn: () => {}, error: (m, f) => process.stderr.write(`scene: ${m} ${JSON.stringify(f ?? {})}\n`) };
const metaOf = (seat: Seat): RequestMeta => ({
  ip: `198.51.100.${10 + Object.keys(SCENE_PEOPLE).indexOf(seat)}`,
  userAgent: "production scene",
});

export async function setUpProductionScene(env: NodeJS.ProcessEnv): Promise<ProductionScene> {
  // The S3 client takes its credentials the standard AWS way, from this process's environment.
  for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) process.env[name] = env[name];
  const app = await bootApp({ config: loadConfig(env), log: quiet, seed: false, pki: false, ledger: false });
  const keyMaking = (["bidder2", "bidder3"] as const).map((s) => makeKey(SCENE_PEOPLE[s].name));
  keyMaking.forEach((k) => k.catch(() => {}));

  const founded = days(new Date(), -45);
  const passwordHash = await hashPassword(SCENE_PASSWORD);
  const orgs = new Map<Seat, { id: string; uscc: string }>();
  const actors = new Map<Seat, Actor>();
  await app.db.transaction().execute(async (trx) => {
    const kinds: Record<Seat, ("agency" | "tenderer" | "bidder")[]> = {
      agency: ["agency"],
      tenderer: ["tenderer"],
      bidder1: ["bidder"],
      bidder2: ["bidder"],
      bidder3: ["bidder"],
    };
    for (const [seat, p] of Object.entries(SCENE_PEOPLE) as [Seat, (typeof SCENE_PEOPLE)[Seat]][]) {
      const at = founded;
      const org = await createOrganisation(trx, { name: p.org, kinds: kinds[seat], regionCode: "350100", now: at });
      const person = await createPerson(trx, { name: p.name, email: p.email, passwordHash, now: at });
      const roles = seat.startsWith("bidder") ? (["admin", "bid", "sign"] as const) : (["admin", "operate", "sign"] as const);
      await addMember(trx, { organisationId: org.id, personId: person.id, roles: [...roles], now: at });
      orgs.set(seat, { id: org.id, uscc: org.uscc });
    }
  });
  for (const seat of orgs.keys()) {
    const person = await app.db.selectFrom("people").select("id").where("email", "=", SCENE_PEOPLE[seat].email).executeTakeFirstOrThrow();
    actors.set(seat, await actorOf(app.db, person.id));
  }
  const actor = (seat: Seat) => actors.get(seat)!;

  const state: { projectId?: string; sectionId?: string; documentId?: string } = {};
  const publishSection = async (deadlineInSeconds: number) => {
    const now = new Date();
    const deadline = new Date(Math.ceil((now.getTime() + deadlineInSeconds * 1000) / 1000) * 1000);
    const published = days(now, -35);
    const code = `E350100${now.getUTCFullYear()}${String(now.getTime()).slice(-6)}`;
    const steps: StoryStep[] = [
      {
        at: days(published, -1),
        name: "the agency creates the project",
        async run(past) {
          const terms = sectionTerms({ name: "道路工程施工", from: published, deadlineDays: 35 });
          const created = await createProject(past, {
            actor: actor("agency"),
            project: {
              code,
              name: "福州滨海新城市政道路工程（生产环境演练）",
              regionCode: "350100",
              procurementType: "engineering",
              mandatoryTendering: true,
              description: "两个应用实例、一个后台任务进程、对象存储、独立区块链节点。",
              tendererOrganisationId: orgs.get("tenderer")!.id,
            },
            sections: [
              {
                ...terms,
                deadlineAt: deadline,
                saleFrom: startOfShanghaiDay(shanghaiDay(published)),
                saleUntil: deadline,
                // Sign-in is open from now on; the decryption window and confirmation period are short.
                signInLeadMinutes: 30,
                decryptionWindowMinutes: 30,
                confirmationPeriodMinutes: 30,
              },
            ],
            meta: metaOf("agency"),
          });
          state.projectId = created.projectId;
          state.sectionId = created.sectionIds[0]!;
        },
      },
      {
        at: minutes(days(published, -1), 30),
        name: "the agency uploads the tender documents (to the object store)",
        async run(past) {
          const bytes = await renderDocument({
            documentId: `ZBWJ-${code}`,
            title: "招标文件",
            createdAt: past.clock.now(),
            author: SCENE_PEOPLE.agency.org,
            blocks: [{ type: "paragraph", text: "投标文件须在本平台加密后递交，开标在线进行（不见面开标）。" }],
          });
          state.documentId = (
            await uploadTenderDocument(past, {
              actor: actor("agency"),
              projectId: state.projectId!,
              title: "招标文件",
              filename: "招标文件.pdf",
              bytes,
              meta: metaOf("agency"),
            })
          ).documentId;
        },
      },
      {
        at: published,
        name: "the agency publishes the announcement",
        run: (past) =>
          publishProject(past, {
            actor: actor("agency"),
            projectId: state.projectId!,
            announcement: { title: "福州滨海新城市政道路工程招标公告", body: "欢迎符合条件的投标人报名参加。" },
            meta: metaOf("agency"),
          }),
      },
      ...(["bidder1", "bidder2", "bidder3"] as const).flatMap((seat, i): StoryStep[] => [
        {
          at: minutes(days(published, 1), 60 * i),
          name: `${seat} registers`,
          run: (past) => registerForSection(past, { actor: actor(seat), sectionId: state.sectionId!, meta: metaOf(seat) }),
        },
        {
          at: minutes(days(published, 1), 60 * i + 20),
          name: `${seat} downloads the tender documents (from the object store)`,
          async run(past) {
            const file = await downloadTenderDocument(past, { actor: actor(seat), documentId: state.documentId!, meta: metaOf(seat) });
            file.stream.resume();
            await new Promise((resolve, reject) => file.stream.once("end", resolve).once("error", reject));
          },
        },
      ]),
    ];
    await runStory(app, steps, new Date());
    return { projectId: state.projectId!, sectionId: state.sectionId!, deadline };
  };

  const holders = new Map<Seat, DemoKeyHolder>();
  const serviceBidders = ["bidder2", "bidder3"] as const;
  const openingId = async () => (await findOpeningOfSection(app, state.sectionId!)).openingId;

  return {
    app,
    publishSection,
    usccOf: (seat) => orgs.get(seat)!.uscc,
    organisationOf: (seat) => orgs.get(seat)!.id,
    async submitServiceBids() {
      for (const [i, seat] of serviceBidders.entries()) {
        const holder = await enrolDemoMember(app, {
          actor: actor(seat),
          meta: metaOf(seat),
          key: await keyMaking[i]!,
          backupPassword: "production-scene-backup",
        });
        holders.set(seat, holder);
        await sealAndSubmit(app, holder, state.sectionId!, 9_650_000_00n + BigInt(i) * 70_000_00n, seat);
      }
    },
    async signInServiceBidders() {
      for (const seat of serviceBidders) {
        const h = holders.get(seat)!;
        const { id, challenge } = await createChallenge(app);
        const signature = await signChallenge(h.signingKey, base64ToBytes(challenge), globalThis.crypto.subtle);
        await signInToOpening(app, {
          actor: h.actor,
          sectionId: state.sectionId!,
          challengeId: id,
          certificateSerial: h.certificate.serialHex,
          signature,
          meta: h.meta,
        });
      }
    },
    async decryptServiceBids() {
      const opening = await openingId();
      for (const seat of serviceBidders) {
        const h = holders.get(seat)!;
        const info = await getOwnRecipientInfo(app, { actor: h.actor, openingId: opening, certificateSerial: h.certificate.serialHex });
        const contentKey = new Uint8Array(
          await globalThis.crypto.subtle.decrypt({ name: "RSA-OAEP" }, h.decryptionKey, base64ToBytes(info.encryptedKey)),
        );
        const result = await decryptBid(app, { actor: h.actor, openingId: opening, contentKey, meta: h.meta });
        if (!result.decrypted) throw new Error(`the bid of ${seat} did not decrypt: ${result.failure} ${result.detail}`);
      }
    },
    close: () => app.dbHandle.close(),
  };
}

/** Seals a one-document bid with the browser's sealing code for the kit's recipients and submits it through `submitBid`. */
async function sealAndSubmit(app: AppContext, holder: DemoKeyHolder, sectionId: string, priceFen: bigint, seat: Seat): Promise<void> {
  const kit = await getSealingKit(app, holder.actor, sectionId);
  const now = app.clock.now();
  const reference = `BG-PROD-${seat}`;
  const sealed = await sealBid({
    bid: {
      format: BID_FORMAT,
      sectionId,
      bidder: kit.bidder,
      fields: {
        price: priceFen.toString(),
        durationDays: 360,
        quality: "合格",
        projectManager: {
          name: `${SCENE_PEOPLE[seat].name}`,
          idNumber: makeCitizenId(`3501021980010${seat === "bidder2" ? "21" : "31"}23`),
        },
      },
      security: { kind: "guarantee", reference },
    },
    documents: [
      {
        path: "投标函.pdf",
        bytes: await renderDocument({
          documentId: `TBH-${seat}`,
          title: "投标函",
          createdAt: now,
          author: kit.bidder.name,
          blocks: [{ type: "paragraph", text: `${kit.bidder.name}愿意按招标文件承包本标段工程。` }],
        }),
      },
    ],
    signer: { certificatePem: holder.certificate.certificatePem, issuingCaPem: kit.issuingCaPem, key: holder.signingKey },
    recipientsPem: kit.recipients.map((r) => r.certificatePem),
    deviceFingerprint: createHash("sha256").update(`sealing computer of ${kit.bidder.uscc}`).digest("hex"),
    tool: { name: "bidhall-browser", version: "1" },
    sealedAt: now,
  });
  const dir = scratchDir("production-scene-bid");
  try {
    const envelopePath = path.join(dir, "bid.p7m");
    await fs.promises.writeFile(envelopePath, sealed.envelope);
    await submitBid(app, {
      actor: holder.actor,
      sectionId,
      envelopePath,
      packageDigest: sealed.packageDigest,
      security: { kind: "guarantee", reference },
      meta: holder.meta,
    });
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
