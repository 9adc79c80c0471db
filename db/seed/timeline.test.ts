import { describe, expect, it } from "vitest";
import type { AppContext } from "#app/server/context.server.ts";
import { demoDeadlines } from "./scene.ts";
import { beijing, DemoStoryError, runStory, type StoryStep } from "./timeline.ts";

const app = { clock: { now: () => new Date("2030-01-01T00:00:00Z") } } as unknown as AppContext;
const t = (iso: string) => new Date(iso);

describe("the demo story's timeline", () => {
  it("runs the steps in the order of their instants, each with the clock standing at its instant", async () => {
    const seen: string[] = [];
    const step = (at: string, name: string): StoryStep => ({
      at: t(at),
      name,
      run: async (past) => void seen.push(`${name}@${past.clock.now().toISOString()}`),
    });
    await runStory(
      app,
      [step("2026-11-02T00:00:00Z", "b"), step("2026-11-01T00:00:00Z", "a"), step("2026-11-02T00:00:00Z", "c")],
      t("2026-12-01T00:00:00Z"),
    );
    expect(seen).toEqual(["a@2026-11-01T00:00:00.000Z", "b@2026-11-02T00:00:00.000Z", "c@2026-11-02T00:00:00.000Z"]);
  });

  it("refuses a step at or after the real present, before running anything of it", async () => {
    let ran = false;
    const steps: StoryStep[] = [{ at: t("2026-12-01T00:00:00Z"), name: "too late", run: async () => void (ran = true) }];
    await expect(runStory(app, steps, t("2026-12-01T00:00:00Z"))).rejects.toThrow(/"too late" is not in the past/);
    expect(ran).toBe(false);
  });

  it("names the step that failed and its instant, and the story's clock cannot be advanced by a service", async () => {
    const steps: StoryStep[] = [{ at: t("2026-11-01T08:00:00Z"), name: "publish", run: (past) => past.clock.advance(60) }];
    const error = await runStory(app, steps, t("2026-12-01T00:00:00Z")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DemoStoryError);
    expect((error as Error).message).toMatch(/^the demo step "publish" at 2026-11-01T08:00:00.000Z failed: /);
  });

  it("counts in Beijing days and rounds the deadlines to whole minutes around start-up", () => {
    // 00:30 in Beijing is still the previous day in UTC.
    expect(beijing(t("2026-11-30T16:30:00Z"), -27, "09:00")).toEqual(t("2026-11-04T01:00:00Z"));
    expect(demoDeadlines(t("2026-11-23T01:07:41.250Z"))).toEqual({
      today: t("2026-11-23T01:18:00Z"),
      readyToOpen: t("2026-11-23T01:04:00Z"),
    });
    expect(demoDeadlines(t("2026-11-23T01:07:00Z"))).toEqual({ today: t("2026-11-23T01:17:00Z"), readyToOpen: t("2026-11-23T01:04:00Z") });
  });
});
