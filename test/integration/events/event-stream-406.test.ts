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
    // Thrown as Remix's data() (the same path as every AppError); Remix sends it as this Response.
    const res = await loader({ request, context: { app, request: TEST_META }, params: { sectionId } }).then(
      () => new Response("a stream", { status: 200, headers: { "content-type": "text/event-stream" } }),
      (e: unknown) => {
        if (e instanceof Response) return e;
        const thrown = e as { type?: string; data?: unknown; init?: ResponseInit };
        if (thrown.type === "DataWithResponseInit") return Response.json(thrown.data, thrown.init);
        throw e;
      },
    );
    expect(res.status).toBe(406);
    expect(res.headers.get("content-type")).not.toContain("text/event-stream");
    const text = await res.text();
    expect(text).toContain("EVENT_STREAM_ONLY");
    expect(text).toContain("text/event-stream");
    expect(text).toContain("开标大厅");
  });
});
