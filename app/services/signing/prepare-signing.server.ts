import { createHash } from "node:crypto";
import { sql } from "kysely";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { toBytes } from "#app/server/db.server.ts";
import { preparePdfSignature } from "#app/server/pdf/index.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import {
  assertCertificateFor,
  checkSigningCertificate,
  MAX_SIGNING_PDF_BYTES,
  requireSigner,
  requireSigningKind,
  SIGNING_REQUEST_MINUTES,
} from "./signing-context.server.ts";

export interface PrepareSigningInput {
  kind: string;
  subjectId: string;
  /** The serial (hex) of the certificate in the signer's browser. */
  certificateSerial: string;
}

export interface PreparedSigning {
  requestId: string;
  /** The DER SET OF signed attributes, base64: what the browser signs (RSASSA-PKCS1-v1_5, SHA-256). */
  signedAttributesDer: string;
  /** SHA-256 (hex) of the prepared PDF served at /api/signing/:requestId/document. */
  documentSha256: string;
  title: string;
  expiresAt: Date;
}

export const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * First half of a person's signature on a platform PDF (decision 55): the kind loads the current
 * document and says who signs; the actor must hold `sign` in that organisation and sign with a
 * valid certificate of its own there. The server adds the signature field as an incremental
 * update and keeps these exact bytes: the signer looks at them, signs their attributes, and
 * `completeSigning` embeds into them. Preparing again supersedes the signer's open request, also
 * when both prepares run at once (decision 0078).
 */
export async function prepareSigning(app: AppContext, actor: Actor, input: PrepareSigningInput): Promise<PreparedSigning> {
  const now = app.clock.now();
  const kind = requireSigningKind(input.kind);
  const certificate = await checkSigningCertificate(app, actor, input.certificateSerial, now);
  return app.db.transaction().execute(async (trx) => {
    // Two prepares of one document by one person (a double click, two tabs) would both find no
    // open request and both insert: the second would hit signing_requests_one_open and answer 500.
    // One at a time per (kind, subject, person), held until commit, and always taken before the
    // kind's own row locks: the later one then supersedes the earlier, whose completion is
    // refused with SIGNING_REQUEST_SUPERSEDED (decision 0078).
    await sql`select pg_advisory_xact_lock(hashtextextended(${`signing:${kind.kind}:${input.subjectId}:${actor.personId}`}, 0))`.execute(
      trx,
    );
    const doc = await kind.load(trx, actor, input.subjectId, now);
    await requireSigner(trx, actor, doc.organisationId);
    await assertCertificateFor(trx, actor, certificate, doc.organisationId, now);
    if (doc.pdf.length > MAX_SIGNING_PDF_BYTES)
      throw new AppError("SIGNING_DOCUMENT_INVALID", { detailZh: "文件超过 16 MiB", detail: "larger than 16 MiB" });

    let prepared: Awaited<ReturnType<typeof preparePdfSignature>>;
    try {
      prepared = await preparePdfSignature(doc.pdf, {
        fieldName: doc.fieldName,
        reason: doc.reason,
        location: "bidhall 公共资源交易平台",
        signerName: actor.personName,
        signingTime: now,
        signerCertificateDer: certificate.chainDer[0]!,
      });
    } catch (e) {
      app.log.warn("signing: cannot prepare", { kind: kind.kind, subjectId: input.subjectId, error: (e as Error).message });
      throw new AppError(
        "SIGNING_DOCUMENT_INVALID",
        // The PDF library's own words stay in English (and in the log above).
        { detailZh: "文件结构无法识别或已有未完成的签名域", detail: (e as Error).message.slice(0, 200) },
        { cause: e },
      );
    }

    await trx
      .updateTable("signing_requests")
      .set({ superseded_at: now })
      .where("kind", "=", kind.kind)
      .where("subject_id", "=", input.subjectId)
      .where("person_id", "=", actor.personId)
      .where("completed_at", "is", null)
      .where("superseded_at", "is", null)
      .execute();
    const expiresAt = new Date(now.getTime() + SIGNING_REQUEST_MINUTES * 60_000);
    const documentSha256 = sha256Hex(prepared.prepared);
    const row = await trx
      .insertInto("signing_requests")
      .values({
        kind: kind.kind,
        subject_id: input.subjectId,
        organisation_id: doc.organisationId,
        person_id: actor.personId,
        certificate_serial: certificate.serialHex,
        field_name: doc.fieldName,
        title: doc.title,
        document_version: doc.version,
        prepared_pdf: toBytes(prepared.prepared),
        prepared_sha256: documentSha256,
        created_at: now,
        expires_at: expiresAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return {
      requestId: row.id,
      signedAttributesDer: Buffer.from(prepared.signedAttributesDer).toString("base64"),
      documentSha256,
      title: doc.title,
      expiresAt,
    };
  });
}
