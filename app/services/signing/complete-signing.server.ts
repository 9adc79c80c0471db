import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { toBytes } from "#app/server/db.server.ts";
import { embedPdfSignature, verifyPdf } from "#app/server/pdf/index.server.ts";
import { loadPlatformTrust } from "#app/server/pki/platform-pki.server.ts";
import { normaliseSerialHex } from "#app/server/pki/x509.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { sha256Hex } from "./prepare-signing.server.ts";
import { assertCertificateFor, checkSigningCertificate, requireSigner, requireSigningKind } from "./signing-context.server.ts";

export interface CompleteSigningInput {
  requestId: string;
  /** The browser's RSASSA-PKCS1-v1_5 / SHA-256 signature over the prepared signed attributes, base64. */
  signature: string;
  /** The request's IP and user agent, for the audit row. */
  meta?: RequestMeta;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** RSA-4096 at most: 512 bytes, 684 base64 characters. */
const SIGNATURE = /^[A-Za-z0-9+/]{340,684}={0,2}$/;

/**
 * Second half (decision 55): the request must be the actor's, open and in time; the kind's
 * document must still be the version prepared (what the signer saw is what is signed); the
 * certificate and the role are checked again. The server recomputes the signed attributes from
 * the stored prepared bytes and embeds the signature only if it verifies with the certificate;
 * the whole PDF must then pass `verifyPdf` with this person as its newest signer covering the
 * whole file. Then the kind records the signed PDF, in the same transaction as the request's
 * completion and the audit row: any failure leaves everything as it was.
 */
export async function completeSigning(app: AppContext, actor: Actor, input: CompleteSigningInput): Promise<{ sha256: string }> {
  const now = app.clock.now();
  const notFound = () => new AppError("NOT_FOUND", { what: "signing request" });
  if (!UUID.test(input.requestId)) throw notFound();
  if (!SIGNATURE.test(input.signature)) throw new AppError("SIGNING_SIGNATURE_INVALID");
  const signature = new Uint8Array(Buffer.from(input.signature, "base64"));

  const first = await app.db
    .selectFrom("signing_requests")
    .select(["person_id", "kind", "certificate_serial"])
    .where("id", "=", input.requestId)
    .executeTakeFirst();
  // Another person's request is as good as none: its existence is not theirs to learn.
  if (!first || first.person_id !== actor.personId) throw notFound();
  const kind = requireSigningKind(first.kind);
  const certificate = await checkSigningCertificate(app, actor, first.certificate_serial, now);

  return app.db.transaction().execute(async (trx) => {
    const request = await trx
      .selectFrom("signing_requests")
      .selectAll()
      .where("id", "=", input.requestId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (request.completed_at) throw new AppError("SIGNING_ALREADY_COMPLETED", { completedAt: formatShanghai(request.completed_at) });
    if (request.superseded_at) throw new AppError("SIGNING_REQUEST_SUPERSEDED");
    if (request.expires_at <= now) throw new AppError("SIGNING_REQUEST_EXPIRED", { expiresAt: formatShanghai(request.expires_at) });

    const doc = await kind.load(trx, actor, request.subject_id, now);
    await requireSigner(trx, actor, doc.organisationId);
    await assertCertificateFor(trx, actor, certificate, doc.organisationId, now);
    if (doc.organisationId !== request.organisation_id || doc.version !== request.document_version)
      throw new AppError("SIGNING_DOCUMENT_CHANGED", { preparedVersion: request.document_version, currentVersion: doc.version });

    let signed: Uint8Array;
    try {
      signed = embedPdfSignature(new Uint8Array(toBytes(request.prepared_pdf)), signature, certificate.chainDer);
    } catch (e) {
      throw new AppError("SIGNING_SIGNATURE_INVALID", {}, { cause: e });
    }

    const trust = await loadPlatformTrust(trx);
    const report = await verifyPdf(signed, {
      trustedRoots: [trust.rootPem],
      validationTime: now,
      platformCertificates: trust.platformCertificates,
    });
    const newest = report.signatures[report.signatures.length - 1];
    const signer = newest?.signer;
    const problems = [...report.problems];
    if (!newest || newest.fieldName !== request.field_name) problems.push(`the newest signature is not the field ${request.field_name}`);
    else if (!signer || normaliseSerialHex(signer.serialNumber) !== certificate.serialHex)
      problems.push("the newest signature is not by the chosen certificate");
    if (problems.length > 0) {
      app.log.error("signing: the signed PDF fails verification", { requestId: request.id, kind: kind.kind, problems });
      throw new AppError("SIGNING_VERIFICATION_FAILED", { detail: problems.join("; ").slice(0, 500) });
    }

    const sha256 = sha256Hex(signed);
    await trx.updateTable("signing_requests").set({ completed_at: now, signed_sha256: sha256 }).where("id", "=", request.id).execute();
    const certificateSubject = signer!.subject;
    await kind.onSigned(trx, {
      app,
      meta: input.meta,
      actor,
      subjectId: request.subject_id,
      pdf: signed,
      sha256,
      certificateSubject,
      certificateSerial: certificate.serialHex,
      now,
    });
    const data = {
      kind: kind.kind,
      subjectId: request.subject_id,
      requestId: request.id,
      sha256,
      certificateSubject,
      certificateSerial: certificate.serialHex,
    };
    await appendAudit(trx, {
      event: doc.sealedSectionId
        ? { type: "bid.document_signed", data: { ...data, sectionId: doc.sealedSectionId } }
        : { type: "document.signed", data },
      actor: auditActorOf(actor, input.meta ?? { ip: "", userAgent: "" }),
      at: now,
    });
    return { sha256 };
  });
}
