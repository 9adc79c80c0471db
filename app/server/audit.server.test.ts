import { describe, expect, it } from "vitest";
import { SEALED_AUDIT_EVENTS, SEALED_AUDIT_EVENT_TYPES } from "#app/domain/bidding/sealed-events.ts";
import { AuditEvent } from "./audit.server.ts";

const auditTypes = AuditEvent.options.map((o) => o.shape.type.value as string);

describe("the audit events sealed until the deadline (decision 23)", () => {
  it("seal every bid event: a new `bid.*` type must be listed in app/domain/bidding/sealed-events.ts", () => {
    const bidTypes = auditTypes.filter((t) => t.startsWith("bid."));
    expect(bidTypes.length).toBeGreaterThan(0);
    expect(bidTypes.filter((t) => !SEALED_AUDIT_EVENT_TYPES.includes(t as never))).toEqual([]);
  });

  it("are audit events that carry the reference they are sealed by", () => {
    for (const type of SEALED_AUDIT_EVENT_TYPES) {
      const option = AuditEvent.options.find((o) => o.shape.type.value === type);
      expect(option, `${type} is an audit event`).toBeDefined();
      expect(Object.keys(option!.shape.data.shape), type).toContain(SEALED_AUDIT_EVENTS[type]);
    }
  });
});
