import { z } from "zod";
import type { Manifest } from "#app/crypto/bid-package/formats.ts";
import { BID_JSON, DOCUMENTS_DIR } from "#app/crypto/bid-package/formats.ts";
import { formatYuan, toChineseCapitals, validateFen } from "#app/domain/shared/money.ts";
import { OpeningForm } from "#app/domain/tendering/opening-form.ts";

/**
 * What a bidder sealed, as this browser shows it: the opening form's values exactly as they went
 * into bid.json, the declared bid security, the documents (name, size, SHA-256 from the signed
 * manifest) and the package digest that the platform's receipt repeats. The sealing page shows it
 * while the envelope waits for upload; the browser keeps it in IndexedDB keyed by the package
 * digest (sealed-record-store.ts) so that the receipt page can put the sealed price beside the
 * platform's digests. It is never sent to the server (decision 44).
 */
export const SEALED_RECORD_FORMAT = "bidhall.sealed-record/1";

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const SealedRecord = z.object({
  format: z.literal(SEALED_RECORD_FORMAT),
  packageDigest: hex64,
  section: z.object({ id: z.string(), code: z.string(), name: z.string() }),
  bidder: z.object({ uscc: z.string(), name: z.string() }),
  form: OpeningForm,
  /** bid.json `fields`, byte for byte what was sealed (money in fen as a decimal string). */
  fields: z.record(z.string(), z.unknown()),
  security: z.object({ kind: z.enum(["guarantee", "credit-commitment"]), reference: z.string() }),
  /** bid.json's own entry first, then every document, as the signed manifest lists them. */
  entries: z.array(z.object({ path: z.string(), size: z.number().int().nonnegative(), sha256: hex64 })),
  signer: z.object({ serialHex: z.string(), personName: z.string() }),
  /** The sealing device's declaration (decision 29): shown as declared, it decides nothing. */
  sealedAt: z.string(),
});
export type SealedRecord = z.infer<typeof SealedRecord>;

export interface SealedRecordInput {
  packageDigest: string;
  section: { id: string; code: string; name: string };
  bidder: { uscc: string; name: string };
  form: OpeningForm;
  fields: Record<string, unknown>;
  security: { kind: "guarantee" | "credit-commitment"; reference: string };
  manifest: Pick<Manifest, "entries" | "sealedAt">;
  signer: { serialHex: string; personName: string };
}

export function sealedRecordOf(input: SealedRecordInput): SealedRecord {
  return {
    format: SEALED_RECORD_FORMAT,
    packageDigest: input.packageDigest,
    section: { id: input.section.id, code: input.section.code, name: input.section.name },
    bidder: { uscc: input.bidder.uscc, name: input.bidder.name },
    form: input.form,
    fields: input.fields,
    security: { kind: input.security.kind, reference: input.security.reference },
    entries: input.manifest.entries.map((e) => ({ path: e.path, size: e.size, sha256: e.sha256 })),
    signer: { serialHex: input.signer.serialHex, personName: input.signer.personName },
    sealedAt: input.manifest.sealedAt,
  };
}

/** One line of the sealed opening form as people read it. `capitals` only for money (人民币大写). */
export interface SealedRow {
  key: string;
  label: string;
  value: string | null;
  capitals?: string;
  unit?: "yuan";
}

/**
 * The opening form's fields in the form's order, each value as it will be read out: money in
 * figures (yuan, two decimals) with its Chinese capitals, a person as name and ID number, an
 * optional field left empty as `null`.
 */
export function sealedRows(record: Pick<SealedRecord, "form" | "fields">): SealedRow[] {
  return record.form.map((f) => {
    const v = record.fields[f.key];
    const row = { key: f.key, label: f.label };
    if (v === undefined || v === null || v === "") return { ...row, value: null };
    switch (f.type) {
      case "money": {
        const fen = typeof v === "string" ? validateFen(v) : null;
        if (!fen?.ok) return { ...row, value: String(v) };
        return { ...row, value: formatYuan(fen.value), capitals: `人民币${toChineseCapitals(fen.value)}`, unit: "yuan" as const };
      }
      case "person": {
        const p = v as { name?: unknown; idNumber?: unknown };
        return { ...row, value: `${String(p.name ?? "")} ${String(p.idNumber ?? "")}`.trim() };
      }
      default:
        return { ...row, value: String(v) };
    }
  });
}

/** The documents of the package (bid.json and manifest files left out), with their names as chosen. */
export function sealedDocuments(record: Pick<SealedRecord, "entries">): { name: string; size: number; sha256: string }[] {
  return record.entries
    .filter((e) => e.path !== BID_JSON && e.path.startsWith(DOCUMENTS_DIR))
    .map((e) => ({ name: e.path.slice(DOCUMENTS_DIR.length), size: e.size, sha256: e.sha256 }));
}

/**
 * A stable summary of everything on the sealing screen that goes into the envelope or beside it:
 * the fields as bid.json would carry them, the bid security, each chosen file (name, size, last
 * change) and the signing certificate. The upload button exists only while the screen's summary
 * equals the one taken when the envelope was sealed.
 */
export function sealInputsFingerprint(input: {
  fields: Record<string, unknown>;
  security: { kind: string; reference: string };
  files: readonly { name: string; size: number; lastModified: number }[];
  signerSerial: string;
}): string {
  return JSON.stringify([
    Object.entries(input.fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    [input.security.kind, input.security.reference],
    input.files.map((f) => [f.name.normalize("NFC"), f.size, f.lastModified]),
    input.signerSerial.toLowerCase(),
  ]);
}
