/**
 * Byte plumbing shared by the browser and the server: node-forge speaks "binary strings" (one
 * char per byte), WebCrypto speaks ArrayBuffer/Uint8Array, files speak PEM (RFC 7468). No
 * Buffer and no `node:` import here, so the same code runs in the enrolment page.
 */

/** Uint8Array → forge binary string, in chunks: `String.fromCharCode(...big)` overflows the stack. */
export function bytesToBinary(bytes: Uint8Array): string {
  let out = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    out += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return out;
}

/** forge binary string → Uint8Array. Refuses characters above 0xFF (a text string passed by mistake). */
export function binaryToBytes(binary: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    const c = binary.charCodeAt(i);
    if (c > 0xff) throw new TypeError("not a binary string (character above 0xFF)");
    out[i] = c;
  }
  return out;
}

export function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  // Copy: the view may be a Node Buffer slice of a shared pool, or a SharedArrayBuffer.
  return new Uint8Array(new Uint8Array(data.buffer, data.byteOffset, data.byteLength) as Uint8Array<ArrayBuffer>);
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError("not a hex string");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  return btoa(bytesToBinary(bytes));
}

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  return binaryToBytes(atob(b64.replace(/\s+/g, "")));
}

/** RFC 7468 §2: base64 lines of 64 characters between BEGIN/END lines with the same label. */
export function derToPem(label: string, der: Uint8Array): string {
  const b64 = bytesToBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block in `text`, in order (RFC 7468 allows text around the blocks). */
export function pemBlocks(text: string): { label: string; der: Uint8Array<ArrayBuffer> }[] {
  const out: { label: string; der: Uint8Array<ArrayBuffer> }[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    out.push({ label: m[1]!, der: base64ToBytes(m[2]!) });
  }
  return out;
}

/** The single PEM block with `label`; throws when there is none or more than one. */
export function pemToDer(pem: string, label: string): Uint8Array<ArrayBuffer> {
  const blocks = pemBlocks(pem).filter((b) => b.label === label);
  if (blocks.length !== 1) {
    throw new TypeError(`expected exactly one PEM block "${label}", found ${blocks.length}`);
  }
  return blocks[0]!.der;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** A certificate from a JWS `x5c` entry (base64 DER, RFC 7515 §4.1.6) as PEM. */
export function x5cToPem(b64: string): string {
  return derToPem("CERTIFICATE", base64ToBytes(b64));
}
