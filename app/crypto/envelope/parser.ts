/**
 * Push parser for a whole envelope: header, then ciphertext slices, then trailer. It holds only
 * the header and trailer in memory; ciphertext passes through as views of the input chunks, so
 * a server can stream a multi-GiB envelope through it and a browser can parse one in one go.
 *
 * The primitive encryptedContent (DER, what bidhall writes) is a single run of octets. The
 * constructed form (BER, X.690 §8.7.3; `openssl cms -stream`) is a series of OCTET STRING
 * chunks, possibly nested, closed by a definite end or end-of-contents; the parser walks their
 * headers across chunk boundaries.
 */
import { NeedMoreInput, TAG, copyBytes, decodeTlvHeader, elementEnd } from "./der.ts";
import { EnvelopeError } from "./errors.ts";
import { MAX_HEADER_BYTES, parseHeaderFrom, parseTrailerFrom } from "./header.ts";
import type { EnvelopeHeader, EnvelopeTrailer } from "./header.ts";

/** unauthAttrs could in principle be large; a bid envelope has none. */
const MAX_TRAILER_BYTES = 1024 * 1024;
/** Constructed strings nested deeper than this are refused (OpenSSL writes depth 1). */
const MAX_CHUNK_NESTING = 8;

export type ParserPhase = "header" | "content" | "trailer" | "done";

function malformed(detail: string, offset: number): EnvelopeError {
  return new EnvelopeError("MALFORMED", detail, { offset });
}

export class EnvelopeStreamParser {
  #phase: ParserPhase = "header";
  #buffer: Uint8Array = new Uint8Array(0);
  /** Absolute offset of the next input byte not yet consumed (content/trailer phases). */
  #pos = 0;
  /** Octets left in the current primitive segment of ciphertext. */
  #segment = 0;
  /** Ends (absolute; null = indefinite) of the open constructed strings, outermost first. */
  #frames: (number | null)[] = [];
  /** A chunk header split across input chunks. */
  #partialTlv: number[] = [];
  #trailerStart = 0;
  #totalInput = 0;
  /** Header phase: the buffer length below which parsing again cannot get further. */
  #needed = 0;

  header: EnvelopeHeader | null = null;
  /** Ciphertext octets delivered so far. */
  contentLength = 0;

  get phase(): ParserPhase {
    return this.#phase;
  }

  /**
   * Feeds the next input bytes. Returns the ciphertext they contain, as views of `chunk` (or
   * of the header buffer), in order. Once `header` is set, content follows. Throws EnvelopeError.
   * The caller must not reuse `chunk`'s memory while it still holds the returned views.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (chunk.length === 0) return out;
    this.#totalInput += chunk.length;
    switch (this.#phase) {
      case "header":
        this.#pushHeader(chunk, out);
        break;
      case "content":
        this.#pushContent(chunk, 0, out);
        break;
      case "trailer":
        this.#pushTrailer(chunk);
        break;
      case "done":
        throw malformed("input after the end", this.#totalInput - chunk.length);
    }
    return out;
  }

  /** Ciphertext octets that may be skipped right now without reading them (see skipContent). */
  skippableContent(): number {
    return this.#phase === "content" ? this.#segment : 0;
  }

  /** Advances over `n` ≤ skippableContent() ciphertext octets the caller chose not to read. */
  skipContent(n: number): void {
    if (n > this.skippableContent() || n < 0) throw new RangeError("cannot skip past the current segment");
    this.#segment -= n;
    this.#pos += n;
    this.#totalInput += n;
    this.contentLength += n;
  }

