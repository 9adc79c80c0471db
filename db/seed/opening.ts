import { CONFIRMATION_TYPE, signJson } from "#app/crypto/jws/signed-json.ts";
import { base64ToBytes, bytesToBase64, pemBlocks } from "#app/crypto/pki/der.ts";
import { signChallenge } from "#app/crypto/pki/key-possession.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { createChallenge } from "#app/services/certificates/key-possession.server.ts";
import { answerObjection } from "#app/services/opening/answer-objection.server.ts";
import { closeDecryptionWindowEarly } from "#app/services/opening/close-decryption-window-early.server.ts";
import { closeOpening } from "#app/services/opening/close-opening.server.ts";
import { confirmReadingOutRecord } from "#app/services/opening/confirm-reading-out-record.server.ts";
import { decryptBid } from "#app/services/opening/decrypt-bid.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { getOwnRecipientInfo } from "#app/services/opening/get-own-recipient-info.server.ts";
import { openDecryptionWindow } from "#app/services/opening/open-decryption-window.server.ts";
import { publishBidderList } from "#app/services/opening/publish-bidder-list.server.ts";
import { publishReadingOut } from "#app/services/opening/publish-reading-out.server.ts";
import { raiseObjection } from "#app/services/opening/raise-objection.server.ts";
import { recordOpeningTimedFacts } from "#app/services/opening/record-timed-facts.server.ts";
import { signInToOpening } from "#app/services/opening/sign-in-to-opening.server.ts";
import type { DemoKeyHolder } from "./keys.ts";
import type { DemoScene } from "./scene.ts";
import { minutes, type StoryStep } from "./timeline.ts";

/**
 * The finished section's opening, told minute by minute through the opening services with what
 * each bidder's browser does in the hall (app/components/opening/hall-crypto.ts) done with the
 * same keys: sign-in with key possession, the content key unwrapped with RSA-OAEP and only that
 * key posted, the reading-out record confirmed with a signed JWS. The scheduler's timed facts
 * (bids counted at the deadline, the opening record when the confirmation period ends) are
 * recorded by the scheduler's own function at their instants. Its records are therefore the
 * platform's real signed PDFs (`pdfsig`, `bidhall verify`).
 */
const BIDDERS = ["bidder2", "bidder3", "bidder4"] as const;

const x5cOf = (h: DemoKeyHolder) =>
  [h.certificate.certificatePem, ...h.certificate.chainPem.slice(0, 1)].map((pem) => bytesToBase64(pemBlocks(pem)[0]!.der));

async function signIn(app: AppContext, h: DemoKeyHolder, sectionId: string) {
  const { id, challenge } = await createChallenge(app);
  const signature = await signChallenge(h.signingKey, base64ToBytes(challenge), globalThis.crypto.subtle);
  await signInToOpening(app, {
    actor: h.actor,
    sectionId,
    challengeId: id,
    certificateSerial: h.certificate.serialHex,
    signature,
    meta: h.meta,
  });
}

async function decrypt(app: AppContext, h: DemoKeyHolder, openingId: string) {
  const info = await getOwnRecipientInfo(app, { actor: h.actor, openingId, certificateSerial: h.certificate.serialHex });
  const contentKey = new Uint8Array(
    await globalThis.crypto.subtle.decrypt({ name: "RSA-OAEP" }, h.decryptionKey, base64ToBytes(info.encryptedKey)),
  );
  const result = await decryptBid(app, { actor: h.actor, openingId, contentKey, meta: h.meta });
  if (!result.decrypted)
    throw new Error(`the demo bid of ${h.certificate.organisationName} did not decrypt: ${result.failure} ${result.detail}`);
}

async function confirm(app: AppContext, h: DemoKeyHolder, openingId: string, recordSha256: string) {
  const confirmationJws = await signJson(
    CONFIRMATION_TYPE,
    { format: "bidhall.confirmation/1", openingId, recordSha256, decision: "confirm", signedAt: app.clock.now().toISOString() },
    { key: h.signingKey, x5c: x5cOf(h) },
  );
  await confirmReadingOutRecord(app, { actor: h.actor, openingId, confirmationJws, meta: h.meta });
}

