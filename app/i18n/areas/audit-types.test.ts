import { describe, expect, it } from "vitest";
import { AuditEvent } from "#app/server/audit.server.ts";
import { auditTypes } from "./audit-types.ts";

const label = (messages: Record<string, unknown>, type: string) => {
  const [group, name] = type.split(/\.(.*)/s);
  const inGroup = messages[group!] as Record<string, unknown> | undefined;
  return inGroup?.[name!];
};

describe("audit event types in words", () => {
  const types = AuditEvent.options.map((o) => o.shape.type.value as string);

  it("has a zh-CN and an English label for every audit event type", () => {
    expect(types.length).toBeGreaterThan(50);
    const missing = types.filter((t) => typeof label(auditTypes.zh, t) !== "string" || typeof label(auditTypes.en, t) !== "string");
    expect(missing).toEqual([]);
  });
});
