import { formatYuan, toChineseCapitals } from "#app/domain/shared/money.ts";

/**
 * Distinctive plaintext that goes into a sealed bid, and every form in which it could leak: as
 * written, as yuan with and without thousands separators, in Chinese capitals, as the hex that
 * `bytea::text` prints, and as base64/base64url at each of the three byte alignments (a fragment
 * of a longer base64 text, e.g. a JWS payload or a JSON blob, contains exactly one of them).
 */
export interface Marker {
  /** What it is, for failure messages: "price of 海峡建设 as yuan". */
  label: string;
  text: string;
}

export function priceMarkers(owner: string, fen: bigint): Marker[] {
  const yuan = formatYuan(fen);
  return [
    { label: `price of ${owner} in fen`, text: fen.toString() },
    { label: `price of ${owner} in yuan`, text: yuan },
    { label: `price of ${owner} in yuan without separators`, text: yuan.replace(/,/g, "") },
    { label: `price of ${owner} in Chinese capitals`, text: toChineseCapitals(fen) },
  ];
}

/** The encodings of `marker`'s UTF-8 bytes that a leak could take. */
export function encodedForms(marker: Marker): Marker[] {
  const bytes = Buffer.from(marker.text, "utf8");
  const forms: Marker[] = [{ label: `${marker.label} (hex)`, text: bytes.toString("hex") }];
  for (let k = 0; k < 3; k++) {
    const shifted = Buffer.concat([Buffer.alloc(k), bytes]);
    const start = k === 0 ? 0 : 3;
    const end = Math.floor(shifted.length / 3) * 3;
    if (end - start < 9) continue; // too short to be told apart from chance
    const b64 = shifted.subarray(start, end).toString("base64");
    forms.push({ label: `${marker.label} (base64, offset ${k})`, text: b64 });
    if (/[+/]/.test(b64))
      forms.push({ label: `${marker.label} (base64url, offset ${k})`, text: b64.replace(/\+/g, "-").replace(/\//g, "_") });
  }
  return forms;
}

export function withEncodings(markers: readonly Marker[]): Marker[] {
  return markers.flatMap((m) => [m, ...encodedForms(m)]);
}

/** The markers found in `haystack` (text, or bytes searched as UTF-8 and as Latin-1 text). */
export function markersIn(haystack: string | Buffer, markers: readonly Marker[]): Marker[] {
  if (typeof haystack === "string") return markers.filter((m) => haystack.includes(m.text));
  return markers.filter((m) => haystack.includes(Buffer.from(m.text, "utf8")));
}

/** GB 11643 check character for a 17-digit body: a valid citizen ID number for a test person. */
export function citizenId(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  return body17 + "10X98765432"[sum % 11]!;
}
