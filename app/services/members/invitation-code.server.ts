import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import type { AppContext } from "#app/server/context.server.ts";

/**
 * The one-time code that proves an invited address (decision 20). An invitation link can leak (the
 * admin copies it into a chat, a mail is forwarded), so the link alone never makes a member: a new
 * person also types a code mailed to the invited address, and an existing person logs in.
 *
 * Limits against guessing: a code is 6 digits, lives 15 minutes and allows 5 tries; a new one can
 * be asked for once a minute and at most 5 times per invitation, so a link holder gets at most 25
 * guesses in a million before the invitation is void.
 */
export const CODE_DIGITS = 6;
export const CODE_MINUTES = 15;
export const CODE_TRIES = 5;
export const CODES_PER_INVITATION = 5;
export const CODE_RESEND_SECONDS = 60;

export const CODE_PATTERN = /^\d{6}$/;

export function newInvitationCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, "0");
}

/** Keyed with the session secret and bound to the invitation: a code of another invitation never matches. */
export function invitationCodeHash(app: AppContext, invitationId: string, code: string): string {
  return createHmac("sha256", app.secrets.session).update(`invitation-code:${invitationId}:${code}`).digest("hex");
}

export function invitationCodeMatches(app: AppContext, invitationId: string, code: string, storedHash: string): boolean {
  const a = Buffer.from(invitationCodeHash(app, invitationId, code), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `zhang.san@example.cn` → `z*******n@example.cn`: enough for its owner to recognise, little for a link holder. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  const local = email.slice(0, at);
  const shown = local.length <= 2 ? `${local[0]}*` : `${local[0]}${"*".repeat(Math.min(local.length - 2, 8))}${local.at(-1)}`;
  return `${shown}${email.slice(at)}`;
}
