/**
 * Streaming sealer for the offline tool and the server: constant memory for any file size.
 * The content length is known in advance (file size), so the DER header is written first with
 * definite lengths, the AES-256-GCM ciphertext streams after it, and the tag closes it
 * (RFC 5083 §2.1 puts the mac last). Content never passes through node-forge.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import type { CipherGCM } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { Transform } from "node:stream";
import type { Readable, TransformCallback, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  CONTENT_KEY_LENGTH,
  GCM_ICV_LENGTH,
  GCM_NONCE_LENGTH,
  buildEnvelopeHeader,
  buildEnvelopeTrailer,
  envelopeLength,
} from "#app/crypto/envelope/index.ts";
import { writeViaTemporaryFile } from "./files.server.ts";
import { wrapContentKey } from "./keys.server.ts";
import type { CertificateInput } from "./keys.server.ts";

export interface SealResult {
  /** Plaintext = ciphertext bytes. */
  contentLength: number;
  headerLength: number;
  envelopeLength: number;
  recipients: number;
}

const READ_CHUNK = 256 * 1024;

/**
 * Transform: plaintext in (exactly `contentLength` bytes), envelope out. A fresh content key
 * and nonce per envelope (RFC 5084 §3.2 / SP 800-38D §8.2.2).
 */
export class SealTransform extends Transform {
  readonly headerBytes: Buffer;
  readonly contentLength: number;
  readonly recipientCount: number;
  #cipher: CipherGCM;
  #seen = 0;
  #headerSent = false;

  constructor(options: { recipients: readonly CertificateInput[]; contentLength: number }) {
    super();
    const { recipients, contentLength } = options;
    if (recipients.length === 0) throw new RangeError("an envelope needs at least one recipient");
    const contentKey = randomBytes(CONTENT_KEY_LENGTH);
    const nonce = randomBytes(GCM_NONCE_LENGTH);
    try {
      const headerRecipients = recipients.map((c) => {
        const { fields, encryptedKey } = wrapContentKey(contentKey, c);
        return { issuer: fields.issuer, serialNumber: fields.serialNumber, encryptedKey };
      });
      const header = buildEnvelopeHeader({ recipients: headerRecipients, nonce, contentLength });
      this.headerBytes = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
      this.#cipher = createCipheriv("aes-256-gcm", contentKey, nonce, { authTagLength: GCM_ICV_LENGTH });
    } finally {
      // OpenSSL holds its own copy of the key schedule from here on.
      contentKey.fill(0);
    }
    this.contentLength = contentLength;
    this.recipientCount = recipients.length;
  }

  get envelopeLength(): number {
    return envelopeLength(this.headerBytes.length, this.contentLength);
  }

  #sendHeader(): void {
    if (!this.#headerSent) {
      this.#headerSent = true;
      this.push(this.headerBytes);
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#sendHeader();
    this.#seen += chunk.length;
    if (this.#seen > this.contentLength) {
      callback(new Error(`input is longer than the declared ${this.contentLength} bytes (did it change while sealing?)`));
      return;
    }
    const out = this.#cipher.update(chunk);
    if (out.length > 0) this.push(out);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.#sendHeader();
    if (this.#seen !== this.contentLength) {
      // The header already promised contentLength bytes; a short envelope would be malformed.
      callback(new Error(`input is ${this.#seen} bytes, not the declared ${this.contentLength} (did it change while sealing?)`));
      return;
    }
    const last = this.#cipher.final();
    if (last.length > 0) this.push(last);
    const trailer = buildEnvelopeTrailer(this.#cipher.getAuthTag());
    this.push(Buffer.from(trailer.buffer, trailer.byteOffset, trailer.byteLength));
    callback();
  }
}

export function createSealTransform(options: { recipients: readonly CertificateInput[]; contentLength: number }): SealTransform {
  return new SealTransform(options);
}

/**
 * Seals `input` (exactly `contentLength` bytes) into `output`. The caller owns `output`'s fate on
 * failure (for files use sealFile, which never leaves a partial envelope behind).
 */
export async function sealStream(options: {
  input: Readable | AsyncIterable<Uint8Array>;
  output: Writable;
  recipients: readonly CertificateInput[];
  contentLength: number;
}): Promise<SealResult> {
  const seal = new SealTransform(options);
  await pipeline(options.input, seal, options.output);
  return resultOf(seal);
}

/** Seals the file `inPath` into `outPath` (written beside it first, renamed when complete). */
export async function sealFile(options: { inPath: string; outPath: string; recipients: readonly CertificateInput[] }): Promise<SealResult> {
  const { inPath, outPath, recipients } = options;
  if (resolve(inPath) === resolve(outPath)) throw new Error("sealFile: inPath and outPath are the same file");
  const { size } = await stat(inPath);
  const seal = new SealTransform({ recipients, contentLength: size });
  return writeViaTemporaryFile(outPath, async (out) => {
    await pipeline(createReadStream(inPath, { highWaterMark: READ_CHUNK }), seal, out);
    return resultOf(seal);
  });
}

function resultOf(seal: SealTransform): SealResult {
  return {
    contentLength: seal.contentLength,
    headerLength: seal.headerBytes.length,
    envelopeLength: seal.envelopeLength,
    recipients: seal.recipientCount,
  };
}
