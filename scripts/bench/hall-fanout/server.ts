import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { Logger } from "#app/server/context.server.ts";
import { createDb } from "#app/server/db.server.ts";
import { createLiveEventHubFor } from "#app/server/events/hub.server.ts";
import { sseResponse } from "#app/server/events/sse.server.ts";

/**
 * A child of the hall-fanout benchmark: one SSE server on 127.0.0.1, answering the parent over
 * IPC. `ours DATABASE_URL STREAM` is bidhall's path (a LiveEventHub on PostgreSQL LISTEN/NOTIFY
 * behind `sseResponse`, through a small node:http adapter doing what Remix's Express adapter
 * does); `bare` is the anchor: a Set of responses and `res.write` of each broadcast frame.
 */
type Message = { type: "memory" } | { type: "broadcast"; id: number; event: string; data: unknown } | { type: "stop" };

const [mode, databaseUrl, stream] = process.argv.slice(2) as ["ours" | "bare", string?, string?];
const send = (m: unknown) => process.send!(m);

function memory() {
  const cpu = process.cpuUsage(); // before the GC below, which is the benchmark's, not the server's
  (globalThis as { gc?: () => void }).gc?.(); // launched with --expose-gc: measure what is live
  const m = process.memoryUsage();
  return {
    type: "memory",
    rss: m.rss,
    heapUsed: m.heapUsed,
    external: m.external,
    maxRss: process.resourceUsage().maxRSS * 1024,
    cpuMicros: cpu.user + cpu.system,
  };
}

/** Fetch Request in, Fetch Response out, on node:http (the part of @remix-run/express an SSE route uses). */
function adapt(handler: (request: Request) => Response): http.RequestListener {
  return (req, res) => {
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const response = handler(new Request(`http://127.0.0.1${req.url}`, { headers, signal: abort.signal }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.flushHeaders();
    if (!response.body) return void res.end();
    // The loop of @remix-run/node's writeReadableStreamToWritable, which serves SSE routes in server.ts.
    const reader = response.body.getReader();
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return void res.end();
          res.write(value);
        }
      } catch {
        res.destroy(); // a client that left
      }
    })();
  };
}

let server: http.Server;
let stop: () => Promise<void>;

if (mode === "ours") {
  const log: Logger = { info() {}, warn: (m, f) => console.warn(m, f ?? ""), error: (m, f) => console.warn(m, f ?? "") };
  const handle = await createDb({ databaseUrl, dataDir: path.join(os.tmpdir(), "bidhall-bench-unused"), poolSize: 4 });
  const hub = createLiveEventHubFor(handle, log);
  await hub.start();
  server = http.createServer(adapt((request) => sseResponse(request, hub, stream!)));
  stop = async () => {
    await hub.stop();
    await handle.close();
  };
} else {
  const clients = new Set<http.ServerResponse>();
  server = http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform" });
    res.write("retry: 3000\n\n");
    clients.add(res);
    res.on("close", () => clients.delete(res));
  });
  process.on("message", (m: Message) => {
    if (m.type !== "broadcast") return;
    const frame = Buffer.from(`id: ${m.id}\nevent: ${m.event}\ndata: ${JSON.stringify(m.data)}\n\n`);
    for (const c of clients) c.write(frame);
  });
  stop = async () => {
    for (const c of clients) c.end();
  };
}

server.listen(0, "127.0.0.1", 2048, () => send({ type: "ready", port: (server.address() as { port: number }).port }));
process.on("message", (m: Message) => {
  if (m.type === "memory") send(memory());
  if (m.type === "stop") {
    server.closeAllConnections();
    server.close();
    void stop().then(() => process.exit(0));
  }
});