/** From sign-in (lead time 30 minutes) to the opening closed 48 minutes after the deadline. */
export function finishedOpeningSteps(scene: DemoScene, deadline: Date): StoryStep[] {
  const state: { openingId?: string; recordSha256?: string; objectionId?: string } = {};
  const sectionId = () => scene.sectionIds.finished!;
  const agency = scene.agency;
  const at = (m: number) => minutes(deadline, m);
  return [
    ...BIDDERS.map((b, i) => ({
      at: at(-25 + 4 * i),
      name: `${b} signs in to the finished section's opening`,
      run: (app: AppContext) => signIn(app, scene.holder(b), sectionId()),
    })),
    {
      at: new Date(deadline.getTime() + 1000),
      name: "the scheduler counts the bids standing at the finished section's deadline",
      async run(app) {
        await recordOpeningTimedFacts(app, app.clock.now());
        state.openingId = (await findOpeningOfSection(app, sectionId())).openingId;
      },
    },
    {
      at: at(2),
      name: "the agency publishes the bidder list",
      run: (app) => publishBidderList(app, { actor: agency.actor, openingId: state.openingId!, meta: agency.meta }),
    },
    {
      at: at(3),
      name: "the agency opens decryption",
      run: (app) => openDecryptionWindow(app, { actor: agency.actor, openingId: state.openingId!, meta: agency.meta }),
    },
    ...BIDDERS.map((b, i) => ({
      at: at(5 + 2 * i),
      name: `${b} decrypts its bid`,
      run: (app: AppContext) => decrypt(app, scene.holder(b), state.openingId!),
    })),
    {
      at: at(11),
      name: "the agency ends decryption early (every bid decided)",
      run: (app) => closeDecryptionWindowEarly(app, { actor: agency.actor, openingId: state.openingId!, meta: agency.meta }),
    },
    {
      at: at(13),
      name: "the agency publishes the reading-out and its signed record",
      async run(app) {
        state.recordSha256 = (
          await publishReadingOut(app, { actor: agency.actor, openingId: state.openingId!, meta: agency.meta })
        ).record.sha256;
      },
    },
    {
      at: at(16),
      name: "bidder3 raises an objection on the spot",
      async run(app) {
        const h = scene.holder("bidder3");
        state.objectionId = (
          await raiseObjection(app, {
            actor: h.actor,
            openingId: state.openingId!,
            text: "唱标记录中我单位质量标准为“优良”，请核实是否与投标文件一致。",
            meta: h.meta,
          })
        ).objectionId;
      },
    },
    {
      at: at(19),
      name: "the agency answers the objection on the spot",
      run: (app) =>
        answerObjection(app, {
          actor: agency.actor,
          openingId: state.openingId!,
          objectionId: state.objectionId!,
          answer: "经核对解密后的投标文件，质量标准为“优良”，与唱标记录一致。",
          meta: agency.meta,
        }),
    },
    ...(["bidder2", "bidder4", "bidder3"] as const).map((b, i) => ({
      at: at(21 + 2 * i),
      name: `${b} confirms the reading-out record with its signature`,
      run: (app: AppContext) => confirm(app, scene.holder(b), state.openingId!, state.recordSha256!),
    })),
    {
      // The reading-out at +13 and a 30-minute confirmation period: the opening record is due at +43.
      at: new Date(at(43).getTime() + 1000),
      name: "the scheduler records the end of the confirmation period and the signed opening record",
      run: (app) => recordOpeningTimedFacts(app, app.clock.now()),
    },
    {
      at: at(48),
      name: "the agency closes the opening",
      run: (app) => closeOpening(app, { actor: agency.actor, openingId: state.openingId!, meta: agency.meta }),
    },
  ];
}

/** The section ready to open: only the scheduler's count at its deadline; the rest happens after start-up. */
export function readyToOpenSteps(scene: DemoScene, deadline: Date): StoryStep[] {
  return [
    {
      at: new Date(deadline.getTime() + 1000),
      name: "the scheduler counts the bids standing at the deadline of the section ready to open",
      run: (app) => recordOpeningTimedFacts(app, app.clock.now()),
    },
  ];
}
