import type { Transaction } from "kysely";
import type { Database } from "#db/schema.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";

/**
 * What a document that people sign in the browser must tell the signing flow (decision 55). One
 * implementation per kind of document (guarantee letter, award notice, complaint decision …),
 * registered in ./kinds.server.ts. The flow does the rest: certificate and role checks, the
 * prepared bytes, the version lock, embedding, verification, the audit row.
 */
export interface SigningKind {
  /** "guarantee-letter", "award-notice", "complaint-decision", … */
  kind: string;
  /**
   * Inside the prepare transaction (and again inside the complete transaction, to compare the
   * version). Throws AppError when this actor may not sign now. Returns the current bytes to sign
   * and what the signature is for.
   */
  load(
    trx: Transaction<Database>,
    actor: Actor,
    subjectId: string,
    now: Date,
  ): Promise<{
    pdf: Uint8Array;
    /** The organisation whose member signs (with the `sign` role and a certificate of it). */
    organisationId: string;
    /** The signature field: unique in the document, letters, digits, "_" and "-". */
    fieldName: string;
    /** /Reason, e.g. "出具投标保函". */
    reason: string;
    /** Changes whenever the document's content does: completing requires the version prepared. */
    version: string;
    /** Shown to the signer, zh-CN. */
    title: string;
    /**
     * The section whose bidders this signature tells of before its deadline (a bid guarantee
     * letter): the audit row is then `bid.document_signed`, sealed until that deadline like every
     * bid event (decision 56). Leave it out for documents of public facts (notices, decisions).
     */
    sealedSectionId?: string;
  }>;
  /** Inside the complete transaction, after the signature is embedded and the PDF verified. */
  onSigned(
    trx: Transaction<Database>,
    signed: {
      /** The app, for storage and mail (a kind that stores the PDF or tells people needs it). */
      app: AppContext;
      meta?: RequestMeta;
      actor: Actor;
      subjectId: string;
      pdf: Uint8Array;
      sha256: string;
      certificateSubject: string;
      certificateSerial: string;
      now: Date;
    },
  ): Promise<void>;
}
