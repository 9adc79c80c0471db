/**
 * What an envelope says about itself, without decrypting and without reading the ciphertext:
 * the header is parsed from the first bytes, the ciphertext is skipped with positional reads
 * (only chunk headers are read in the BER constructed form), and the trailer is parsed from the
 * end, so the whole structure is checked even for a multi-GiB file.
 */
import { open } from "node:fs/promises";
import { EnvelopeStreamParser, OID, describeOid, summarizeRecipient } from "#app/crypto/envelope/index.ts";
import type { EnvelopeHeader, RecipientSummary } from "#app/crypto/envelope/index.ts";

export interface EnvelopeInspection {
  /** "id-ct-authEnvelopedData (1.2.840.113549.1.9.16.1.23)" */
  contentType: string;
  /** The inner content type, "id-data (1.2.840.113549.1.7.1)". */
  innerContentType: string;
  recipients: RecipientSummary[];
  contentEncryption: { algorithm: "AES-256-GCM"; oid: string; nonceLength: number; icvLength: number };
  /** Ciphertext bytes, which for GCM is also the plaintext size. */
  contentLength: number;
  /** "primitive" (DER, bidhall and `openssl cms` without -stream) or "constructed" (BER chunks). */
  contentEncoding: "primitive" | "constructed";
  /** True when every length is definite (always so for DER). */
  definiteLengths: boolean;
  headerLength: number;
  envelopeLength: number;
  /** The parsed header, for callers that go on to unwrap a key. */
  header: EnvelopeHeader;
}

const HEADER_READ = 64 * 1024;
/** Enough for any chunk header (X.690 identifier + up to 7 length octets). */
const CHUNK_HEADER_READ = 16;

export async function inspectEnvelope(path: string): Promise<EnvelopeInspection> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const parser = new EnvelopeStreamParser();
    let pos = 0;
    for (;;) {
      const skippable = parser.skippableContent();
      if (skippable > 0) {
        const n = Math.min(skippable, size - pos);
        parser.skipContent(n);
        pos += n;
        if (n < skippable) break; // the file ends inside the ciphertext: finish() says TRUNCATED
        continue;
      }
      if (pos >= size) break;
      const want = parser.phase === "content" ? CHUNK_HEADER_READ : HEADER_READ;
      const buffer = Buffer.allocUnsafe(Math.min(want, size - pos));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, pos);
      if (bytesRead === 0) break;
      parser.push(buffer.subarray(0, bytesRead));
      pos += bytesRead;
    }
    const { envelopeLength } = parser.finish();
    const header = parser.header!;
    return {
      contentType: describeOid(OID.authEnvelopedData),
      innerContentType: describeOid(header.contentType),
      recipients: header.recipients.map(summarizeRecipient),
      contentEncryption: {
        algorithm: header.contentEncryption.algorithm,
        oid: header.contentEncryption.oid,
        nonceLength: header.contentEncryption.nonce.length,
        icvLength: header.contentEncryption.icvLength,
      },
      contentLength: parser.contentLength,
      contentEncoding: header.encryptedContent.form,
      definiteLengths: header.definiteLengths,
      headerLength: header.headerLength,
      envelopeLength,
      header,
    };
  } finally {
    await file.close();
  }
}
