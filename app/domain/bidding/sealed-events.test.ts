import { describe, expect, it } from "vitest";
import { isSealedAt, sealedTypesNaming, shanghaiDay } from "./sealed-events.ts";

const deadline = new Date("2026-12-20T02:00:00Z"); // 10:00 in Beijing

describe("audit events sealed until the deadline (法 22)", () => {
  it("seals a bid event before its section's deadline and opens it from the deadline on", () => {
    expect(isSealedAt("bid.submitted", deadline, new Date(deadline.getTime() - 1))).toBe(true);
    expect(isSealedAt("bid.submitted", deadline, deadline)).toBe(false);
    expect(isSealedAt("opening.signed_in", deadline, new Date(deadline.getTime() - 60_000))).toBe(true);
  });

  it("keeps a bid event whose section cannot be told sealed, and never seals other events", () => {
    expect(isSealedAt("bid.upload_discarded", null, new Date("2030-01-01T00:00:00Z"))).toBe(true);
    expect(isSealedAt("section.registered", deadline, new Date(deadline.getTime() - 1))).toBe(false);
    expect(isSealedAt("person.logged_in", null, deadline)).toBe(false);
  });

  it("knows how each sealed event names its section", () => {
    expect(sealedTypesNaming("sectionId")).toEqual([
      "bid.submitted",
      "bid.withdrawn",
      "bid.upload_discarded",
      "bid.document_signed",
      "guarantee_application.submitted",
      "guarantee_application.approved",
      "guarantee_application.declined",
      "guarantee_application.documents_requested",
      "guarantee_application.supplemented",
      "guarantee_application.fee_paid",
      "guarantee.issue_started",
      "guarantee.letter_signed",
      "guarantee.issued",
      "guarantee.issue_failed",
      "guarantee.release_requested",
      "guarantee.release_cancelled",
    ]);
    expect(sealedTypesNaming("openingId")).toEqual(["opening.signed_in"]);
  });

  it("tells a sealed row's day in Beijing, nothing finer", () => {
    expect(shanghaiDay(new Date("2026-12-19T15:59:59.999Z"))).toBe("2026-12-19");
    expect(shanghaiDay(new Date("2026-12-19T16:00:00Z"))).toBe("2026-12-20");
  });
});
