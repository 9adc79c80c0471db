import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader } from "#app/routes/sections.$sectionId.opening.events.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

describe("the hall's event stream asked for without text/event-stream", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ["no Accept header", null],
    ["a browser's page Accept", "text/html,application/xhtml+xml,*/*;q=0.8"],
    ["JSON", "application/json"],
  ])("answers %s with 406 and a sentence saying where to open it", async (_what, accept) => {
    const sectionId = "A3501002026000101001";
    const request = new Request(`http://bidhall.test/sections/${sectionId}/opening/events`, {
      headers: accept ? { accept } : {},
    });
    const res = await loader({ request, context: { app, request: TEST_META }, params: { sectionId } });
    expect(res.status).toBe(406);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("EVENT_STREAM_ONLY");
    expect(body.error.message).toContain("text/event-stream");
    expect(body.error.message).toContain("开标大厅");
  });
});
