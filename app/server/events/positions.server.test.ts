import { describe, expect, it } from "vitest";
import { eventPositions } from "./positions.server.ts";

describe("opaque live event positions", () => {
  const positions = eventPositions("a-session-secret-of-at-least-32-characters");

  it("reads back every position it wrote", () => {
    for (const id of [0n, 1n, 41n, 42n, 9_007_199_254_740_993n, (1n << 64n) - 1n]) expect(positions.decode(positions.encode(id))).toBe(id);
  });

  it("writes neighbouring ids as unrelated tokens of one length", () => {
    const tokens = [41n, 42n, 43n].map((id) => positions.encode(id));
    expect(new Set(tokens.map((t) => t.length))).toEqual(new Set([22]));
    const shared = (x: string, y: string) => [...x].filter((c, i) => y[i] === c).length;
    expect(shared(tokens[0]!, tokens[1]!)).toBeLessThan(8);
  });

  it("refuses tokens it did not write: digits, another platform's, tampered ones", () => {
    expect(positions.decode("42")).toBeUndefined();
    expect(positions.decode(eventPositions("another-secret-of-at-least-32-characters!").encode(42n))).toBeUndefined();
    const token = positions.encode(42n);
    const tampered = (token[0] === "A" ? "B" : "A") + token.slice(1);
    expect(positions.decode(tampered)).toBeUndefined();
    expect(positions.decode(`${token}\n`)).toBeUndefined();
  });
});
