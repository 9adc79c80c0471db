import { describe, expect, it } from "vitest";
import { judgeUpload } from "./upload-cleanup.ts";

const at = (iso: string) => new Date(iso);
const deadlineAt = at("2026-12-18T01:30:00Z");

describe("judging an upload", () => {
  it("counts idleness from the first sweep that saw its current bytes, on the platform clock", () => {
    const first = judgeUpload({ signature: "d:10:1", unfinished: true, deadlineAt }, undefined, at("2026-12-01T00:00:00Z"));
    expect(first).toEqual({ sighting: { signature: "d:10:1", since: "2026-12-01T00:00:00.000Z" }, discard: undefined });
    const idle = (now: string, signature = "d:10:1") =>
      judgeUpload({ signature, unfinished: true, deadlineAt }, first.sighting, at(now)).discard;
    expect(idle("2026-12-01T23:59:59Z")).toBeUndefined();
    expect(idle("2026-12-02T00:00:00Z")).toBe("stale");
    // New bytes (another size or mtime) start the 24 hours again.
    expect(idle("2026-12-02T00:00:00Z", "d:20:2")).toBeUndefined();
  });

  it("discards an unfinished upload from its section's deadline on, but leaves a complete one to the stale rule", () => {
    const seen = { signature: "d:10:1", since: "2026-12-18T01:00:00.000Z" };
    const judge = (unfinished: boolean, now: string) => judgeUpload({ signature: "d:10:1", unfinished, deadlineAt }, seen, at(now)).discard;
    expect(judge(true, "2026-12-18T01:29:59Z")).toBeUndefined();
    expect(judge(true, "2026-12-18T01:30:00Z")).toBe("deadline");
    expect(judge(false, "2026-12-18T01:30:00Z")).toBeUndefined(); // its last PATCH may be becoming a bid right now
    expect(judge(false, "2026-12-19T01:00:00Z")).toBe("stale");
    expect(
      judgeUpload({ signature: "d:10:1", unfinished: true, deadlineAt: undefined }, seen, at("2026-12-18T01:30:00Z")).discard,
    ).toBeUndefined();
  });
});
