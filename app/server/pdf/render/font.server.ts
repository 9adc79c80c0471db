import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import * as fontkitModule from "@pdf-lib/fontkit";
import type { Font } from "@pdf-lib/fontkit";
import type { PDFDocument, PDFFont } from "pdf-lib";
import subsetFont from "subset-font";
import type { Measurer } from "./layout.server.ts";

/**
 * Noto Sans SC Regular, subset per document.
 *
 * pdf-lib's own `subset: true` silently drops CJK glyphs from TrueType fonts (pdftotext still
 * extracts the text, so only a rendered page shows the bug: STACK.md, "Chinese fonts in
 * pdf-lib"). So harfbuzz (subset-font) cuts the font down to exactly the characters drawn, and
 * pdf-lib embeds that small font whole, `subset: false`.
 */

export const FONT_MODULE_PATH = "@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf";
const POSTSCRIPT_NAME = "NotoSansSC-Regular";

type Fontkit = typeof fontkitModule;
/** @pdf-lib/fontkit is a UMD bundle: under Node ESM its API sits on the default export. */
export const fontkit: Fontkit = (fontkitModule as unknown as { default?: Fontkit }).default ?? fontkitModule;

export class FontError extends Error {
  override name = "FontError";
}

interface BaseFont {
  bytes: Uint8Array;
  font: Font;
}

let baseFont: Promise<BaseFont> | undefined;

/** The full 10 MB font, read once per process; only ever measured, never embedded. */
export function loadBaseFont(): Promise<BaseFont> {
  baseFont ??= (async () => {
    const path = createRequire(import.meta.url).resolve(FONT_MODULE_PATH);
    const bytes = new Uint8Array(await readFile(path));
    return { bytes, font: fontkit.create(bytes) };
  })().catch((error: unknown) => {
    baseFont = undefined;
    throw error;
  });
  return baseFont;
}

export interface FontMeasurer extends Measurer {
  /** Characters the font has no glyph for (they would print as empty boxes). */
  missing(text: string): string[];
}

/**
 * Widths as the sum of each character's advance. That is what pdf-lib draws once the subset has
 * no GSUB/GPOS tables: one glyph per character, no ligatures ("fi"), no kerning.
 */
export function measurerFor(font: Font): FontMeasurer {
  const advances = new Map<number, number>();
  const glyph = (codePoint: number) => {
    let advance = advances.get(codePoint);
    if (advance === undefined) {
      const g = font.glyphForCodePoint(codePoint);
      advance = g.id === 0 ? -1 : g.advanceWidth;
      advances.set(codePoint, advance);
    }
    return advance;
  };
  return {
    width(text, size) {
      let units = 0;
      for (const ch of text) units += Math.max(0, glyph(ch.codePointAt(0)!));
      return (units / font.unitsPerEm) * size;
    },
    missing(text) {
      return [...new Set(text)].filter((ch) => glyph(ch.codePointAt(0)!) < 0);
    },
  };
}

/** TrueType holding exactly `characters` (plus .notdef), without layout tables. */
export async function subsetFontFor(characters: string): Promise<Uint8Array> {
  const { bytes } = await loadBaseFont();
  // fontverter (inside subset-font) sniffs the format with Buffer#toString: give it a Buffer.
  const subset = await subsetFont(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), characters, {
    targetFormat: "truetype",
    // No GSUB closure and no layout tables: otherwise fontkit would substitute ligature glyphs
    // that have no Unicode mapping, breaking both widths and text extraction.
    noLayoutClosure: true,
    dropTables: ["GSUB", "GPOS", "BASE", "STAT", "vhea", "vmtx"],
  });
  return new Uint8Array(subset);
}

/** Subset font names carry a six-letter tag (ISO 32000-1 §9.6.4); derived so output is stable. */
function subsetTag(characters: string): string {
  const digest = createHash("sha256").update(characters).digest();
  return Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join("");
}

export async function embedDocumentFont(doc: PDFDocument, characters: string): Promise<PDFFont> {
  doc.registerFontkit(fontkit);
  const subset = await subsetFontFor(characters);
  return doc.embedFont(subset, {
    subset: false,
    customName: `${subsetTag(characters)}+${POSTSCRIPT_NAME}`,
  });
}
