import http from "node:http";

/**
 * A load balancer for tests: one address (so one origin for the browser: its cookies, its
 * IndexedDB keys) in front of several app instances, as the trading centre's own balancer stands
 * in front of them (ARCHITECTURE.md §1). Every request goes to the instance `target` names at the
 * moment it arrives; responses stream back as they come, so Server-Sent Events pass through.
 *
 * `cutUploadAfter` simulates a broken connection in the middle of an upload: the next tus PATCH is
 * forwarded until `bytes` of its body have gone through, then both sides of it are torn down
 * (the instance sees a request that stops half-way, the browser a connection reset) and from then
 * on every request goes to `failOverTo`, as a balancer does when an instance stops answering.
 */
export interface TestLoadBalancer {
  url: string;
  /** The instance new requests go to. */
  target: string;
  /** Resolves once a PATCH was cut after `bytes` body bytes; `target` is then `failOverTo`. */
  cutUploadAfter(bytes: number, failOverTo: string): Promise<{ forwarded: number; cutFrom: string }>;
  /** Every request forwarded, as `METHOD path → target`, for the test to show where things went. */
  log: string[];
  stop(): Promise<void>;
}

export async function startLoadBalancer(initialTarget: string): Promise<TestLoadBalancer> {
  let cut: { bytes: number; failOverTo: string; done: (r: { forwarded: number; cutFrom: string }) => void } | null = null;
  const log: string[] = [];
  const balancer = {
    url: "",
    target: initialTarget,
    log,
    cutUploadAfter(bytes: number, failOverTo: string) {
      return new Promise<{ forwarded: number; cutFrom: string }>((done) => (cut = { bytes, failOverTo, done }));
    },
    stop: () => Promise.resolve(),
  };

  const server = http.createServer((req, res) => {
    const to = new URL(balancer.target);
    log.push(`${req.method} ${req.url} → ${to.port}`);
    const upstream = http.request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
        answer.pipe(res);
        answer.on("error", () => res.destroy());
      },
    );
    upstream.on("error", () => res.destroy());
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    const armed = req.method === "PATCH" && cut ? cut : null;
    if (!armed) {
      req.pipe(upstream);
      return;
    }
    cut = null;
    let forwarded = 0;
    req.on("data", (chunk: Buffer) => {
      if (forwarded >= armed.bytes) return;
      const room = armed.bytes - forwarded;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      forwarded += part.length;
      if (forwarded < armed.bytes) return void upstream.write(part);
      // The last bytes reach the instance, then the connection breaks on both sides.
      upstream.write(part, () => {
        const cutFrom = balancer.target;
        balancer.target = armed.failOverTo;
        setTimeout(() => {
          upstream.destroy();
          req.socket.destroy();
          armed.done({ forwarded, cutFrom });
        }, 200);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  balancer.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  balancer.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return balancer;
}
