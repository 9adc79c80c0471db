import { describe, expect, it } from "vitest";
import { finalUploadRefusal, uploadRefusalOf } from "./upload-refusal.ts";

const ours = (code: string, message = "…") => JSON.stringify({ error: { code, message } });

describe("reading a refused upload request", () => {
  it("a stale offset after a cut connection (tus 409, or 423 locked) is resumed, not reported", () => {
    expect(finalUploadRefusal(409, ours("UPLOAD_PROTOCOL_ERROR", "上传请求不符合 tus 1.0.0 协议：Upload-Offset conflict"))).toBeNull();
    expect(finalUploadRefusal(423, ours("UPLOAD_PROTOCOL_ERROR"))).toBeNull();
  });

  it("our refusals are final, a 409 among them (the deadline has passed)", () => {
    expect(finalUploadRefusal(409, ours("BID_AFTER_DEADLINE", "投标截止时间已过"))).toEqual({
      code: "BID_AFTER_DEADLINE",
      message: "投标截止时间已过",
    });
    expect(finalUploadRefusal(404, ours("NOT_FOUND"))?.code).toBe("NOT_FOUND");
    expect(finalUploadRefusal(400, ours("UPLOAD_PROTOCOL_ERROR"))?.code).toBe("UPLOAD_PROTOCOL_ERROR");
    expect(finalUploadRefusal(503, ours("STORAGE_UNAVAILABLE"))?.code).toBe("STORAGE_UNAVAILABLE");
  });

  it("an answer that is not ours (a network error, a proxy's page) is left to tus", () => {
    expect(finalUploadRefusal(undefined, undefined)).toBeNull();
    expect(finalUploadRefusal(502, "<html>Bad Gateway</html>")).toBeNull();
    expect(uploadRefusalOf(JSON.stringify({ error: "text" }))).toBeNull();
  });
});
