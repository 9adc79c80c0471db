import { randomBytes } from "node:crypto";
import type { Transaction } from "kysely";
import type { Database } from "#db/schema.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { currentCrl, requireCaCertificates } from "#app/server/pki/platform-pki.server.ts";
import { verifySignedChallenge } from "#app/server/pki/verify.server.ts";

/** Long enough to pick a certificate and sign; short enough that a stolen one is soon worthless. */
export const CHALLENGE_SECONDS = 120;
const CHALLENGE_BYTES = 32;

export interface KeyPossessionChallenge {
  id: string;
  /** base64 of the random bytes the browser signs (inside keyPossessionMessage) */
  challenge: string;
  expiresAt: Date;
}

/**
 * A one-time challenge for proving possession of a certificate's key. Not audited: anyone may
 * ask for one, and only its use (a login) is a fact worth the audit trail.
 */
export async function createChallenge(app: AppContext): Promise<KeyPossessionChallenge> {
  const now = app.clock.now();
  const bytes = randomBytes(CHALLENGE_BYTES);
  const expiresAt = new Date(now.getTime() + CHALLENGE_SECONDS * 1000);
  const row = await app.db
    .insertInto("pki_challenges")
    .values({ challenge: bytes, purpose: "login", created_at: now, expires_at: expiresAt })
    .returning("id")
    .executeTakeFirstOrThrow();
  // Housekeeping: challenges an hour past their expiry are of no use to anyone.
  await app.db
    .deleteFrom("pki_challenges")
    .where("expires_at", "<", new Date(now.getTime() - 3600_000))
    .execute();
  return { id: row.id, challenge: bytes.toString("base64"), expiresAt };
}

/**
 * Uses a challenge up: returns its bytes when it exists, is unused and unexpired, and marks it
 * used in the same statement, so two requests can never both succeed with it.
 */
export async function consumeChallenge(trx: Transaction<Database>, id: string, now: Date): Promise<Uint8Array | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const row = await trx
    .updateTable("pki_challenges")
    .set({ used_at: now })
    .where("id", "=", id)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .returning("challenge")
    .executeTakeFirst();
  return row ? new Uint8Array(row.challenge) : null;
}

/**
 * Checks a signed challenge against a person certificate of the platform: the chain to the
 * platform root, validity at `now`, the current CRL and the signature (certificate login, opening
 * sign-in). The caller maps a refusal onto its own words.
 */
export async function verifyKeyPossession(
  app: AppContext,
  input: { challenge: Uint8Array; signature: Uint8Array; certificatePem: string; now: Date },
): Promise<ReturnType<typeof verifySignedChallenge>> {
  const { root, issuing } = await requireCaCertificates(app.db);
  const crl = await currentCrl(app);
  return verifySignedChallenge({
    challenge: input.challenge,
    signature: input.signature,
    certificatePem: input.certificatePem,
    chainPem: [issuing.certificatePem],
    rootPem: root.certificatePem,
    at: input.now,
    crls: [crl.der],
  });
}