  /** Declares the end of input; returns the trailer (mac) or throws TRUNCATED / MALFORMED. */
  finish(): EnvelopeTrailer {
    switch (this.#phase) {
      case "header":
        if (this.#totalInput === 0) throw new EnvelopeError("NOT_CMS", "empty input");
        throw new EnvelopeError("TRUNCATED", `input ends inside the envelope header after ${this.#totalInput} bytes`);
      case "content":
        throw new EnvelopeError("TRUNCATED", `input ends inside the encrypted content after ${this.contentLength} ciphertext bytes`, {
          offset: this.#pos,
        });
      case "trailer": {
        let trailer: EnvelopeTrailer;
        try {
          trailer = parseTrailerFrom(this.#buffer, this.#trailerStart, this.header!);
        } catch (e) {
          if (e instanceof NeedMoreInput) {
            throw new EnvelopeError("TRUNCATED", "input ends before the mac and the end of the envelope", { offset: this.#pos });
          }
          throw e;
        }
        this.#phase = "done";
        return trailer;
      }
      case "done":
        throw new Error("finish() called twice");
    }
  }

  #pushHeader(chunk: Uint8Array, out: Uint8Array[]): void {
    if (this.#buffer.length === 0) {
      this.#buffer = chunk;
    } else {
      const joined = new Uint8Array(this.#buffer.length + chunk.length);
      joined.set(this.#buffer);
      joined.set(chunk, this.#buffer.length);
      this.#buffer = joined;
    }
    // Small chunks would otherwise re-parse the header once per chunk.
    if (this.#buffer.length < this.#needed) {
      if (this.#buffer === chunk) this.#buffer = copyBytes(chunk);
      return;
    }
    let header: EnvelopeHeader;
    try {
      header = parseHeaderFrom(this.#buffer);
    } catch (e) {
      if (e instanceof NeedMoreInput) {
        this.#needed = e.needed;
        if (e.needed > MAX_HEADER_BYTES || this.#buffer.length > MAX_HEADER_BYTES) {
          throw malformed(`envelope header larger than ${MAX_HEADER_BYTES} bytes`, 0);
        }
        // Keep our own copy: the caller may reuse the memory of `chunk`.
        if (this.#buffer === chunk) this.#buffer = copyBytes(chunk);
        return;
      }
      throw e;
    }
    this.header = header;
    this.#phase = "content";
    this.#pos = header.headerLength;
    if (header.encryptedContent.form === "primitive") {
      this.#segment = header.encryptedContent.length;
      this.#frames = [];
    } else {
      this.#frames = [header.enclosing.encryptedContent];
    }
    const rest = this.#buffer.subarray(header.headerLength);
    this.#buffer = new Uint8Array(0);
    this.#pushContent(rest, 0, out);
  }

  #pushContent(chunk: Uint8Array, start: number, out: Uint8Array[]): void {
    let i = start;
    for (;;) {
      if (this.#segment > 0) {
        if (i >= chunk.length) return;
        const n = Math.min(this.#segment, chunk.length - i);
        out.push(chunk.subarray(i, i + n));
        i += n;
        this.#pos += n;
        this.#segment -= n;
        this.contentLength += n;
        continue;
      }
      // Between segments: close constructed strings whose definite end we reached.
      while (this.#frames.length > 0) {
        const top = this.#frames[this.#frames.length - 1]!;
        if (top === null || this.#pos < top) break;
        this.#frames.pop();
      }
      if (this.#frames.length === 0) {
        this.#phase = "trailer";
        this.#trailerStart = this.#pos;
        this.#pushTrailer(chunk.subarray(i));
        return;
      }
      if (i >= chunk.length) return;
      this.#partialTlv.push(chunk[i++]!);
      this.#pos++;
      const tlvStart = this.#pos - this.#partialTlv.length;
      const h = decodeTlvHeader(Uint8Array.from(this.#partialTlv), 0, tlvStart);
      if (h === null) {
        if (this.#partialTlv.length > 12) throw malformed("encryptedContent: bad chunk header", tlvStart);
        continue;
      }
      this.#partialTlv = [];
      const top = this.#frames[this.#frames.length - 1]!;
      if (h.tag === TAG.EOC && h.length === 0) {
        if (top !== null) throw malformed("encryptedContent: end-of-contents inside a definite-length string", h.offset);
        this.#frames.pop();
        continue;
      }
      const end = elementEnd(h);
      if (top !== null && (end === null || end > top)) {
        // An indefinite chunk inside a definite one is legal BER but nothing writes it; refusing
        // keeps the bound check simple.
        throw malformed("encryptedContent: a chunk runs past the end of its constructed string", h.offset);
      }
      if (h.tag === TAG.OCTET_STRING) {
        this.#segment = h.length!;
      } else if (h.tag === TAG.CONSTRUCTED_OCTET_STRING) {
        if (this.#frames.length >= MAX_CHUNK_NESTING) throw malformed("encryptedContent: chunks nested too deep", h.offset);
        this.#frames.push(end);
      } else {
        throw malformed("encryptedContent: a constructed string may hold only OCTET STRING chunks (X.690 §8.7.3.2)", h.offset);
      }
    }
  }

  #pushTrailer(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.#buffer.length + chunk.length > MAX_TRAILER_BYTES) {
      throw malformed(`more than ${MAX_TRAILER_BYTES} bytes after the encrypted content`, this.#trailerStart);
    }
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    this.#buffer = joined;
    this.#pos += chunk.length;
  }
}

export interface ParsedEnvelope {
  header: EnvelopeHeader;
  /** The ciphertext, joined when it came in chunks (a view of the input when it did not). */
  ciphertext: Uint8Array;
  mac: Uint8Array;
  envelopeLength: number;
}

/** Parses a whole envelope held in memory. */
export function parseEnvelope(bytes: Uint8Array): ParsedEnvelope {
  const parser = new EnvelopeStreamParser();
  const slices = parser.push(bytes);
  const { mac, envelopeLength } = parser.finish();
  let ciphertext: Uint8Array;
  if (slices.length === 1) {
    ciphertext = slices[0]!;
  } else {
    ciphertext = new Uint8Array(parser.contentLength);
    let o = 0;
    for (const s of slices) {
      ciphertext.set(s, o);
      o += s.length;
    }
  }
  return { header: parser.header!, ciphertext, mac, envelopeLength };
}

/**
 * Parses the header from a prefix of the envelope (the first 64 KiB are plenty). The result
 * says where the ciphertext starts (`headerLength`) and, for the primitive form, how long it is.
 * A prefix too short for the header throws TRUNCATED: read more and call again.
 */
export function parseEnvelopeHeader(prefix: Uint8Array): EnvelopeHeader {
  try {
    return parseHeaderFrom(prefix);
  } catch (e) {
    if (e instanceof NeedMoreInput) {
      if (prefix.length === 0) throw new EnvelopeError("NOT_CMS", "empty input");
      throw new EnvelopeError("TRUNCATED", `the envelope header needs more than the ${prefix.length} bytes given`, {
        offset: prefix.length,
      });
    }
    throw e;
  }
}
