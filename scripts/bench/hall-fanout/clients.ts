import http from "node:http";

/**
 * A child of the hall-fanout benchmark: COUNT SSE clients on 127.0.0.1:PORT, each over its own
 * TCP connection. Every event carries the publisher's `sentAt` (ms since the epoch, sub-ms,
 * `performance.timeOrigin + performance.now()`, comparable across processes on one machine);
 * a client's receipt time is taken when its chunk is read. Reports the latency of every
 * (client, event) pair, and whether each client saw every event once and in order.
 */
const [port, count, expected] = process.argv.slice(2).map(Number) as [number, number, number];
const now = () => performance.timeOrigin + performance.now();
const send = (m: unknown) => process.send!(m);

const latencies = new Float64Array(count * expected);
let received = 0;
let outOfOrder = 0;
let complete = 0;
let connected = 0;
let failed = 0;
const requests: http.ClientRequest[] = [];

function client(): Promise<void> {
  return new Promise((resolve) => {
    let last = 0;
    let seen = 0;
    let buffer = "";
    let open = false;
    const req = http.get({ host: "127.0.0.1", port, path: "/events", agent: false }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        const t = now();
        buffer += chunk;
        if (!open) {
          open = true;
          connected++;
          resolve();
        }
        for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split("\n").find((l) => l.startsWith("data: "));
          if (!data) continue; // retry: or a heartbeat comment
          const { seq, sentAt } = JSON.parse(data.slice(6)) as { seq: number; sentAt: number };
          if (seq !== last + 1) outOfOrder++;
          last = seq;
          if (received < latencies.length) latencies[received++] = t - sentAt;
          if (++seen === expected && ++complete === count) send({ type: "done" });
        }
      });
    });
    req.on("error", () => {
      failed++;
      resolve();
    });
    requests.push(req);
  });
}

// Connect in waves so the listen backlog never overflows.
for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: Math.min(100, count - i) }, client));
send({ type: "connected", connected, failed });

process.on("message", (m: { type: string }) => {
  if (m.type !== "report") return;
  const sorted = latencies.slice(0, received).sort();
  const pct = (p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
  send({ type: "report", received, outOfOrder, complete, p50: pct(50), p99: pct(99), max: sorted.at(-1) ?? NaN });
  for (const r of requests) r.destroy();
  setImmediate(() => process.exit(0));
});
