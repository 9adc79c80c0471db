import { describe, expect, it } from "vitest";
import { byNearestDeadline } from "./worklist-order.ts";

const now = new Date("2026-11-23T01:07:41Z");
const item = (code: string, iso: string) => ({ tieBreak: code, deadlineAt: new Date(iso) });

describe("the bidder's worklist order (我的投标)", () => {
  it("puts the open section with the nearest deadline first", () => {
    const items = [item("002", "2026-11-30T01:30:00Z"), item("001", "2026-11-23T01:18:00Z"), item("005", "2027-01-10T02:00:00Z")];
    expect(byNearestDeadline(items, now).map((i) => i.tieBreak)).toEqual(["001", "002", "005"]);
  });

  it("lists closed sections after the open ones, the most recently closed first", () => {
    const items = [
      item("old", "2026-10-01T02:00:00Z"),
      item("next", "2026-11-24T02:00:00Z"),
      item("recent", "2026-11-23T01:04:00Z"),
      item("later", "2026-12-24T02:00:00Z"),
    ];
    expect(byNearestDeadline(items, now).map((i) => i.tieBreak)).toEqual(["next", "later", "recent", "old"]);
  });

  it("counts a deadline at exactly now as passed (办法 27: from the deadline nothing is accepted)", () => {
    const items = [item("at-now", now.toISOString()), item("in-a-second", "2026-11-23T01:07:42Z")];
    expect(byNearestDeadline(items, now).map((i) => i.tieBreak)).toEqual(["in-a-second", "at-now"]);
  });

  it("orders equal deadlines by the tie-break, whatever order they arrive in", () => {
    const a = [item("B", "2026-12-01T02:00:00Z"), item("A", "2026-12-01T02:00:00Z")];
    expect(byNearestDeadline(a, now).map((i) => i.tieBreak)).toEqual(["A", "B"]);
    expect(byNearestDeadline([...a].reverse(), now).map((i) => i.tieBreak)).toEqual(["A", "B"]);
  });

  it("leaves its input untouched", () => {
    const items = [item("2", "2026-12-02T00:00:00Z"), item("1", "2026-12-01T00:00:00Z")];
    byNearestDeadline(items, now);
    expect(items.map((i) => i.tieBreak)).toEqual(["2", "1"]);
  });
});
