import { createHash } from "node:crypto";
import { SignedJsonError } from "#app/crypto/jws/signed-json.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { lookupAnchor } from "#app/server/ledger/anchors.server.ts";
import { verifyPdf } from "#app/server/pdf/index.server.ts";
import { loadPlatformTrust } from "#app/server/pki/platform-pki.server.ts";
import type { SignerRole } from "#app/server/pki/signer-role.server.ts";
import { verifySignedJsonDocument } from "#app/server/pki/verify-signed-json.server.ts";

/** Records and notices are a few hundred KB; a contract with attachments stays well below this. */
export const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;

export interface VerifiedSigner {
  /** The signature field (PDF), or the JWS `typ`. */
  label: string;
  /** `platform: CN=…, O=…` or `person: CN=张三, O=…, USCC …`: from the certificate, never the document. */
  description: string;
  role: SignerRole;
  roleEstablished: boolean;
}

export interface DocumentVerification {
  kind: "pdf" | "jws";
  sha256: string;
  valid: boolean;
  signers: VerifiedSigner[];
  /** What changed after each signature and is permitted (PDF). */
  permittedChanges: string[];
  problems: string[];
  /** The ledger anchor's block time, when the document is anchored: when it provably existed. */
  anchoredAt: string | null;
}

/**
 * The server's own verification of a signed document someone hands it (a PDF record or notice,
 * a receipt or confirmation JWS), with what the server trusts: its root, and its own signing
 * certificates pinned (decision 27) — a document signed by anyone else is never "the platform's".
 * The document's anchor, when it has one, proves when it existed (decision 28).
 */
export async function verifySignedDocument(app: AppContext, opts: { bytes: Uint8Array }): Promise<DocumentVerification> {
  if (opts.bytes.length > MAX_DOCUMENT_BYTES) throw new AppError("DOCUMENT_TOO_LARGE", { limit: "32 MiB" });
  const trust = await loadPlatformTrust(app.db);
  const now = app.clock.now();
  const sha256 = createHash("sha256").update(opts.bytes).digest("hex");
  const anchor = await lookupAnchor(app.db, sha256);
  const anchoredAt = anchor.status === "anchored" ? anchor.blockTime : null;
  const existedAt = anchoredAt ? { at: new Date(anchoredAt), source: "the ledger anchor's block time" } : undefined;

  if (Buffer.from(opts.bytes.subarray(0, 5)).toString("latin1") === "%PDF-") {
    const report = await verifyPdf(opts.bytes, {
      trustedRoots: [trust.rootPem],
      validationTime: now,
      platformCertificates: trust.platformCertificates,
      ...(existedAt ? { existedAt } : {}),
    });
    return {
      kind: "pdf",
      sha256,
      valid: report.valid,
      signers: report.signatures.flatMap((s) =>
        s.signer
          ? [{ label: s.fieldName, description: s.signer.description, role: s.signer.role, roleEstablished: s.signer.roleEstablished }]
          : [],
      ),
      permittedChanges: report.signatures.flatMap((s) => s.changesAfter.allowed),
      problems: report.problems,
      anchoredAt,
    };
  }
  const text = Buffer.from(opts.bytes).toString("utf8");
  if (opts.bytes.includes(0) || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\s*$/.test(text)) {
    throw new AppError("DOCUMENT_NOT_SIGNED", { detail: "neither a PDF nor a compact JWS" });
  }
  try {
    const verified = await verifySignedJsonDocument(text, {
      rootPem: trust.rootPem,
      intermediatesPem: [trust.issuingPem],
      platformCertificates: trust.platformCertificates,
      now,
      existedAt,
    });
    const { signer } = verified;
    return {
      kind: "jws",
      sha256,
      valid: verified.valid,
      signers: [{ label: verified.typ, description: signer.description, role: signer.role, roleEstablished: signer.roleEstablished }],
      permittedChanges: [],
      problems: verified.problems,
      anchoredAt,
    };
  } catch (e) {
    if (!(e instanceof SignedJsonError)) throw e;
    // A JWS whose signature or payload does not check out is a verdict, not bad input.
    if (e.code === "BAD_SIGNATURE" || e.code === "BAD_PAYLOAD") {
      return { kind: "jws", sha256, valid: false, signers: [], permittedChanges: [], problems: [e.message], anchoredAt };
    }
    throw new AppError("DOCUMENT_NOT_SIGNED", { detail: e.message });
  }
}

/** {@link verifySignedDocument} on a request body, read into memory up to {@link MAX_DOCUMENT_BYTES}. */
export async function verifyDocumentBody(
  app: AppContext,
  opts: { body: ReadableStream<Uint8Array> | null },
): Promise<DocumentVerification> {
  if (!opts.body) throw new AppError("DOCUMENT_NOT_SIGNED", { detail: "the request has no body" });
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = opts.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.length;
    if (received > MAX_DOCUMENT_BYTES) {
      await reader.cancel();
      throw new AppError("DOCUMENT_TOO_LARGE", { limit: "32 MiB" });
    }
    chunks.push(value);
  }
  return verifySignedDocument(app, { bytes: new Uint8Array(Buffer.concat(chunks)) });
}
