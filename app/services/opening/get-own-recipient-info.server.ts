import { findRecipient, isEnvelopeError, parseEnvelopeHeader } from "#app/crypto/envelope/index.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { loadOpening, requireBidder, requireSignedIn } from "./opening-context.server.ts";

export interface GetOwnRecipientInfoOptions {
  actor: Actor;
  openingId: string;
  /** The serial (hex) of the certificate whose key the browser holds. */
  certificateSerial: string;
}

export interface OwnRecipientInfo {
  /** RSAES-OAEP/SHA-256 encrypted content key, base64: the browser unwraps it with its non-extractable key. */
  encryptedKey: string;
  keyEncryptionAlgorithm: "RSAES-OAEP-SHA256";
}

/** Enough of the envelope to hold every recipient info: the header is read, never the ciphertext. */
const HEADER_BYTES = 256 * 1024;

/**
 * The caller's own recipient info in its organisation's bid envelope (ARCHITECTURE.md §4 step 6):
 * only for a signed-in bid member, only for one of its own certificates the envelope was sealed
 * for. The server never sees the unwrapped key until the browser posts it to decrypt.
 */
export async function getOwnRecipientInfo(app: AppContext, opts: GetOwnRecipientInfoOptions): Promise<OwnRecipientInfo> {
  const loaded = await loadOpening(app.db, opts.openingId);
  const bid = requireBidder(opts.actor, loaded, "decrypt:bid:own");
  await requireSignedIn(app.db, opts.actor, loaded.opening.id);
  const cert = await app.db
    .selectFrom("person_certificates")
    .select("certificate_pem")
    .where("serial_hex", "=", opts.certificateSerial.toLowerCase().replace(/[\s:]/g, ""))
    .where("person_id", "=", opts.actor.personId)
    .where("organisation_id", "=", opts.actor.membership.organisationId)
    .executeTakeFirst();
  if (!cert) throw new AppError("OPENING_CERTIFICATE_NOT_OWN");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await storageFor(app).get(bid.storageKey)) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= HEADER_BYTES) break;
  }
  try {
    const header = parseEnvelopeHeader(Buffer.concat(chunks));
    const recipient = findRecipient(header, cert.certificate_pem);
    return {
      encryptedKey: Buffer.from(recipient.encryptedKey).toString("base64"),
      keyEncryptionAlgorithm: recipient.keyEncryptionAlgorithm,
    };
  } catch (e) {
    if (isEnvelopeError(e) && e.code === "NO_RECIPIENT_FOR_CERTIFICATE")
      throw new AppError("OPENING_NO_RECIPIENT_FOR_CERTIFICATE", { serial: opts.certificateSerial.toUpperCase() });
    throw e;
  }
}
