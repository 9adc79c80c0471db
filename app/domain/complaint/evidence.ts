/**
 * Evidence files filed with a complaint (decision 0061): PDF, PNG or JPEG, recognised by their
 * first bytes (the name and the browser's declared type are not trusted), each within a size
 * limit, a few per complaint.
 */
export const EVIDENCE_MEDIA_TYPES = ["application/pdf", "image/png", "image/jpeg"] as const;
export type EvidenceMediaType = (typeof EVIDENCE_MEDIA_TYPES)[number];

export const EVIDENCE_LIMITS = {
  /** Bytes per file. */
  fileBytes: 20 * 1024 * 1024,
  /** Files per complaint. */
  files: 10,
  /** Bytes of all the files together. */
  totalBytes: 60 * 1024 * 1024,
} as const;

const SIGNATURES: readonly { type: EvidenceMediaType; bytes: readonly number[] }[] = [
  { type: "application/pdf", bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: "image/jpeg", bytes: [0xff, 0xd8, 0xff] },
];

/** The bytes {@link sniffEvidenceType} needs. */
export const SNIFF_BYTES = 8;

/** The media type the file's first bytes show, or null when it is none of the accepted ones. */
export function sniffEvidenceType(head: Uint8Array): EvidenceMediaType | null {
  for (const s of SIGNATURES) {
    if (head.length >= s.bytes.length && s.bytes.every((b, i) => head[i] === b)) return s.type;
  }
  return null;
}

/**
 * A file name fit to keep and show: the last path segment, NFC, without control characters, at
 * most 120 characters; null when nothing is left.
 */
export function cleanFileName(name: string): string | null {
  const last = name.split(/[\\/]/).pop() ?? "";
  const cleaned = last
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim();
  if (!cleaned || cleaned === "." || cleaned === "..") return null;
  return Array.from(cleaned).slice(0, 120).join("");
}
