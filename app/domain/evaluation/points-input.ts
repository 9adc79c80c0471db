/**
 * Points as a person types them ("25", "25.5", "25.50") into hundredths of a point (decision 65:
 * points are integers of hundredths, never floats). Empty gives null; anything else — a third
 * decimal, a sign, letters, a comma — is refused with "invalid" so the page can say which field.
 */
export function parsePoints(text: string): number | null | "invalid" {
  const s = text.trim();
  if (s === "") return null;
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return "invalid";
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

export interface ResultRowInput {
  organisationId: string;
  valid: boolean;
  reason: string;
  technical: string;
  commercial: string;
  /** "" when not a candidate. */
  rank: string;
}

export interface CommitteeRow {
  organisationId: string;
  valid: boolean;
  rejectionReason: string | null;
  technicalHundredths: number | null;
  commercialHundredths: number | null;
}

export type ResultInputProblem =
  { kind: "points"; organisationId: string; part: "technical" | "commercial" } | { kind: "rankTwice"; rank: number };

/**
 * The committee's rows as the service takes them: points in hundredths (only for valid bids under
 * comprehensive scoring), candidates ordered by the rank chosen. The service checks the ranges,
 * the count and the order (award-rules.ts); this only refuses what cannot be read.
 */
export function resultRows(
  rows: readonly ResultRowInput[],
  scored: boolean,
): { problem: ResultInputProblem } | { bids: CommitteeRow[]; candidates: string[] } {
  const bids: CommitteeRow[] = [];
  for (const r of rows) {
    let technical: number | null = null;
    let commercial: number | null = null;
    if (scored && r.valid) {
      for (const part of ["technical", "commercial"] as const) {
        const p = parsePoints(part === "technical" ? r.technical : r.commercial);
        if (p === "invalid") return { problem: { kind: "points", organisationId: r.organisationId, part } };
        if (part === "technical") technical = p;
        else commercial = p;
      }
    }
    bids.push({
      organisationId: r.organisationId,
      valid: r.valid,
      rejectionReason: r.valid ? null : r.reason.trim() || null,
      technicalHundredths: technical,
      commercialHundredths: commercial,
    });
  }
  const ranked = rows.filter((r) => r.rank !== "").map((r) => ({ id: r.organisationId, rank: Number(r.rank) }));
  const seen = new Set<number>();
  for (const r of ranked) {
    if (seen.has(r.rank)) return { problem: { kind: "rankTwice", rank: r.rank } };
    seen.add(r.rank);
  }
  const candidates = ranked.sort((a, b) => a.rank - b.rank).map((r) => r.id);
  return { bids, candidates };
}
