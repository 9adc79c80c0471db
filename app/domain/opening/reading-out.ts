import { formatYuan, parseFen, toChineseCapitals, type Fen } from "#app/domain/shared/money.ts";
import type { OpeningField, OpeningForm } from "#app/domain/tendering/opening-form.ts";
import type { DecidedOutcome, DecryptionResult, DecryptionRule } from "./decryption.ts";

/**
 * The rows of the reading-out (唱标). NOTE 办法 Art 30: once decryption is over, every bidder's
 * name, price and the items the tender documents name are published. Bids that were not
 * decrypted are listed with their result and rule, and nothing of their content (none is known).
 *
 * Order: decrypted bids first, in the order they were decrypted, then the others in the order
 * they were decided; ties by USCC. It is the order the hall saw, and it depends on recorded
 * instants and codes only — not on a locale's collation of Chinese names — so the signed record
 * comes out the same on every machine and every time it is generated.
 */
export interface ReadingOutBid {
  bidderName: string;
  bidderUscc: string;
  outcome: DecidedOutcome;
  /**
   * `bid.json` `fields` of a decrypted bid, already valid against the form; null for any other, and
   * for a bid decrypted with a defect whose bid.json could not be read (DECRYPTED_WITH_DEFECTS).
   */
  fields: Readonly<Record<string, unknown>> | null;
}

export interface MoneyDisplay {
  fen: Fen;
  /** `1,234,567.89` */
  figures: string;
  /** 人民币大写: `壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分` */
  capitals: string;
}

export interface ReadingOutField {
  key: string;
  label: string;
  type: OpeningField["type"];
  /** As read out (a person by name only, never the ID number); null when an optional field is empty. */
  display: string | null;
  /** For money fields. */
  money?: MoneyDisplay;
}

export interface ReadingOutRow {
  /** 1, 2, … in reading order. */
  order: number;
  bidderName: string;
  bidderUscc: string;
  result: DecryptionResult;
  rule: DecryptionRule;
  decidedAt: Date;
  /** null when not decrypted. */
  price: MoneyDisplay | null;
  /** The form's other fields in the form's order; empty when not decrypted. */
  fields: readonly ReadingOutField[];
}

export class ReadingOutInputError extends Error {
  override name = "ReadingOutInputError";
}

export function readingOutRows(form: OpeningForm, bids: readonly ReadingOutBid[]): ReadingOutRow[] {
  const seen = new Set<string>();
  for (const bid of bids) {
    if (seen.has(bid.bidderUscc)) throw new ReadingOutInputError(`the bidder ${bid.bidderUscc} is listed twice`);
    seen.add(bid.bidderUscc);
    const decrypted = bid.outcome.result === "decrypted";
    // Decision 39: a bid decrypted with a defect whose bid.json cannot be read is read out without content.
    const unreadable = decrypted && bid.fields === null && bid.outcome.rule === "DECRYPTED_WITH_DEFECTS";
    if (!unreadable && decrypted !== (bid.fields !== null)) {
      throw new ReadingOutInputError(
        decrypted ? `${bid.bidderUscc} is decrypted but has no fields` : `${bid.bidderUscc} was not decrypted yet carries fields`,
      );
    }
  }
  return [...bids].sort(readingOrder).map((bid, i) => row(form, bid, i + 1));
}

function readingOrder(a: ReadingOutBid, b: ReadingOutBid): number {
  const decrypted = (x: ReadingOutBid) => (x.outcome.result === "decrypted" ? 0 : 1);
  return (
    decrypted(a) - decrypted(b) ||
    a.outcome.at.getTime() - b.outcome.at.getTime() ||
    (a.bidderUscc < b.bidderUscc ? -1 : a.bidderUscc > b.bidderUscc ? 1 : 0)
  );
}

function row(form: OpeningForm, bid: ReadingOutBid, order: number): ReadingOutRow {
  const base = {
    order,
    bidderName: bid.bidderName,
    bidderUscc: bid.bidderUscc,
    result: bid.outcome.result,
    rule: bid.outcome.rule,
    decidedAt: bid.outcome.at,
  };
  if (!bid.fields) return { ...base, price: null, fields: [] };
  const values = bid.fields;
  const price = money(values.price, bid, "price");
  if (!price) throw new ReadingOutInputError(`${bid.bidderUscc} has no price`);
  const fields = form.filter((f) => f.key !== "price").map((f) => field(f, values[f.key], bid));
  return { ...base, price, fields };
}

function field(f: OpeningField, value: unknown, bid: ReadingOutBid): ReadingOutField {
  const base = { key: f.key, label: f.label, type: f.type };
  if (value === undefined || value === null || value === "") return { ...base, display: null };
  switch (f.type) {
    case "money": {
      const m = money(value, bid, f.key)!;
      return { ...base, display: m.figures, money: m };
    }
    case "person": {
      // NOTE DOMAIN.md §7: the ID number stays inside the package; the reading-out names the person.
      const name = (value as { name?: unknown }).name;
      if (typeof name !== "string" || name === "") throw new ReadingOutInputError(`${bid.bidderUscc}: ${f.key} has no name`);
      return { ...base, display: name };
    }
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value))
        throw new ReadingOutInputError(`${bid.bidderUscc}: ${f.key} is not an integer`);
      return { ...base, display: String(value) };
    case "decimal":
    case "text":
    case "date":
    case "enum":
      if (typeof value !== "string") throw new ReadingOutInputError(`${bid.bidderUscc}: ${f.key} is not a string`);
      return { ...base, display: value };
  }
}

function money(value: unknown, bid: ReadingOutBid, key: string): MoneyDisplay | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw new ReadingOutInputError(`${bid.bidderUscc}: ${key} is not fen as a decimal string`);
  const fen = parseFen(value);
  return { fen, figures: formatYuan(fen), capitals: toChineseCapitals(fen) };
}
