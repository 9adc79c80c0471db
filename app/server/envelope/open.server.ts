/**
 * Streaming opener. Ciphertext flows from the envelope through AES-256-GCM into a temporary
 * file beside the destination; the file is renamed only after `final()` has checked the tag
 * (RFC 5084 §3: GCM authenticates only at the end, so earlier plaintext is unauthenticated),
 * and deleted otherwise. Memory stays constant: the parser holds only header and trailer.
 */
import { createDecipheriv } from "node:crypto";
import type { DecipherGCM } from "node:crypto";
import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import { Transform } from "node:stream";
import type { TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CONTENT_KEY_LENGTH, EnvelopeError, EnvelopeStreamParser } from "#app/crypto/envelope/index.ts";
import type { EnvelopeHeader } from "#app/crypto/envelope/index.ts";
import { writeViaTemporaryFile } from "./files.server.ts";
import { unwrapContentKey } from "./keys.server.ts";
import type { CertificateInput, PrivateKeyInput } from "./keys.server.ts";

export interface OpenResult {
  header: EnvelopeHeader;
  /** Plaintext bytes written. */
  contentLength: number;
  envelopeLength: number;
}

const READ_CHUNK = 256 * 1024;

/**
 * Transform: envelope in, plaintext out. The output is NOT authenticated until the stream ends
 * without error: write it somewhere provisional (see openWithContentKey / openFile).
 * `resolveKey` gets the parsed header and returns the 32-byte content key.
 */
export class OpenTransform extends Transform {
  readonly parser = new EnvelopeStreamParser();
  #decipher: DecipherGCM | null = null;
  #written = 0;
  envelopeLength = 0;

  constructor(private readonly resolveKey: (header: EnvelopeHeader) => Uint8Array) {
    super();
  }

  get header(): EnvelopeHeader | null {
    return this.parser.header;
  }

  get contentLength(): number {
    return this.#written;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const slices = this.parser.push(chunk);
      if (this.#decipher === null && this.parser.header !== null) this.#decipher = this.#createDecipher(this.parser.header);
      for (const slice of slices) {
        const out = this.#decipher!.update(slice);
        this.#written += out.length;
        if (out.length > 0) this.push(out);
      }
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      // Structure first: a cut-off file is TRUNCATED, not a tag failure.
      const { mac, envelopeLength } = this.parser.finish();
      const decipher = this.#decipher!;
      decipher.setAuthTag(mac);
      let last: Buffer;
      try {
        last = decipher.final();
      } catch (cause) {
        throw new EnvelopeError("AUTHENTICATION_FAILED", "the GCM tag does not verify: the envelope was altered or the key is wrong", {
          cause,
        });
      }
      this.#written += last.length;
      if (last.length > 0) this.push(last);
      this.envelopeLength = envelopeLength;
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  #createDecipher(header: EnvelopeHeader): DecipherGCM {
    const key = this.resolveKey(header);
    if (key.length !== CONTENT_KEY_LENGTH) {
      throw new EnvelopeError("AUTHENTICATION_FAILED", `a content key of ${key.length} bytes cannot open AES-256-GCM`);
    }
    const { nonce, icvLength } = header.contentEncryption;
    return createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: icvLength });
  }
}

export function createOpenTransform(resolveKey: (header: EnvelopeHeader) => Uint8Array): OpenTransform {
  return new OpenTransform(resolveKey);
}

async function openToFile(inPath: string, outPath: string, transform: OpenTransform): Promise<OpenResult> {
  if (resolve(inPath) === resolve(outPath)) throw new Error("inPath and outPath are the same file");
  return writeViaTemporaryFile(outPath, async (out) => {
    await pipeline(createReadStream(inPath, { highWaterMark: READ_CHUNK }), transform, out);
    return { header: transform.header!, contentLength: transform.contentLength, envelopeLength: transform.envelopeLength };
  });
}

/**
 * Opens `inPath` with a content key the browser unwrapped and posted (ARCHITECTURE.md §4.6).
 * `outPath` appears only if the whole envelope parsed and the tag verified.
 */
export async function openWithContentKey(options: { inPath: string; outPath: string; contentKey: Uint8Array }): Promise<OpenResult> {
  const key = Buffer.from(options.contentKey);
  try {
    return await openToFile(options.inPath, options.outPath, new OpenTransform(() => key));
  } finally {
    key.fill(0);
  }
}

/** Opens `inPath` with a recipient's private key and certificate (the CLI's `unseal`). */
export async function openFile(options: {
  inPath: string;
  outPath: string;
  privateKey: PrivateKeyInput;
  certificate: CertificateInput;
}): Promise<OpenResult> {
  let key: Buffer | undefined;
  try {
    return await openToFile(
      options.inPath,
      options.outPath,
      new OpenTransform((header) => (key = unwrapContentKey(header, options.privateKey, options.certificate))),
    );
  } finally {
    key?.fill(0);
  }
}
