import { describe, expect, it, vi } from "vitest";
import { jsonLogger, requestScope } from "#app/server/log.server.ts";
import { metricsTokenMatches, routeFamily } from "./operations.server.ts";

describe("operations (decision 54)", () => {
  it("labels requests by route family, so an id never becomes a label", () => {
    expect(routeFamily("/api/uploads/3f2a9c1e-0b7d-4e7a-9c55-1f0e2d3c4b5a")).toBe("/api/uploads");
    expect(routeFamily("/sections/3f2a9c1e-0b7d/opening?x=1")).toBe("/sections/:id");
    expect(routeFamily("/assets/entry.client-AbC123.js")).toBe("/assets");
    expect(routeFamily("/")).toBe("/");
  });

  it("lets only the exact metrics token through", () => {
    expect(metricsTokenMatches("t0ken-with-enough-length", "Bearer t0ken-with-enough-length")).toBe(true);
    expect(metricsTokenMatches("t0ken-with-enough-length", "Bearer t0ken-with-enough-lengtH")).toBe(false);
    expect(metricsTokenMatches("t0ken-with-enough-length", "t0ken-with-enough-length")).toBe(false);
    expect(metricsTokenMatches("t0ken-with-enough-length", undefined)).toBe(false);
  });

  it("writes one JSON object per line, with the request id inside a request", () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((l: string) => void lines.push(l));
    try {
      const log = jsonLogger("web");
      log.info("outside", { n: 1 });
      requestScope.run({ requestId: "req-12345678" }, () => log.info("inside"));
    } finally {
      spy.mockRestore();
    }
    const [outside, inside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(outside).toMatchObject({ level: "info", component: "web", msg: "outside", n: 1 });
    expect(outside!.requestId).toBeUndefined();
    expect(inside).toMatchObject({ msg: "inside", requestId: "req-12345678" });
  });
});
