import { describe, expect, it } from "vitest";
import { bidState } from "./bid-state.ts";

const at = (s: string) => new Date(`2026-12-01T${s}:00Z`);

describe("bidState", () => {
  it("is none without a version", () => {
    expect(bidState([], [])).toEqual({ status: "none" });
  });

  it("is the latest version, whatever the order the facts arrive in", () => {
    const versions = [
      { version: 2, receivedAt: at("10:00") },
      { version: 1, receivedAt: at("09:00") },
    ];
    expect(bidState(versions, [])).toEqual({ status: "submitted", version: 2, receivedAt: at("10:00") });
  });

  it("is withdrawn after a withdrawal of the latest version", () => {
    const state = bidState([{ version: 1, receivedAt: at("09:00") }], [{ afterVersion: 1, withdrawnAt: at("09:30") }]);
    expect(state).toEqual({ status: "withdrawn", afterVersion: 1, withdrawnAt: at("09:30") });
  });

  it("stands again when a new version follows a withdrawal", () => {
    const state = bidState(
      [
        { version: 1, receivedAt: at("09:00") },
        { version: 2, receivedAt: at("10:00") },
      ],
      [{ afterVersion: 1, withdrawnAt: at("09:30") }],
    );
    expect(state).toEqual({ status: "submitted", version: 2, receivedAt: at("10:00") });
  });
});
