import net from "node:net";
import os from "node:os";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

const MB = 1024 * 1024;

/**
 * Issue 11, the edge (decisions 25, 26), probed over HTTP against the built server as `npm start`
 * runs it: security headers on every response, a malformed address answered 400, bodies over their
 * limit refused with 413 before they are read, the remedy refused to someone who may not use it
 * before a byte of its body is taken in, the client's address from a trusted proxy, and the
 * server listening on loopback only.
 */
describe("the edge: headers, malformed input, limits before work, client addresses", () => {
  let server: RunningServer;
  let db: pg.Client;
  let sectionId: string;

  beforeAll(async () => {
    server = await startServer();
    db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    sectionId = (await db.query<{ id: string }>("select id from sections where name = '道路工程施工'")).rows[0]!.id;
  });
  afterAll(async () => {
    await db?.end();
    await server?.stop();
  });

  /** A browser's session: the CSRF cookie and token (from the login page), logged in as `email` if given. */
  /**
   * A POST of `total` bytes from a raw socket, not fetch: the server answers and closes while we are
   * still sending, and a write that then fails (EPIPE, ECONNRESET) must not hide the answer that
   * already arrived. Returns the status, the JSON body and how much had been written when the
   * first byte of the answer came.
   */
  async function rawPost(
    path: string,
    headers: Record<string, string>,
    total: number,
    options: { chunked?: boolean } = {},
  ): Promise<{ status: number; body: string; writtenWhenAnswered: number }> {
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    const url = new URL(`${server.url}${path}`);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: url.hostname, port: Number(url.port) });
      let written = 0;
      let writtenWhenAnswered = -1;
      let received = "";
      socket.setEncoding("utf8");
      socket.on("data", (c: string) => {
        if (writtenWhenAnswered < 0) writtenWhenAnswered = written;
        received += c;
      });
      socket.on("error", () => undefined); // the server closed the connection after answering: expected
      socket.on("close", () => {
        const [head = "", body = ""] = received.split("\r\n\r\n");
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
        if (!status) return reject(new Error(`no answer from the server: ${JSON.stringify(received.slice(0, 200))}`));
        // The body may be chunked: keep the JSON object only.
        resolve({ status, body: body.slice(body.indexOf("{"), body.lastIndexOf("}") + 1), writtenWhenAnswered });
      });
      socket.once("connect", () => {
        const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
        const length = options.chunked ? "Transfer-Encoding: chunked\r\n" : `Content-Length: ${total}\r\n`;
        socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n${lines.join("")}${length}\r\n`);
        const frame = options.chunked
          ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])
          : chunk;
        const pump = () => {
          while (writtenWhenAnswered < 0 && written < total && !socket.destroyed) {
            written += chunk.length;
            if (!socket.write(frame)) return void socket.once("drain", pump);
          }
          if (written >= total && options.chunked && !socket.destroyed) socket.write("0\r\n\r\n");
        };
        pump();
      });
    });
  }

  async function session(email?: string): Promise<{ cookie: string; csrf: string }> {
    const jar = new Map<string, string>();
    const keep = (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(";");
        const eq = pair!.indexOf("=");
        jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
    };
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const page = await fetch(`${server.url}/login`);
    keep(page);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    if (email) {
      const res = await fetch(`${server.url}/login`, {
        method: "POST",
        headers: { cookie: cookie(), "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email, password: DEMO_PASSWORD, csrf }),
        redirect: "manual",
      });
      expect(res.status).toBe(302);
      keep(res);
      // The CSRF token rotates at login (decision 22): read the new one.
      const after = await fetch(`${server.url}/login`, { headers: { cookie: cookie() } });
      keep(after);
      return { cookie: cookie(), csrf: /name="csrf" value="([^"]+)"/.exec(await after.text())?.[1] ?? csrf };
    }
    return { cookie: cookie(), csrf };
  }

  it("puts the security headers on pages, API answers, assets and errors, with a fresh nonce that every inline script carries", async () => {
    const page = await fetch(`${server.url}/announcements`);
    const html = await page.text();
    const csp = page.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}'`);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(html).not.toMatch(/ style="/); // no inline style attributes: style-src has no 'unsafe-inline'

    const again = await fetch(`${server.url}/announcements`);
    expect(again.headers.get("content-security-policy")).not.toContain(nonce);

    const stylesheet = /href="(\/assets\/[^"]+\.css)"/.exec(html)![1]!;
    const responses = {
      page,
      health: await fetch(`${server.url}/healthz`),
      api: await fetch(`${server.url}/api/anchors/${"a".repeat(64)}`),
      asset: await fetch(`${server.url}${stylesheet}`),
      uploads: await fetch(`${server.url}/api/uploads`, { method: "OPTIONS" }),
      notFound: await fetch(`${server.url}/no/such/page`),
    };
    for (const [what, res] of Object.entries(responses)) {
      expect(res.headers.get("content-security-policy"), what).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), what).toBe("same-origin");
      expect(res.headers.get("permissions-policy"), what).toContain("camera=()");
      expect(res.headers.get("x-frame-options"), what).toBe("DENY");
      expect(res.headers.get("strict-transport-security"), what).toBeNull(); // embedded mode: plain http on loopback
    }
  });

  it("answers a NUL byte or a malformed percent-encoding anywhere in the address with 400 and a clear message, never a 500", async () => {
    for (const address of [
      "/announcements?q=%00",
      "/announcements?q=%E0%A4%A",
      "/projects/%E0%A4%A",
      "/announcements/%00",
      "/announcements?%00=x",
    ]) {
      const res = await fetch(`${server.url}${address}`, { headers: { accept: "application/json" } });
      expect(res.status, address).toBe(400);
      expect(await res.json(), address).toEqual({
        error: { code: "REQUEST_MALFORMED", message: "请求无效：网址中含有空字符（NUL）或错误的编码，已拒绝处理。" },
      });
    }
    const page = await fetch(`${server.url}/projects/%E0%A4%A`, { headers: { accept: "text/html", cookie: "bh_lang=ImVuIg%3D%3D" } });
    const html = await page.text();
    expect(page.status).toBe(400);
    expect(html).toContain("Invalid request: the address contains a NUL character or a malformed encoding");
    expect(html).not.toMatch(/URIError|at .*\.js:\d+/); // no stack trace
    // A search term that is only the text "%00" is fine; so is a cookie that does not decode.
    expect((await fetch(`${server.url}/announcements?q=%2500`)).status).toBe(200);
    expect((await fetch(`${server.url}/announcements`, { headers: { cookie: "__session=%E0%A4%A; bh_lang=%00" } })).status).toBe(200);
  });

  it("refuses a 30 MB JSON body with 413 before reading it, and a chunked one as soon as it passes 1 MiB", async () => {
    const { cookie, csrf } = await session();
    const headers = { cookie, "x-csrf-token": csrf, "content-type": "application/json" };
    const declared = await rawPost("/api/auth/challenge", headers, 30 * MB);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toEqual({ error: { code: "REQUEST_TOO_LARGE", message: "提交的内容超过上限 1.0 MB，已拒绝接收。" } });
    expect(declared.writtenWhenAnswered).toBeLessThan(16 * MB);

    // Without a Content-Length (chunked), the action counts the bytes as they come.
    const chunked = await rawPost("/api/auth/challenge", headers, 30 * MB, { chunked: true });
    expect(chunked.status).toBe(413);
    expect((JSON.parse(chunked.body) as { error: { code: string } }).error.code).toBe("REQUEST_TOO_LARGE");
    expect(chunked.writtenWhenAnswered).toBeLessThan(30 * MB);

    // A form too: the login form takes at most 1 MiB.
    const form = await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: "a@b.cn", password: "x".repeat(2 * MB), csrf }),
    });
    expect(form.status).toBe(413);
    // The same request within the limit is an ordinary wrong password.
    const small = await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: "a@b.cn", password: "x".repeat(1000), csrf }),
    });
    expect(small.status).toBe(401);
  });

  it("refuses a 50 MB remedy from a person whose organisation is not approved before reading the body", async () => {
    const { cookie, csrf } = await session("pending@demo.bidhall.cn");
    const total = 50 * MB;
    const outcome = await rawPost(
      `/api/sections/${sectionId}/opening/remedy`,
      { cookie, "x-csrf-token": csrf, "content-type": "application/zip" },
      total,
    );
    expect(outcome.status).toBe(403);
    expect(JSON.parse(outcome.body)).toMatchObject({ error: { code: "FORBIDDEN" } });
    // Answered while the client was still sending: it had written what the sockets buffer (a few MB), not 50 MB.
    expect(outcome.writtenWhenAnswered).toBeLessThan(16 * MB);
  });

  it("records the address a trusted proxy forwards (loopback, in embedded mode), not the proxy's", async () => {
    const { cookie, csrf } = await session();
    const res = await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "198.51.100.77" },
      body: new URLSearchParams({ email: "bidder2@demo.bidhall.cn", password: "wrong-password", csrf }),
    });
    expect(res.status).toBe(401);
    const { rows } = await db.query<{ ip: string }>("select ip from login_attempts where email = 'bidder2@demo.bidhall.cn'");
    expect(rows.map((r) => r.ip)).toEqual(["198.51.100.77"]);
  });

  it("listens on 127.0.0.1 only in embedded mode", async () => {
    const port = Number(new URL(server.url).port);
    const connects = (host: string) =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect({ host, port }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.once("error", () => resolve(false));
      });
    expect(await connects("127.0.0.1")).toBe(true);
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === "IPv4")
      .map((i) => i!.address);
    for (const address of others) expect(await connects(address), address).toBe(false);
  });
});
