import net from "node:net";

/**
 * A loopback TCP proxy between the worker and the ledger node, for cutting the connection on
 * purpose: `cut()` drops every open connection and refuses new ones until `restore()`;
 * `cutAfter(text)` forwards the next request containing `text` to the node and then cuts before
 * its answer comes back (the node acted, the client never hears of it).
 */
export interface TcpProxy {
  url: string;
  port: number;
  cut(): void;
  cutAfter(text: string): Promise<void>;
  restore(): void;
  readonly isCut: boolean;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let cut = false;
  let trigger: { text: string; fired: () => void } | undefined;

  const cutNow = () => {
    cut = true;
    for (const s of sockets) s.destroy();
    sockets.clear();
  };

  const server = net.createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop);
    upstream.on("error", drop);
    client.on("close", drop);
    upstream.on("close", drop);
    let swallow = false;
    client.on("data", (chunk) => {
      if (cut) return drop();
      upstream.write(chunk);
      if (trigger && chunk.toString("latin1").includes(trigger.text)) {
        const fired = trigger.fired;
        trigger = undefined;
        swallow = true; // the node's answer to this request never reaches the client
        setTimeout(() => {
          cutNow();
          fired();
        }, 200);
      }
    });
    upstream.on("data", (chunk) => {
      if (!swallow && !cut) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    cut: cutNow,
    cutAfter: (text) => new Promise<void>((fired) => (trigger = { text, fired })),
    restore() {
      cut = false;
    },
    get isCut() {
      return cut;
    },
    close: () =>
      new Promise<void>((resolve) => {
        cutNow();
        server.close(() => resolve());
      }),
  };
}
