import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pipeline } from "node:stream/promises";

/**
 * The anchor of the deadline-rush benchmark: a bare Node `http` server that streams each request
 * body to a file of its own in DIR and answers with the byte count. No authentication, no
 * protocol, no database: what loopback, Node's HTTP parser and the disk allow on this machine.
 *
 *   node --import tsx scripts/bench/deadline-rush/bare-server.ts DIR   (prints "listening PORT")
 */
const dir = process.argv[2];
if (!dir) throw new Error("usage: bare-server.ts DIR");
let n = 0;
const server = http.createServer((req, res) => {
  const out = fs.createWriteStream(path.join(dir, `upload-${++n}`));
  pipeline(req, out).then(
    () => res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ bytes: out.bytesWritten })),
    (e: unknown) => res.writeHead(500).end(String(e)),
  );
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as AddressInfo).port}`));
process.once("SIGTERM", () => server.close(() => process.exit(0)));
