import { constants, privateDecrypt, sign } from "node:crypto";
import { expect } from "vitest";
import { CONFIRMATION_TYPE, signJson } from "#app/crypto/jws/signed-json.ts";
import { keyPossessionMessage } from "#app/crypto/pki/key-possession.ts";
import { isAppError, type ErrorCode } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { createChallenge } from "#app/services/certificates/key-possession.server.ts";
import { getOwnRecipientInfo } from "#app/services/opening/get-own-recipient-info.server.ts";
import { signInToOpening } from "#app/services/opening/sign-in-to-opening.server.ts";
import { TEST_META } from "../helpers/test-app.ts";
import type { Enrolment, Member } from "../bidding/helpers/bids.ts";

/**
 * What a bidder's browser does at the opening, done here with the member's Node key: sign the
 * key-possession challenge, unwrap the content key from its own recipient info, sign a
 * confirmation JWS.
 */
export async function signIn(app: AppContext, member: Member, cert: Enrolment, sectionId: string) {
  const challenge = await createChallenge(app);
  const signature = sign("sha256", keyPossessionMessage(Buffer.from(challenge.challenge, "base64")), {
    key: cert.privateKey,
    padding: constants.RSA_PKCS1_PADDING,
  });
  return signInToOpening(app, {
    actor: member.actor,
    sectionId,
    challengeId: challenge.id,
    certificateSerial: cert.serialHex,
    signature: new Uint8Array(signature),
    meta: TEST_META,
  });
}

export async function contentKey(app: AppContext, member: Member, cert: Enrolment, openingId: string): Promise<Uint8Array> {
  const info = await getOwnRecipientInfo(app, { actor: member.actor, openingId, certificateSerial: cert.serialHex });
  return new Uint8Array(
    privateDecrypt(
      { key: cert.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
      Buffer.from(info.encryptedKey, "base64"),
    ),
  );
}

export function confirmationJws(
  cert: Enrolment,
  input: { openingId: string; recordSha256: string; decision: "confirm" | "object"; at: Date },
) {
  return signJson(
    CONFIRMATION_TYPE,
    {
      format: "bidhall.confirmation/1",
      openingId: input.openingId,
      recordSha256: input.recordSha256,
      decision: input.decision,
      signedAt: input.at.toISOString(),
    },
    { key: cert.privateKey, x5c: cert.x5c },
  );
}

/** The promise is refused with an AppError of `code`. */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(error)) throw error ?? new Error(`expected ${code}, but it succeeded`);
  expect(error.code).toBe(code);
}

export async function advanceTo(app: AppContext, at: Date): Promise<void> {
  const seconds = (at.getTime() - app.clock.now().getTime()) / 1000;
  if (seconds > 0) await app.clock.advance(seconds);
}

export const minutes = (d: Date, m: number) => new Date(d.getTime() + m * 60_000);
