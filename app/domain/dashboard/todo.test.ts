import { describe, expect, it } from "vitest";
import { beijingDay, lastClarificationMoment, orderTodo, urgencyOf, type TodoItem } from "./todo.ts";

const now = new Date("2026-03-10T02:00:00Z");
const item = (key: string, dueAt: string | null): TodoItem => ({
  kind: "bid.not_submitted",
  key,
  dueAt: dueAt ? new Date(dueAt) : null,
  link: "/",
  params: {},
});

describe("the dashboard's to-do list", () => {
  it("puts the nearest due item first and undated work last, in the order given", () => {
    const ordered = orderTodo([
      item("queue-b", null),
      item("later", "2026-03-20T00:00:00Z"),
      item("queue-a", null),
      item("soonest", "2026-03-10T03:00:00Z"),
      item("overdue", "2026-03-09T00:00:00Z"),
      item("tie-b", "2026-03-11T00:00:00Z"),
      item("tie-a", "2026-03-11T00:00:00Z"),
    ]);
    expect(ordered.map((i) => i.key)).toEqual(["overdue", "soonest", "tie-a", "tie-b", "later", "queue-b", "queue-a"]);
  });

  it("says how urgent an item is, a due time at exactly now being overdue", () => {
    expect(urgencyOf(now, now)).toBe("overdue");
    expect(urgencyOf(new Date(now.getTime() + 1), now)).toBe("today");
    expect(urgencyOf(new Date(now.getTime() + 24 * 3_600_000), now)).toBe("today");
    expect(urgencyOf(new Date(now.getTime() + 24 * 3_600_000 + 1), now)).toBe("soon");
    expect(urgencyOf(new Date(now.getTime() + 8 * 24 * 3_600_000), now)).toBe("later");
    expect(urgencyOf(null, now)).toBe("open");
  });

  it("gives the last moment for a clarification that affects preparation: 15 days before the deadline", () => {
    expect(lastClarificationMoment(new Date("2026-04-01T01:30:00Z")).toISOString()).toBe("2026-03-17T01:30:00.000Z");
  });

  it("tells the Beijing day, which starts at 16:00 UTC", () => {
    expect(beijingDay(new Date("2026-03-10T15:59:59Z"))).toBe("2026-03-10");
    expect(beijingDay(new Date("2026-03-10T16:00:00Z"))).toBe("2026-03-11");
  });
});
